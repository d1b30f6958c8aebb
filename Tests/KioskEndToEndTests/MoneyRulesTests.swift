import Foundation
import KioskCore
import KioskFixtures
import Testing

/// Issue 11's money rules through the real daemon and kioskctl: never charge twice for one
/// invoice (the exact sequence a manager found: pay 40190, reject, pay again, process both),
/// `items.open` marking covered invoices, and `history.list` telling each payment's state.
@Suite("Money rules", .serialized)
struct MoneyRulesTests {
    let helper = PaymentTests()

    func sql(_ daemon: DaemonProcess, _ query: String) throws -> String { try helper.sql(daemon, query) }

    func pay(_ client: RawClient, invoice: String, terms: String, id: Int) throws -> [String: Any] {
        try client.call("payment.submit", params: ["invoices": [invoice], "method": ["capture": try helper.swipe(client)],
                                                   "signature": try helper.sign(client), "terms_sha256": terms], id: id)
    }

    func invoiceRow(_ client: RawClient, _ id: String) throws -> [String: Any] {
        let invoices = try client.call("items.open", id: 50).result["invoices"] as? [[String: Any]] ?? []
        return invoices.first { $0["id"] as? String == id } ?? [:]
    }

    func history(_ client: RawClient) throws -> [[String: Any]] {
        try client.call("history.list", id: 51).result["payments"] as? [[String: Any]] ?? []
    }

    @Test("rejected, paid again, then processing the rejected one is refused naming the other payment and the invoice, unless confirmed")
    func neverChargeTwice() throws {
        let daemon = try helper.demo("never-twice")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "3001", "pin": "1357"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""

        let first = try pay(client, invoice: "I-3001-1", terms: terms, id: 3).result["id"] as? String ?? ""
        #expect(!first.isEmpty)
        let pendingRow = try invoiceRow(client, "I-3001-1")
        #expect((pendingRow["covered_by"] as? [[String: Any]])?.first?["id"] as? String == first)
        #expect((pendingRow["covered_by"] as? [[String: Any]])?.first?["state"] as? String == "pending")
        #expect(try invoiceRow(client, "I-3001-2")["covered_by"] == nil, "an invoice nothing covers carries no covered_by")

        #expect(try daemon.kioskctl(["payment", "reject", first, "--reason", "payment", "--message", "Declined."]).status == 0)
        #expect(try invoiceRow(client, "I-3001-1")["covered_by"] == nil, "a rejected payment covers nothing")
        let rejectedRow = try history(client).first { $0["id"] as? String == first } ?? [:]
        #expect(rejectedRow["state"] as? String == "rejected" && rejectedRow["pending"] as? Bool == false, "\(rejectedRow)")
        #expect(rejectedRow["reason"] as? String == "payment_issue_call" && rejectedRow["message"] as? String == "Declined.")
        #expect(rejectedRow["source"] as? String == "kiosk")

        let second = try pay(client, invoice: "I-3001-1", terms: terms, id: 4).result["id"] as? String ?? ""
        #expect(!second.isEmpty)
        #expect(try daemon.kioskctl(["payment", "process", second]).status == 0)

        // Processed here, not yet in the back office's history: still covered, still listed.
        let processedRow = try invoiceRow(client, "I-3001-1")
        #expect((processedRow["covered_by"] as? [[String: Any]])?.map { $0["id"] as? String } == [second])
        #expect((processedRow["covered_by"] as? [[String: Any]])?.first?["state"] as? String == "processed")
        let third = try client.call("payment.quote", params: ["invoices": ["I-3001-1"]], id: 5).result
        let problem = (third["problems"] as? [[String: Any]])?.first?["message"] as? String ?? ""
        #expect(problem.contains("already being paid by payment \(second)"), "\(third)")
        let secondRows = try history(client).filter { $0["id"] as? String == second }
        #expect(secondRows.count == 1 && secondRows.first?["state"] as? String == "processed", "\(secondRows)")

        // Processing the rejected one now would charge 40190 twice.
        let refused = try daemon.kioskctl(["payment", "process", first])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("40190") && refused.stderr.contains(second), "\(refused.stderr)")
        let manager = try daemon.client()
        let wire = try manager.call("payment.process", params: ["id": first], id: 6)
        #expect(wire.errorKind == "conflict")
        #expect(wire.errorData["payments"] as? [String] == [second] && wire.errorData["invoices"] as? [String] == ["I-3001-1"], "\(wire)")
        #expect(try sql(daemon, "SELECT state FROM payment WHERE id = '\(first)'") == "rejected")

        let confirmed = try daemon.kioskctl(["payment", "process", first, "--overlap-ok"])
        #expect(confirmed.status == 0, "\(confirmed.stderr)")
        #expect(try sql(daemon, "SELECT count(*) FROM audit_log WHERE detail LIKE 'payment \(first) processed over invoice 40190%overlap confirmed%'") == "1")

        // The back office's data carries the second payment: it is listed once, as the back
        // office's, and no longer covers (the back office's open amount speaks for it).
        // The demo's own document (as kioskd --demo made it), an hour newer, with the payment.
        let today = LocalDate(instant: Date(), in: TimeZone(identifier: "America/Chicago")!)
        var document = DemoStore.document(today: today, now: Instant(Date().addingTimeInterval(3_600)))
        let index = try #require(document.accounts.firstIndex { $0.number == "3001" })
        document.accounts[index].payments.append(ProcessedPayment(id: second, date: today, amount: 27_615, method: "card",
                                                                  applied: [.init(item: "I-3001-1", amount: 27_615)]))
        let body = try JSONSerialization.jsonObject(with: JSONEncoder().encode(document)) as? [String: Any] ?? [:]
        #expect(try manager.call("sync.apply", params: body, id: 7).error == nil)
        let carried = try history(client).filter { $0["id"] as? String == second }
        #expect(carried.count == 1 && carried.first?["source"] as? String == "backoffice", "\(carried)")
        #expect((try invoiceRow(client, "I-3001-1")["covered_by"] as? [[String: Any]])?.map { $0["id"] as? String } == [first],
                "the first is processed here and not carried yet")
    }

    @Test("two payments scheduled for tomorrow, then one for today: after a restart a day later one is pending, the others wait, and run in turn")
    func waitingAcrossARestart() throws {
        let first = try helper.demo("waiting-day0")
        let client = try first.client()
        _ = try client.call("session.begin", params: ["account": "2001", "pin": "2468"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        var chicago = Calendar(identifier: .gregorian)
        chicago.timeZone = TimeZone(identifier: "America/Chicago")!
        func day(_ offset: Int) -> String {
            let c = chicago.dateComponents([.year, .month, .day], from: chicago.date(byAdding: .day, value: offset, to: Date())!)
            return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        }
        let tomorrow = day(1)
        func submit(_ payOn: String?, id: Int) throws -> String {
            var params: [String: Any] = ["amount": 1_000, "method": ["card_on_file": "K-2001-1"], "signature": try helper.sign(client),
                                         "terms_sha256": terms]
            params["pay_on"] = payOn
            let reply = try client.call("payment.submit", params: params, id: id)
            #expect(reply.error == nil, "\(reply)")
            return reply.result["id"] as? String ?? ""
        }
        // Scheduled first, then one for today: scheduled payments never block a new one.
        let later1 = try submit(tomorrow, id: 3)
        let later2 = try submit(tomorrow, id: 4)
        let today = try submit(nil, id: 5)
        // Moving one to today while `today` is pending: refused with the usual sentence.
        let moved = try client.call("payment.reschedule", params: ["id": later1, "pay_on": day(0)], id: 6)
        #expect(moved.errorKind == "conflict" && moved.errorMessage.contains("Payment \(today)"), "\(moved)")
        first.stop()

        // The kiosk was off over midnight: their day has come by the time it starts again.
        // (PaymentQueueTests moves an injected clock across the Chicago midnight itself; here
        // the stored day is moved back one, as a day passing would, and the daemon restarts.)
        _ = try sql(first, "UPDATE payment SET pay_on = '\(day(0))' WHERE id IN ('\(later1)', '\(later2)')")
        let next = try DaemonProcess(label: "waiting-day1", dataDirectory: first.dataDirectory)
        defer { withExtendedLifetime(first) { _ = next.stop() } }
        func states() throws -> String {
            try sql(next, "SELECT group_concat(id || '=' || state || coalesce(':' || waiting_for, ''), ' ') FROM (SELECT * FROM payment WHERE account = '2001' ORDER BY created_at, rowid)")
        }
        // The scheduler settles at start-up, beside the socket: give it a moment.
        let settled = "\(later1)=waiting:\(today) \(later2)=waiting:\(today) \(today)=pending"
        var tries = 0
        while try states() != settled, tries < 50 { tries += 1; Thread.sleep(forTimeInterval: 0.1) }
        #expect(try sql(next, "SELECT count(*) FROM payment WHERE account = '2001' AND state = 'pending'") == "1", "one pending per scope at every moment")
        #expect(try states() == settled)
        #expect(try sql(next, "SELECT group_concat(state) FROM outbox WHERE topic = 'payment' AND payment IN ('\(later1)', '\(later2)')") == "held,held")
        let waiting = try next.kioskctl(["payments", "list", "--state", "waiting"])
        #expect(waiting.stdout.contains(later1) && waiting.stdout.contains("waiting for \(today)"), "\(waiting.stdout)")
        let staff = try next.client()
        let history = try staff.call("history.list", params: ["account": "2001"]).result["payments"] as? [[String: Any]] ?? []
        let row = history.first { $0["id"] as? String == later1 } ?? [:]
        #expect(row["state"] as? String == "waiting" && row["waiting_for"] as? String == today && row["pending"] as? Bool == false, "\(row)")
        #expect(row["pay_on"] as? String == day(0))

        // The pending one is processed: the oldest waiting one runs, the other now waits for it.
        #expect(try next.kioskctl(["payment", "process", today]).status == 0)
        let afterProcess = try states()
        #expect(afterProcess == "\(later1)=pending \(later2)=waiting:\(later1) \(today)=processed")
        #expect(try sql(next, "SELECT state || ' ' || json_extract(payload, '$.state') FROM outbox WHERE topic = 'payment' AND payment = '\(later1)'") == "due pending")
        // Deleted: the last one runs.
        #expect(try next.kioskctl(["payment", "delete", later1]).status == 0)
        #expect(try states() == "\(later1)=deleted \(later2)=pending \(today)=processed")
    }
}
