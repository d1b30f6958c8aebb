import Foundation
import KioskCore
import KioskFixtures
import Testing

/// Autopay rules through the real daemon with the demo store (issue 14, items 5–8): managed by
/// staff and by customers (who sign, accept the terms, and cannot touch locked rules), kept
/// over sync documents until the back office has them, and run: the payments due today made
/// once, through the submit path, named after their rule everywhere.
@Suite("Autopay rules", .serialized)
struct AutopayTests {
    let helper = PaymentTests()

    static func rule(_ method: [String: String], _ criteria: [[String: Any]], extra: [String: Any] = [:]) -> [String: Any] {
        var params: [String: Any] = ["account": "1001", "method": method, "criteria": criteria]
        params.merge(extra) { _, new in new }
        return params
    }

    static func rows(_ reply: [String: Any]) -> [[String: Any]] { reply["rules"] as? [[String: Any]] ?? [] }

    /// Applies the demo document with `rules` as account 1001's `autopay_rules` (nil: absent).
    func applyDemo(_ daemon: DaemonProcess, rules: [AutopayRule]?, name: String, change: (inout Account) -> Void = { _ in }) throws -> ProcessResult {
        let today = DemoStore.today(at: Date())
        var document = DemoStore.document(today: today, now: Instant(Date()))
        let i = document.accounts.firstIndex { $0.number == "1001" }!
        document.accounts[i].autopayRules = rules
        change(&document.accounts[i])
        let file = daemon.directory + "/\(name).json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        return try daemon.kioskctl(["sync", "apply", file])
    }

    @Test("staff create, check, move, disable, enable and delete rules; each change goes out with the whole list; a method a rule uses cannot be removed")
    func staffManageRules() throws {
        let daemon = try helper.demo("autopay-staff")
        let client = try daemon.client()
        let listed = try client.call("autopay.list", params: ["account": "1001"], id: 1)
        #expect(Self.rows(listed.result).isEmpty, "\(listed)")
        let terms = listed.result["terms"] as? [String: Any] ?? [:]
        #expect((terms["text"] as? String ?? "").contains("autopay") && (terms["sha256"] as? String)?.count == 64)

        // Two criteria: up to $1,000.00, and 15 days old or more.
        let small = try client.call("autopay.create", params: Self.rule(["card_on_file": "K-1001-1"], [
            ["field": "amount", "op": "le", "values": [100_000]], ["field": "age_days", "op": "ge", "values": [15]],
        ]), id: 2)
        #expect(small.error == nil, "\(small)")
        let a = small.result["id"] as? String ?? ""
        #expect(a.hasPrefix("A") && a.count == 7 && small.result["position"] as? Int == 1)
        #expect(small.result["source"] as? String == "kiosk" && small.result["pending_sync"] as? Bool == true)
        #expect(small.result["method_description"] as? String == "CARD ENDING IN 4242" && small.result["problem"] == nil)

        // Refused, each naming its row and reason; nothing saved.
        func refused(_ criteria: [[String: Any]], method: [String: String] = ["card_on_file": "K-1001-1"], row: Int?, reason: String) throws {
            let reply = try client.call("autopay.create", params: Self.rule(method, criteria), id: 3)
            #expect(reply.errorKind == "invalid_rule" && reply.errorCode == -32014, "\(reply)")
            #expect(reply.errorData["reason"] as? String == reason, "\(reply)")
            if let row { #expect(reply.errorData["row"] as? Int == row, "\(reply)") } else {
                #expect(reply.errorData.keys.contains("row") && reply.errorData["row"] is NSNull, "row null for the rule itself: \(reply)")
            }
        }
        try refused([], row: nil, reason: "no_rows")
        try refused([["field": "amount", "op": "le", "values": [1]], ["field": "job", "op": "lt", "values": [1]]], row: 1, reason: "operator_not_allowed")
        try refused([["field": "age_days", "op": "between", "values": [30, 10]]], row: 0, reason: "between_reversed")
        try refused([["field": "colour", "op": "is", "values": ["red"]]], row: 0, reason: "unknown_field")
        try refused([["field": "amount", "op": "le", "values": ["lots"]]], row: 0, reason: "bad_value")
        try refused([["field": "amount", "op": "le", "values": [1]]], method: ["card_on_file": "K-NONE"], row: nil, reason: "method_not_found")
        try refused([["field": "job", "op": "is", "values": [1]]], method: ["card_on_file": "K-1001-2"], row: 0, reason: "method_other_job")
        try refused([["field": "job", "op": "is", "values": [9]]], row: 0, reason: "no_such_job")
        let card = try client.call("autopay.create", params: Self.rule(["card_on_file": "K-1001-1"], [["field": "po_number", "op": "is", "values": ["4111111111111111"]]]), id: 4)
        #expect(card.errorKind == "invalid_rule" && card.errorData["reason"] as? String == "bad_value" && !"\(card)".contains("4111111111111111"))
        let place = try client.call("autopay.create", params: Self.rule(["card_on_file": "K-1001-1"], [["field": "amount", "op": "le", "values": [1]]],
                                                                        extra: ["position": 5]), id: 5)
        #expect(place.errorCode == -32602 && place.errorData["path"] as? String == "params.position", "\(place)")

        // A second rule at the top: the first moves down; then moved back.
        let oak = try client.call("autopay.create", params: Self.rule(["card_on_file": "K-1001-2"], [["field": "po_number", "op": "contains", "values": ["oak"]]],
                                                                      extra: ["position": 1, "locked": true]), id: 6)
        let b = oak.result["id"] as? String ?? ""
        #expect(oak.result["locked"] as? Bool == true && oak.result["method_description"] as? String == "Pat's Oak St Amex")
        #expect(Self.rows(try client.call("autopay.list", params: ["account": "1001"], id: 7).result).map { $0["id"] as? String } == [b, a])
        let moved = try client.call("autopay.move", params: ["account": "1001", "id": b, "position": 2], id: 8)
        #expect(Self.rows(moved.result).map { $0["id"] as? String } == [a, b] && Self.rows(moved.result).map { $0["position"] as? Int } == [1, 2])
        #expect(try client.call("autopay.disable", params: ["account": "1001", "id": a], id: 9).result["enabled"] as? Bool == false)
        #expect(try client.call("autopay.enable", params: ["account": "1001", "id": a], id: 10).result["enabled"] as? Bool == true)
        #expect(try client.call("autopay.enable", params: ["account": "1001", "id": "A-NONE"], id: 11).errorKind == "not_found")

        // The card the first rule pays with cannot be removed while it does.
        let remove = try client.call("payment_method.remove", params: ["account": "1001", "id": "K-1001-1"], id: 12)
        #expect(remove.errorKind == "conflict" && remove.errorData["rules"] as? [String] == [a], "\(remove)")

        #expect(try client.call("autopay.delete", params: ["account": "1001", "id": a], id: 13).error == nil)
        let left = Self.rows(try client.call("autopay.list", params: ["account": "1001"], id: 14).result)
        #expect(left.map { $0["id"] as? String } == [b] && left.first?["position"] as? Int == 1)

        // Every change told to the back office, the whole list each time, in order.
        let bodies = try helper.sql(daemon, "SELECT payload FROM outbox WHERE topic = 'autopay' ORDER BY id").split(separator: "\n")
        #expect(bodies.count == 6, "create, create, move, disable, enable, delete: \(bodies)")
        let last = try JSONSerialization.jsonObject(with: Data(bodies.last!.utf8)) as? [String: Any] ?? [:]
        #expect(last["change"] as? String == "deleted" && last["rule"] as? String == a && last["by"] as? String == "technician")
        #expect((last["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == [b] && last["authorization"] == nil)
        let audited = try helper.sql(daemon, "SELECT count(*) FROM audit_log WHERE action LIKE 'autopay.%'")
        #expect(Int(audited) ?? 0 >= 6)

        // A document without the member, or with rules, does not undo what the back office has not acknowledged.
        #expect(try applyDemo(daemon, rules: nil, name: "absent").status == 0)
        #expect(try applyDemo(daemon, rules: [], name: "empty").status == 0)
        let kept = Self.rows(try client.call("autopay.list", params: ["account": "1001"], id: 15).result)
        #expect(kept.map { $0["id"] as? String } == [b] && kept.first?["pending_sync"] as? Bool == true, "\(kept)")
    }

    @Test("a customer signs and accepts the autopay terms to save a rule; a locked rule is refused with the rule named")
    func customerRules() throws {
        let daemon = try helper.demo("autopay-customer")
        let staff = try daemon.client()
        let locked = try staff.call("autopay.create", params: Self.rule(["card_on_file": "K-1001-1"], [["field": "job", "op": "is", "values": [1]]],
                                                                        extra: ["locked": true]), id: 1)
        let l = locked.result["id"] as? String ?? ""
        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 2).error == nil)
        let list = try client.call("autopay.list", id: 3)
        #expect(Self.rows(list.result).map { $0["id"] as? String } == [l])
        let sha = (list.result["terms"] as? [String: Any])?["sha256"] as? String ?? ""

        for (n, method) in ["autopay.disable", "autopay.enable", "autopay.delete"].enumerated() {
            let reply = try client.call(method, params: ["id": l], id: 10 + n)
            #expect(reply.errorKind == "permission_denied" && reply.errorData["rule"] as? String == l && reply.errorMessage.contains("locked"), "\(reply)")
        }
        let move = try client.call("autopay.move", params: ["id": l, "position": 1], id: 14)
        #expect(move.errorKind == "permission_denied" && move.errorData["rule"] as? String == l)
        let update = try client.call("autopay.update", params: ["id": l, "criteria": [["field": "job", "op": "is", "values": [2]]],
                                                                "signature": try helper.sign(client), "terms_sha256": sha], id: 15)
        #expect(update.errorKind == "permission_denied" && update.errorData["rule"] as? String == l)

        let criteria: [[String: Any]] = [["field": "job", "op": "is", "values": [2]], ["field": "days_until_due", "op": "le", "values": [5]]]
        let oak = ["card_on_file": "K-1001-2"]
        let noSignature = try client.call("autopay.create", params: ["method": oak, "criteria": criteria, "terms_sha256": sha], id: 16)
        #expect(noSignature.errorCode == -32602 && noSignature.errorData["path"] as? String == "params.signature")
        let lock = try client.call("autopay.create", params: ["method": oak, "criteria": criteria, "locked": false], id: 17)
        #expect(lock.errorKind == "permission_denied", "a customer never sets locked: \(lock)")
        let signature = try helper.sign(client)
        let otherTerms = try client.call("autopay.create", params: ["method": oak, "criteria": criteria, "signature": signature,
                                                                    "terms_sha256": String(repeating: "0", count: 64)], id: 18)
        #expect(otherTerms.errorKind == "conflict" && otherTerms.errorMessage.contains("terms"))
        let made = try client.call("autopay.create", params: ["method": oak, "criteria": criteria, "signature": signature, "terms_sha256": sha], id: 19)
        #expect(made.error == nil && made.result["position"] as? Int == 2 && made.result["locked"] as? Bool == false, "\(made)")
        let r = made.result["id"] as? String ?? ""
        // One signature signs one thing.
        let again = try client.call("autopay.create", params: ["method": oak, "criteria": criteria, "signature": signature, "terms_sha256": sha], id: 20)
        #expect(again.errorKind == "conflict", "\(again)")
        // Their own rule: theirs to move (the locked one shifts), disable and delete.
        let top = try client.call("autopay.move", params: ["id": r, "position": 1], id: 21)
        #expect(Self.rows(top.result).map { $0["id"] as? String } == [r, l])
        #expect(try client.call("autopay.disable", params: ["id": r], id: 22).result["enabled"] as? Bool == false)

        // The binding is stored and sent, with the sealed signature; the signature is never in clear.
        #expect(try helper.sql(daemon, "SELECT count(*) FROM autopay_authorization WHERE rule = '\(r)' AND contact = 'C-1001-1'") == "1")
        let body = try helper.sql(daemon, "SELECT payload FROM outbox WHERE topic = 'autopay' AND json_extract(payload, '$.change') = 'created' AND json_extract(payload, '$.rule') = '\(r)'")
        let sent = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        let authorization = sent["authorization"] as? [String: Any] ?? [:]
        #expect(sent["by"] as? String == "contact" && authorization["contact"] as? String == "C-1001-1")
        #expect((authorization["signature_binding"] as? String)?.count == 64 && authorization["terms_sha256"] as? String == sha)
        #expect((authorization["signature"] as? [String: Any])?["ciphertext"] != nil || (authorization["signature"] as? [String: Any])?.isEmpty == false)

        // A view-only contact may not manage autopay.
        let jamie = try daemon.client()
        let login = try #require(DemoStore.logins.first { $0.contact == "C-1001-2" })
        #expect(try jamie.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": login.pin], id: 30).error == nil)
        #expect(try jamie.call("autopay.list", id: 31).errorKind == "permission_denied")
    }

    @Test("a run pays what is due today once, one payment per scope and rule, waiting behind a pending one; history, payments and invoices name the rule")
    func runs() throws {
        let daemon = try helper.demo("autopay-run")
        let today = DemoStore.today(at: Date())
        // R-SMITH pays job 1's invoices with the account's card (40117 and 40188 are past due:
        // today); R-OAK pays job 2's on their due date (40231 in 10 days, 40262 in 27).
        let rules = [
            AutopayRule(id: "R-SMITH", position: 1, method: .cardOnFile("K-1001-1"), criteria: [.init(field: "po_number", op: "contains", values: [.text("smith")])]),
            AutopayRule(id: "R-OAK", position: 2, method: .cardOnFile("K-1001-2"), criteria: [.init(field: "job", op: "is", values: [.number(2)])]),
        ]
        #expect(try applyDemo(daemon, rules: rules, name: "rules").status == 0)
        let client = try daemon.client()
        let made = try client.call("payments.list", params: ["state": "pending"], id: 1)
        let payments = (made.result["payments"] as? [[String: Any]] ?? []).filter { $0["account"] as? String == "1001" }
        #expect(payments.count == 1, "\(made)")
        let p = try #require(payments.first)
        #expect(p["autopay_rule"] as? String == "R-SMITH" && p["job"] as? Int == 1 && p["amount"] as? Int == 482_350 + 76_540, "\(p)")
        #expect((p["lines"] as? [[String: Any]])?.compactMap { $0["id"] as? String }.sorted() == ["I-1001-1", "I-1001-2"], "finance charges are not an invoice: \(p)")
        #expect(p["method_description"] as? String == "CARD ENDING IN 4242")
        let id = p["id"] as? String ?? ""
        let history = try client.call("history.list", params: ["account": "1001"], id: 2)
        #expect((history.result["payments"] as? [[String: Any]])?.first { $0["id"] as? String == id }?["autopay_rule"] as? String == "R-SMITH")
        // The back office gets it with the rule named and no signature (a back-office rule).
        let body = try helper.sql(daemon, "SELECT payload FROM outbox WHERE topic = 'payment' AND payment = '\(id)'")
        let sent = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] ?? [:]
        #expect(sent["autopay_rule"] as? String == "R-SMITH" && sent["signature"] == nil && sent["state"] as? String == "pending", "\(sent)")
        #expect(try helper.sql(daemon, "SELECT count(*) FROM audit_log WHERE action = 'autopay.payment'") == "1")

        // invoice.get says which rule will pay an invoice, and when.
        let deck = try client.call("invoice.get", params: ["account": "1001", "id": "I-1001-3"], id: 3).result
        #expect((deck["autopay"] as? [String: Any])?["rule"] as? String == "R-OAK", "\(deck)")
        #expect((deck["autopay"] as? [String: Any])?["date"] as? String == today.adding(days: 10).description)
        #expect(try client.call("invoice.get", params: ["account": "1001", "id": "I-1001-1"], id: 4).result["autopay"] == nil, "covered now")

        // The same document again: nothing twice.
        #expect(try applyDemo(daemon, rules: rules, name: "again").status == 0)
        #expect(try helper.sql(daemon, "SELECT count(*) FROM payment WHERE autopay_rule IS NOT NULL") == "1")

        // A pending payment for job 2 at the kiosk; a rule due today for job 2 then waits behind it.
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 5).error == nil)
        let terms = (try client.call("payment.options", params: ["job": 2], id: 6).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let paid = try client.call("payment.submit", params: ["job": 2, "invoices": ["I-1001-7"], "method": ["card_on_file": "K-1001-2"],
                                                              "signature": try helper.sign(client), "terms_sha256": terms], id: 7)
        #expect(paid.result["state"] as? String == "pending", "\(paid)")
        // The back office moves 40231's due date to today: R-OAK pays it today, and waits.
        #expect(try applyDemo(daemon, rules: rules, name: "due-today") { account in
            let k = account.items.firstIndex { $0.id == "I-1001-3" }!
            account.items[k].dueDate = today
        }.status == 0)
        let waiting = try client.call("payments.list", params: ["state": "waiting"], id: 10)
        let w = try #require((waiting.result["payments"] as? [[String: Any]])?.first, "\(waiting)")
        #expect(w["autopay_rule"] as? String == "R-OAK" && w["waiting_for"] as? String == paid.result["id"] as? String, "\(w)")
        #expect((w["lines"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["I-1001-3"])

        // Rejected: autopay leaves its invoices to the manager, and does not charge them again.
        #expect(try client.call("payment.reject", params: ["id": id, "reason": "payment_issue_call", "message": "Card declined."], id: 11).error == nil)
        #expect(try applyDemo(daemon, rules: rules, name: "after-reject").status == 0)
        #expect(try helper.sql(daemon, "SELECT count(*) FROM payment WHERE autopay_rule = 'R-SMITH'") == "1")
        let log = try String(contentsOfFile: daemon.stderrPath, encoding: .utf8)
        #expect(!log.contains("demo-vault"), "vault tokens never logged")
    }

    @Test("the back office gets each change with the whole list and the signed authorisation; acknowledged, the first document at or after it rules")
    func backOfficeLink() throws {
        let office = try BackOfficeProcess(label: "autopay-link")
        let port = BackOfficeProcess.freePort()
        let daemon = try DaemonProcess(label: "autopay-link", configExtra: "emulated_devices = true\nkiosk_id = \"yard-1\"\n" + office.kioskdConfig(port: port, maxAttempts: 1000))
        _ = try daemon.kioskctl(["provision", "backoffice-key", office.publicKey])
        let root = try daemon.client()
        let start = Date().addingTimeInterval(-3_600)
        #expect(try root.call("sync.apply", params: ContactTests.demo(asOf: start)).error == nil)
        #expect(try root.call("device.allow", params: ["id": "emulated-pad-1"], id: 2).error == nil)

        // Pat makes a rule, signed, while the back office is down.
        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 3).error == nil)
        let sha = (try client.call("autopay.list", id: 4).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let made = try client.call("autopay.create", params: ["method": ["card_on_file": "K-1001-2"], "criteria": [["field": "job", "op": "is", "values": [2]]],
                                                              "signature": try helper.sign(client), "terms_sha256": sha], id: 5)
        let id = try #require(made.result["id"] as? String, "\(made)")
        // A document meanwhile, whatever it says about rules, does not undo it.
        var other = try ContactTests.demo(asOf: start.addingTimeInterval(60))
        var accounts = other["accounts"] as! [[String: Any]]
        let i = accounts.firstIndex { $0["number"] as? String == "1001" }!
        accounts[i]["autopay_rules"] = [["id": "R-BO", "method": ["card_on_file": "K-1001-1"], "criteria": [["field": "job", "op": "is", "values": [1]]]]]
        other["accounts"] = accounts
        #expect(try root.call("sync.apply", params: other, id: 6).error == nil)
        var rules = Self.rows(try client.call("autopay.list", id: 7).result)
        #expect(rules.map { $0["id"] as? String } == [id] && rules.first?["pending_sync"] as? Bool == true, "\(rules)")

        // Up: delivered, opened with the back office's key, acknowledged.
        try office.start(port: port)
        #expect(try eventually { Self.rows(try client.call("autopay.list", id: 8).result).first?["pending_sync"] as? Bool == false }, "never acknowledged")
        let received = try office.sql("SELECT payload FROM message WHERE topic = 'autopay'")
        #expect(received.contains(#""change":"created""#) && received.contains(#""signature_binding""#) && received.contains("\"rule\":\"\(id)\""), "\(received)")
        // The first document dated at or after the acknowledgment rules: the back office's list.
        let acknowledged = try helper.sql(daemon, "SELECT acknowledged_at FROM kiosk_change WHERE topic = 'autopay'")
        var later = other
        later["as_of"] = acknowledged
        #expect(try root.call("sync.apply", params: later, id: 9).error == nil)
        rules = Self.rows(try client.call("autopay.list", id: 10).result)
        #expect(rules.map { $0["id"] as? String } == ["R-BO"] && rules.first?["source"] as? String == "backoffice", "\(rules)")
        office.stop()
    }
}
