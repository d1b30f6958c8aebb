import Foundation
import Testing

/// The invoice history and an invoice's detail through a real kioskd holding the demo data:
/// kioskctl for staff, a front session for the customer.
@Suite("Invoices over the socket", .serialized)
struct InvoiceTests {
    @Test("kioskctl lists closed invoices and shows the payment applied to one; an unknown id is one sentence, not echoed")
    func kioskctlInvoices() throws {
        let daemon = try DaemonProcess(label: "invoices", extraArguments: ["--demo"])
        let closed = try daemon.kioskctl(["invoices", "list", "1001", "--status", "closed"])
        #expect(closed.status == 0, "\(closed.stderr)")
        #expect(closed.stdout.contains("39980") && closed.stdout.contains("closed") && !closed.stdout.contains("40117"), "\(closed.stdout)")
        let smith = try daemon.kioskctl(["invoices", "list", "1001", "--search", "SMITH", "--json"])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(smith.stdout.utf8)) as? [String: Any])
        #expect((list["invoices"] as? [[String: Any]])?.compactMap { $0["number"] as? String } == ["40188", "40117", "39980"], "\(smith.stdout)")
        #expect(list["more"] as? Bool == false && list["page"] as? Int == 0)

        let shown = try daemon.kioskctl(["invoice", "show", "1001", "I-1001-0"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Invoice 39980") && shown.stdout.contains("payment P-1001-1") && shown.stdout.contains("closed"), "\(shown.stdout)")
        let json = try daemon.kioskctl(["invoice", "show", "1001", "I-1001-2", "--json"])
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(detail["status"] as? String == "open" && detail["past_due"] as? Bool == true && detail["amount_due"] as? Int == 76_540)
        #expect((detail["applied"] as? [[String: Any]])?.first?["payment"] as? String == "P-1001-2")
        #expect((detail["lines"] as? [Any])?.isEmpty == true && (detail["covered_by"] as? [Any])?.isEmpty == true)

        let unknown = try daemon.kioskctl(["invoice", "show", "1001", "NOPE-4242"])
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("no invoice with that id") && !unknown.stderr.contains("NOPE-4242"), "\(unknown.stderr)")
        let badSearch = try daemon.kioskctl(["invoices", "list", "1001", "--search", String(repeating: "9", count: 41)])
        #expect(badSearch.status != 0 && badSearch.stderr.contains("params.search must be 1 to 40"), "\(badSearch.stderr)")
    }

    @Test("a view-only contact sees the invoices of their own account only", .enabled(if: getuid() == 0))
    func customerSession() throws {
        let daemon = try DaemonProcess(label: "invoices-front", extraArguments: ["--demo"])
        let front = try FrontClient(daemon)
        let signIn = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 1)
        #expect((signIn["result"] as? [String: Any])?["session"] != nil, "\(signIn)")
        let detail = try front.call("invoice.get", params: ["id": "I-1001-0"], id: 2)
        #expect(((detail["result"] as? [String: Any])?["applied"] as? [Any])?.count == 1, "\(detail)")
        let list = try front.call("invoices.list", params: ["status": "open"], id: 3)
        #expect(((list["result"] as? [String: Any])?["invoices"] as? [Any])?.count == 6, "\(list)")
        let other = try front.call("invoice.get", params: ["account": "2001", "id": "I-2001-1"], id: 4)
        #expect(((other["error"] as? [String: Any])?["data"] as? [String: Any])?["kind"] as? String == "permission_denied", "\(other)")
    }

    @Test("a kiosk payment covers its invoice in invoice.get; payment.get shows its lines, or a back-office payment's applications")
    func paymentDetail() throws {
        let helper = PaymentTests()
        let daemon = try helper.demo("payment-detail")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "3001", "pin": "1357"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let paid = try MoneyRulesTests().pay(client, invoice: "I-3001-1", terms: terms, id: 3).result["id"] as? String ?? ""
        #expect(!paid.isEmpty)

        let invoice = try client.call("invoice.get", params: ["id": "I-3001-1"], id: 4).result
        let covering = try #require((invoice["covered_by"] as? [[String: Any]])?.first, "\(invoice)")
        #expect(covering["id"] as? String == paid && covering["state"] as? String == "pending" && (covering["amount"] as? Int ?? 0) > 0)

        let detail = try client.call("payment.get", params: ["id": paid], id: 5).result
        #expect(detail["source"] as? String == "kiosk" && detail["state"] as? String == "pending" && detail["currency"] as? String == "USD", "\(detail)")
        let line = try #require((detail["lines"] as? [[String: Any]])?.first, "\(detail)")
        #expect(line["id"] as? String == "I-3001-1" && line["number"] as? String != nil && (detail["applied"] as? [Any])?.isEmpty == true)

        // A back-office payment of another account, as staff name it: where the money went.
        let office = try client.call("payment.get", params: ["account": "1001", "id": "P-1001-1"], id: 6).result
        let applied = try #require((office["applied"] as? [[String: Any]])?.first, "\(office)")
        #expect(office["source"] as? String == "backoffice" && (office["lines"] as? [Any])?.isEmpty == true)
        #expect(applied["item"] as? String == "I-1001-0" && applied["number"] as? String == "39980" && applied["kind"] as? String == "invoice"
                && applied["amount"] as? Int == 210_000)

        let shown = try daemon.kioskctl(["payment", "show", "1001", "P-1001-1"])
        #expect(shown.status == 0 && shown.stdout.contains("applied") && shown.stdout.contains("invoice 39980"), "\(shown.stdout)\(shown.stderr)")

        // Deleted: gone for the customer's history, still reachable by staff naming the account.
        #expect(try daemon.kioskctl(["payment", "delete", paid]).status == 0)
        let staff = try client.call("payment.get", params: ["account": "3001", "id": paid], id: 7).result
        #expect(staff["state"] as? String == "deleted", "\(staff)")
        let unknown = try client.call("payment.get", params: ["id": "P-1001-1"], id: 8)
        #expect(unknown.errorKind == "not_found", "another account's payment is not found in this session: \(unknown)")
    }

    @Test("the current statement through kioskd: its amount due is the balances' total; kioskctl shows the aging")
    func currentStatement() throws {
        let daemon = try DaemonProcess(label: "statement", extraArguments: ["--demo"])
        let client = try daemon.client()
        for job in [nil, 1, 2] as [Int?] {
            var params: [String: Any] = ["account": "1001"]
            if let job { params["job"] = job }
            let statement = try client.call("statement.current", params: params, id: 1)
            let balances = try client.call("account.balances", params: params, id: 2)
            #expect(statement.error == nil, "\(statement)")
            #expect(statement.result["amount_due"] as? Int == balances.result["total"] as? Int, "job \(String(describing: job))")
            #expect((statement.result["aging"] as? [String: Any])?.keys.sorted() == ["1_30", "31_60", "61_90", "current", "over_90"])
        }
        let shown = try daemon.kioskctl(["statement", "current", "1001", "--job", "1"])
        #expect(shown.status == 0 && shown.stdout.contains("amount due") && shown.stdout.contains("Open charges:"), "\(shown.stdout)\(shown.stderr)")
        let noJob = try daemon.kioskctl(["statement", "current", "1001", "--job", "9"])
        #expect(noJob.status != 0 && noJob.stderr.contains("job"), "\(noJob.stderr)")
    }
}
