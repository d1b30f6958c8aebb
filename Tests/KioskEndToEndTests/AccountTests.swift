import Foundation
import Testing

/// Sync in, figures out: the whole read path through a real daemon, socket and SQLite file.
@Suite("Accounts over the socket", .serialized)
struct AccountTests {
    let example: [String: Any]
    init() throws { example = try FixtureFiles.json("sync/store-example.json") }

    /// A daemon with the example loaded; keep the value alive as long as the client is used.
    struct Loaded {
        let daemon: DaemonProcess
        let client: RawClient
    }

    private func loaded() throws -> Loaded {
        let daemon = try DaemonProcess(label: "accounts")
        let client = try daemon.client()
        do {
            let reply = try client.call("sync.apply", params: example)
            #expect(reply.error == nil, "\(reply)")
        } catch {
            Issue.record("sync.apply failed: \(error)\nkioskd log:\n\(daemon.log)")
            throw error
        }
        return Loaded(daemon: daemon, client: client)
    }

    @Test("sync.apply reports counts; the same document twice changes nothing")
    func applyTwice() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        let again = try client.call("sync.apply", params: example, id: 2)
        let accounts = again.result["accounts"] as? [String: Any]
        #expect(accounts?["inserted"] as? Int == 0)
        #expect(accounts?["updated"] as? Int == 0)
        #expect(accounts?["unchanged"] as? Int == 2)
        #expect(again.result["rows_written"] as? Int == 0)
    }

    @Test("account.get shows used address lines, representative and links")
    func accountInfo() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        let info = try client.call("account.get", params: ["account": "1001"]).result
        #expect(info["number"] as? String == "1001")
        #expect(info["address"] as? [String] == ["12 Oak Rd"])
        #expect(info["billing_type"] as? String == "job")
        #expect((info["jobs"] as? [[String: Any]])?.map { $0["number"] as? Int } == [0, 1])
        let rep = info["representative"] as? [String: Any]
        #expect(rep?["first_name"] as? String == "Ann")
        #expect(rep?["email"] as? String == "ann@example.com")
        let links = info["links"] as? [String: Any]
        #expect(links?["erp"] as? String == "C-1001")
        #expect(links?["accounting"] is NSNull)  // a missing link is shown, as null
        let other = try client.call("account.get", params: ["account": "2001"], id: 2).result
        #expect(other["representative"] == nil)  // no assigned user: no panel at all
        #expect(other["jobs"] as? [Any] != nil && (other["jobs"] as? [Any])!.isEmpty)
    }

    @Test("balances per scope: consolidated, per job, account; credit figures account-wide")
    func balances() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        let all = try client.call("account.balances", params: ["account": "1001"]).result
        #expect(all["scope"] as? String == "consolidated")
        #expect(all["outstanding"] as? Int == 14150)
        #expect(all["credits"] as? Int == 5000)
        #expect(all["amount_due"] as? Int == 9150)
        #expect(all["new_charges"] as? Int == 25000)
        #expect(all["total"] as? Int == 34150)
        #expect(all["credit_limit"] as? Int == 500000)
        #expect(all["credit_available"] as? Int == 453850)
        #expect(all["currency"] as? String == "USD")
        let job1 = try client.call("account.balances", params: ["account": "1001", "job": 1], id: 2).result
        #expect(job1["scope"] as? String == "job")
        #expect(job1["total"] as? Int == 9150)
        #expect(job1["credit_available"] as? Int == 453850)
        let job0 = try client.call("account.balances", params: ["account": "1001", "job": 0], id: 3).result
        #expect(job0["new_charges"] as? Int == 25000)
        #expect(job0["outstanding"] as? Int == 0)
        let byAccount = try client.call("account.balances", params: ["account": "2001"], id: 4).result
        #expect(byAccount["scope"] as? String == "account")
        #expect(byAccount["outstanding"] as? Int == 6000)
        #expect(byAccount["credit_available"] as? Int == 94000)
    }

    @Test("summary and open items: past due, memo covering an invoice, finance charges first")
    func summaryAndOpenItems() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        let summary = try client.call("account.summary", params: ["account": "1001"]).result
        #expect(summary["total_balance"] as? Int == 39000)
        #expect(summary["total_past_due"] as? Int == 14000)
        #expect(summary["invoice_count"] as? Int == 3)
        let oldest = summary["oldest_invoice"] as? [String: Any]
        #expect(oldest?["number"] as? String == "10025")
        #expect(oldest?["date"] as? String == "2026-09-01")
        let open = try client.call("items.open", params: ["account": "1001"], id: 2).result
        let invoices = open["invoices"] as? [[String: Any]] ?? []
        #expect(invoices.map { $0["id"] as? String } == ["I-1", "I-2"])  // I-3 is covered by memo M-1
        #expect(invoices.first?["past_due"] as? Bool == true)
        #expect(invoices.last?["past_due"] as? Bool == false)
        #expect(open["finance_charges"] as? Int == 150)
        #expect(open["finance_charges_required"] as? Bool == true)
    }

    @Test("unknown account, unknown job and a job on an account billed by account")
    func lookupErrors() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        let missing = try client.call("account.get", params: ["account": "9999"])
        #expect(missing.errorKind == "not_found")
        #expect(missing.errorCode == -32005)
        let job = try client.call("account.balances", params: ["account": "1001", "job": 7], id: 2)
        #expect(job.errorKind == "not_found")
        let flat = try client.call("account.balances", params: ["account": "2001", "job": 1], id: 3)
        #expect(flat.errorCode == -32602)
    }

    @Test("a bad document names its first bad path and changes nothing")
    func invalidDocumentChangesNothing() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        var bad = example
        var accounts = bad["accounts"] as! [[String: Any]]
        accounts[1]["credit_limit"] = 999  // a change that must not land…
        var items = accounts[1]["items"] as! [[String: Any]]
        items[0]["due_date"] = "2026-02-30"  // …because of this
        accounts[1]["items"] = items
        bad["accounts"] = accounts
        let reply = try client.call("sync.apply", params: bad)
        #expect(reply.errorCode == -32602)
        #expect(reply.errorMessage.contains("accounts[1].items[0].due_date: not a date"), "\(reply.errorMessage)")
        #expect((reply.error?["data"] as? [String: Any])?["path"] as? String == "accounts[1].items[0].due_date")
        let after = try client.call("account.balances", params: ["account": "2001"], id: 2).result
        #expect(after["credit_limit"] as? Int == 100000)
    }

    @Test("a document older than the stored data is refused as a conflict")
    func olderDocument() throws {
        let loaded = try loaded()
        let client = loaded.client
        defer { withExtendedLifetime(loaded) {} }
        var old = example
        old["as_of"] = "2026-01-01T00:00:00Z"
        let reply = try client.call("sync.apply", params: old)
        #expect(reply.errorKind == "conflict")
        #expect(reply.errorMessage.contains("older"))
    }

    @Test("activity uses calendar periods in the branch's time zone")
    func activity() throws {
        let daemon = try DaemonProcess(label: "activity")
        let client = try daemon.client()
        var zone = Calendar(identifier: .gregorian)
        zone.timeZone = TimeZone(identifier: "America/Chicago")!
        let now = Date()
        func day(_ offset: Int) -> String {
            let d = zone.date(byAdding: .day, value: offset, to: now)!
            let c = zone.dateComponents([.year, .month, .day], from: d)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        let today = zone.dateComponents([.year, .month, .day], from: now)
        let lastYear = String(format: "%04d-06-15", today.year! - 1)
        var doc = example
        var account = (doc["accounts"] as! [[String: Any]])[1]
        account["sales"] = [
            ["date": lastYear, "kind": "sale", "amount": 7000, "tax": 500, "charge": true],
            ["date": day(0), "kind": "sale", "amount": 1000, "tax": 0, "charge": false],  // today: in YTD and MTD
            ["date": lastYear, "kind": "adjustment", "amount": -2000, "tax": 0, "charge": true],
            ["date": lastYear, "kind": "sale", "amount": 9999, "tax": 0, "charge": true, "gift_card": true],
        ]
        account["payments"] = [["id": "Q1", "date": lastYear, "amount": 1200, "method": "check", "applied": []]]
        doc["accounts"] = [account]
        let applied = try client.call("sync.apply", params: doc)
        #expect(applied.error == nil, "\(applied)")
        let activity = try client.call("account.activity", params: ["account": "2001"], id: 2).result
        #expect(activity["prior_year_sales"] as? Int == 5000)  // 7000 − 2000, gift card and tax excluded
        #expect(activity["ytd_sales"] as? Int == 1000)
        #expect(activity["mtd_sales"] as? Int == 1000)
        #expect(activity["last_sale_date"] as? String == day(0))
        #expect(activity["last_charge_date"] as? String == lastYear)
        #expect(activity["last_payment_date"] as? String == lastYear)
        #expect(activity["last_payment_amount"] as? Int == 1200)
    }
}
