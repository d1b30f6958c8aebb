import Foundation
import Testing

/// Paying at the kiosk through the real daemon with the demo store: sign in, options, quote,
/// sign, submit, and a manager's post-processing. Demo 1001 (Pat, PIN 4821) is open-item,
/// billed by job, at a branch that takes finance charges first; 2001 is balance-forward.
@Suite("Paying", .serialized)
struct PaymentTests {
    static let alphabet = Set("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    func demo(_ label: String) throws -> DaemonProcess {
        try DaemonProcess(label: label, extraArguments: ["--demo"])
    }

    func sql(_ daemon: DaemonProcess, _ query: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Signs on the emulated pad and returns the sealed signature's capture id.
    func sign(_ client: RawClient) throws -> String {
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 90).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.2, 0.5], [0.3, 0.4, 0.6], [0.5, 0.5, 0.6]]]], id: 91)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 92)
        _ = try client.nextEvent("capture.done")
        return capture
    }

    func swipe(_ client: RawClient) throws -> String {
        let capture = try client.call("device.capture.begin", params: ["kind": "card", "device": "emulated-reader-1"], id: 93).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.swipe", params: ["track2": ";4111111111111111=28121010000000000000?"], id: 94)
        _ = try client.nextEvent("capture.done")
        return capture
    }

    @Test("sign in, quote, sign, pay: one transaction writes the payment, its outbox, notices and receipts")
    func payInvoices() throws {
        let daemon = try demo("pay-invoices")
        let client = try daemon.client()
        #expect(try client.call("payment.quote", params: ["invoices": ["I-1001-1"]]).errorKind == "not_signed_in")
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 2).error == nil)
        let options = try client.call("payment.options", params: ["job": 2], id: 3).result
        let cards = options["cards_on_file"] as? [[String: Any]] ?? []
        #expect(cards.first { $0["default"] as? Bool == true }?["id"] as? String == "K-1001-2", "the job's own card wins")
        let terms = options["terms"] as? [String: Any] ?? [:]
        let termsHash = terms["sha256"] as? String ?? ""
        #expect((terms["text"] as? String)?.hasPrefix("I authorize Main St Lumber") == true)

        let quote = try client.call("payment.quote", params: ["job": 1, "invoices": ["I-1001-1"]], id: 4).result
        #expect(quote["total"] as? Int == 482_350 + 7_235, "finance charges first: forced in")
        #expect((quote["lines"] as? [[String: Any]])?.last?["locked"] as? Bool == true)

        let signature = try sign(client)
        let submit: [String: Any] = ["job": 1, "invoices": ["I-1001-1"], "method": ["card_on_file": "K-1001-1"],
                                     "signature": signature, "terms_sha256": termsHash]
        let paid = try client.call("payment.submit", params: submit, id: 5)
        let id = paid.result["id"] as? String ?? ""
        #expect(paid.result["state"] as? String == "pending", "\(paid)")
        #expect(id.count == 6 && id.allSatisfy { Self.alphabet.contains($0) })
        #expect(paid.result["amount"] as? Int == 489_585)
        #expect(paid.result["method_description"] as? String == "CARD ENDING IN 4242")
        #expect(paid.result["receipts_to"] as? [String] == ["Pat Doe"])

        // The same job again: refused, naming the pending one; the signature cannot be reused.
        let again = try client.call("payment.submit", params: submit, id: 6)
        #expect(again.errorKind == "conflict" && again.errorMessage.contains(id), "\(again)")

        // Another job, paid with a card swiped now.
        let card = try swipe(client)
        let other = try client.call("payment.submit", params: ["job": 2, "invoices": ["I-1001-3"], "method": ["capture": card],
                                                               "signature": try sign(client), "terms_sha256": termsHash], id: 7)
        #expect(other.result["method_description"] as? String == "CARD ENDING IN 1111", "\(other)")
        let secondID = other.result["id"] as? String ?? ""

        // Written together: payment, lines, one outbox entry per message, the audit row.
        #expect(try sql(daemon, "SELECT state, amount, method_kind FROM payment WHERE id = '\(id)'") == "pending|489585|card_on_file")
        #expect(try sql(daemon, "SELECT group_concat(item || ':' || amount) FROM payment_line WHERE payment = '\(id)' ORDER BY position")
                == "I-1001-1:482350,finance_charges:7235")
        #expect(try sql(daemon, "SELECT topic, count(*) FROM outbox WHERE payment = '\(id)' GROUP BY topic ORDER BY topic")
                == "notification|3\npayment|1\nreceipt|1")
        #expect(try sql(daemon, "SELECT count(*) FROM audit_log WHERE action = 'payment.submit' AND detail LIKE 'payment \(id)%'") == "1")
        let binding = try sql(daemon, "SELECT signature_binding FROM payment WHERE id = '\(id)'")
        #expect(binding.count == 64)
        let keys = try sql(daemon, "SELECT idempotency_key FROM outbox WHERE payment = '\(id)' ORDER BY id")
        #expect(Set(keys.split(separator: "\n")).count == 5)

        let list = try daemon.kioskctl(["payments", "list"])
        #expect(list.stdout.contains(id) && list.stdout.contains(secondID), "\(list)")
        #expect(list.stdout.contains("$4,895.85"))
        daemon.stop()
        for secret in ["4111111111111111", "4821"] {
            #expect(!daemon.log.contains(secret))
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            #expect(bytes.range(of: Data("4111111111111111".utf8)) == nil, "\(file) holds the PAN")
        }
    }

    @Test("refusals: wrong terms, a capture from another connection, a bad amount, a view-only contact")
    func refusals() throws {
        let daemon = try demo("pay-refuse")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "2001", "pin": "2468"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        #expect((try client.call("payment.options", id: 3).result["receivables_type"] as? String) == "balance_forward")
        let signature = try sign(client)
        var params: [String: Any] = ["amount": 10_000, "method": ["card_on_file": "K-2001-1"], "signature": signature, "terms_sha256": terms]
        params["terms_sha256"] = String(repeating: "0", count: 64)
        #expect(try client.call("payment.submit", params: params, id: 4).errorKind == "conflict")
        params["terms_sha256"] = terms
        params["amount"] = 99_999_999
        let over = try client.call("payment.submit", params: params, id: 5)
        #expect(over.errorKind == "invalid_amount" && over.errorMessage.contains("the most you can pay now is"))
        params["amount"] = 10_000
        params["method"] = ["card_on_file": "K-1001-1"]
        #expect(try client.call("payment.submit", params: params, id: 6).errorKind == "not_found")
        params["method"] = ["card_on_file": "K-2001-1", "capture": "x"]
        #expect(try client.call("payment.submit", params: params, id: 7).errorCode == -32602)
        params["method"] = ["card_on_file": "K-2001-1"]
        params["pay_on"] = "2001-01-01"
        #expect(try client.call("payment.submit", params: params, id: 8).errorCode == -32602)
        params["pay_on"] = nil

        // A signature made on another connection is not this customer's.
        let other = try daemon.client()
        let foreign = try sign(other)
        params["signature"] = foreign
        #expect(try client.call("payment.submit", params: params, id: 9).errorKind == "not_found")
        params["signature"] = signature
        #expect(try client.call("payment.submit", params: params, id: 10).result["state"] as? String == "pending")
        #expect(try sql(daemon, "SELECT count(*) FROM payment") == "1", "refusals wrote nothing")

        let view = try daemon.client()
        _ = try view.call("session.begin", params: ["account": "1001", "pin": "7360"])
        #expect(try view.call("payment.quote", params: ["invoices": ["I-1001-1"]], id: 2).errorKind == "permission_denied")
    }

    @Test("a manager rejects, the customer sees it at sign-in until acknowledged; process and delete")
    func postProcessing() throws {
        let daemon = try demo("pay-post")
        var client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "3001", "pin": "1357"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let first = try client.call("payment.submit", params: ["invoices": ["I-3001-1"], "method": ["capture": try swipe(client)],
                                                               "signature": try sign(client), "terms_sha256": terms], id: 3).result["id"] as? String ?? ""
        let reject = try daemon.kioskctl(["payment", "reject", first, "--reason", "payment", "--message", "The card was declined; please call us."])
        #expect(reject.status == 0, "\(reject.stderr)")
        client = try daemon.client()
        let signIn = try client.call("session.begin", params: ["account": "3001", "pin": "1357"]).result
        let notice = (signIn["notices"] as? [[String: Any]])?.first
        #expect(notice?["payment"] as? String == first)
        #expect(notice?["reason_text"] as? String == "Payment issue – please call the store")
        #expect(notice?["message"] as? String == "The card was declined; please call us.")
        let info = try client.call("account.get", id: 2).result
        #expect((info["rejected_payments"] as? [[String: Any]])?.count == 1)
        #expect(try client.call("payment.acknowledge", params: ["id": first], id: 3).error == nil)
        #expect(try client.call("account.get", id: 4).result["rejected_payments"] == nil)

        // A rejected payment can still be processed: it becomes an unapplied credit.
        let credits = { (c: RawClient) throws -> Int in try c.call("account.balances", id: 5).result["credits"] as? Int ?? -1 }
        let before = try credits(client)
        #expect(try daemon.kioskctl(["payment", "process", first]).status == 0)
        #expect(try credits(client) == before + 27_615)
        #expect(try daemon.kioskctl(["payment", "process", first]).stderr.contains("is processed"))

        // Delete: gone for the customer, audited; a new payment is then allowed.
        let second = try client.call("payment.submit", params: ["invoices": ["I-3001-2"], "method": ["capture": try swipe(client)],
                                                                "signature": try sign(client), "terms_sha256": terms], id: 6).result["id"] as? String ?? ""
        #expect(!second.isEmpty)
        #expect(try daemon.kioskctl(["payment", "delete", second]).status == 0)
        #expect(!(try daemon.kioskctl(["payments", "list"]).stdout.contains(second)))
        #expect(try daemon.kioskctl(["payments", "list", "--state", "deleted"]).stdout.contains(second))
        #expect(try sql(daemon, "SELECT count(*) FROM audit_log WHERE detail = 'payment \(second) deleted'") == "1")
        let third = try client.call("payment.submit", params: ["invoices": ["I-3001-2"], "method": ["capture": try swipe(client)],
                                                               "signature": try sign(client), "terms_sha256": terms], id: 7)
        #expect(third.result["state"] as? String == "pending", "\(third)")
        #expect(try daemon.kioskctl(["payment", "delete", "ZZZZZZ"]).stderr.contains("there is no payment"))
    }

    @Test("a later date schedules the payment, due through the outbox on its day; it can be moved or cancelled")
    func scheduled() throws {
        let daemon = try demo("pay-later")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "2001", "pin": "2468"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        var chicago = Calendar(identifier: .gregorian)
        chicago.timeZone = TimeZone(identifier: "America/Chicago")!
        let later = chicago.date(byAdding: .day, value: 3, to: Date())!
        let c = chicago.dateComponents([.year, .month, .day], from: later)
        let day = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        let paid = try client.call("payment.submit", params: ["amount": 5_000, "method": ["card_on_file": "K-2001-1"], "signature": try sign(client),
                                                              "terms_sha256": terms, "pay_on": day], id: 3).result
        let id = paid["id"] as? String ?? ""
        #expect(paid["state"] as? String == "scheduled")
        let due = try sql(daemon, "SELECT next_attempt_at FROM outbox WHERE payment = '\(id)' AND topic = 'payment'")
        #expect(due.hasPrefix(day) || due.contains("T05:00:00Z") || due.contains("T06:00:00Z"), "due at the start of \(day) in Chicago: \(due)")
        // A second scheduled payment is allowed (only pending ones are one at a time), within what is left.
        let moved = try client.call("payment.reschedule", params: ["id": id, "pay_on": "2001-01-01"], id: 4)
        #expect(moved.errorCode == -32602)
        #expect(try client.call("payment.cancel", params: ["id": id], id: 5).result["state"] as? String == "deleted")
        #expect(try sql(daemon, "SELECT count(*) FROM outbox WHERE payment = '\(id)' AND topic = 'payment'") == "0", "never sent")
    }
}
