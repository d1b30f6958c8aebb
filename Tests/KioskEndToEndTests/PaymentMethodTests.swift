#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Cards and bank accounts on file through a real kioskd and the reference back office on
/// loopback: states (expired), defaults, remove, saving a swiped card (saving → active with the
/// back office's token), a sync that predates the save, typed bank accounts (checks, sealing,
/// paying, saving), and a leak scan for the numbers involved.
@Suite("Payment methods", .serialized)
struct PaymentMethodTests {
    static let routing = "021000021"
    static let bankAccount = "9876543210123"
    static let pan = "4111111111111111"

    /// The paying store's account C10000 with an active card (K-0), an expired one, a job-less
    /// bank account, at `asOf`.
    static func document(asOf: String = "2026-11-20T12:00:00Z", extraCards: [[String: Any]] = [], banks: [[String: Any]]? = nil) -> [String: Any] {
        var document = PayingStore.document(count: 1, asOf: asOf)
        var accounts = document["accounts"] as! [[String: Any]]
        var cards = accounts[0]["cards_on_file"] as! [[String: Any]]
        cards.append(["id": "K-old", "description": "OLD VISA", "token": "tok-old", "brand": "visa", "last4": "0002", "expiry": "2020-01"])
        accounts[0]["cards_on_file"] = cards + extraCards
        accounts[0]["bank_accounts_on_file"] = banks ?? [["id": "BA-0", "description": "ACCOUNT ENDING 6789", "token": "tok-ba", "last4": "6789"]]
        document["accounts"] = accounts
        return document
    }

    func kiosk(_ label: String, link: String = "") throws -> (DaemonProcess, RawClient) {
        let daemon = try DaemonProcess(label: label, configExtra: "emulated_devices = true\nkiosk_id = \"yard-1\"\n" + link)
        return (daemon, try daemon.client())
    }

    func prepare(_ daemon: DaemonProcess, _ client: RawClient, publicKey: String? = nil) throws {
        if let publicKey { #expect(try daemon.kioskctl(["provision", "backoffice-key", publicKey]).status == 0) } else { _ = try daemon.provisionBackOfficeKey() }
        #expect(try client.call("sync.apply", params: Self.document(), id: 2).error == nil)
        for device in ["emulated-pad-1", "emulated-reader-1"] { _ = try client.call("device.allow", params: ["id": device], id: 3) }
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 4).error == nil)
    }

    func methods(_ client: RawClient, id: Int = 20) throws -> [[String: Any]] {
        try client.call("payment_methods.list", id: id).result["methods"] as? [[String: Any]] ?? []
    }

    func method(_ client: RawClient, _ methodID: String) throws -> [String: Any]? {
        try methods(client).first { $0["id"] as? String == methodID }
    }

    func swipe(_ client: RawClient) throws -> String {
        let capture = try client.call("device.capture.begin", params: ["kind": "card", "device": "emulated-reader-1"], id: 30).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.swipe", params: ["track2": ";\(Self.pan)=30121010000000000000?"], id: 31)
        _ = try client.nextEvent("capture.done")
        return capture
    }

    func pay(_ client: RawClient, method: [String: Any], id: Int) throws -> [String: Any] {
        let signature = try PaymentTests().sign(client)
        return try client.call("payment.submit", params: ["amount": 1_000, "method": method, "signature": signature,
                                                          "terms_sha256": PayingStore.termsSHA256], id: id)
    }

    @Test("states, defaults and removal: expired cards listed but not offered, the default moves, removed methods cannot pay")
    func statesDefaultsRemove() throws {
        let (daemon, client) = try kiosk("methods-states")
        try prepare(daemon, client)
        let list = try methods(client)
        #expect(list.map { $0["id"] as? String ?? "" } == ["K-0", "K-old", "BA-0"], "\(list)")
        #expect(list[0]["state"] as? String == "active" && list[0]["default"] as? Bool == true && list[0]["brand"] as? String == "visa"
                && list[0]["expiry"] as? String == "2030-01" && list[0]["type"] as? String == "card")
        #expect(list[1]["state"] as? String == "expired" && list[1]["default"] as? Bool == false)
        #expect(list[2]["type"] as? String == "bank_account" && list[2]["state"] as? String == "active" && list[2]["last4"] as? String == "6789")

        let options = try client.call("payment.options", id: 5).result
        #expect((options["cards_on_file"] as? [[String: Any]])?.map { $0["id"] as? String ?? "" } == ["K-0"], "\(options)")
        #expect((options["bank_accounts_on_file"] as? [[String: Any]])?.map { $0["id"] as? String ?? "" } == ["BA-0"], "\(options)")
        let expired = try pay(client, method: ["card_on_file": "K-old"], id: 6)
        #expect(expired.errorKind == "not_found", "\(expired)")

        let refused = try client.call("payment_method.set_default", params: ["id": "K-old"], id: 7)
        #expect(refused.errorKind == "conflict" && refused.errorMessage.contains("expired"), "\(refused)")
        let made = try client.call("payment_method.set_default", params: ["id": "BA-0"], id: 8).result
        #expect(made["id"] as? String == "BA-0" && made["default"] as? Bool == true, "\(made)")
        #expect(try method(client, "BA-0")?["default"] as? Bool == true && method(client, "K-0")?["default"] as? Bool == false)
        let marked = try client.call("payment.options", id: 9).result
        #expect((marked["bank_accounts_on_file"] as? [[String: Any]])?.first?["default"] as? Bool == true)
        #expect((marked["cards_on_file"] as? [[String: Any]])?.first?["default"] as? Bool == false)
        let byBank = try pay(client, method: ["bank_account": "BA-0"], id: 10)
        #expect(byBank.result["method_description"] as? String == "ACCOUNT ENDING 6789", "\(byBank)")
        _ = try daemon.kioskctl(["payment", "delete", byBank.result["id"] as? String ?? ""])

        // Staff: list and remove through kioskctl; an unknown id is one sentence, not echoed.
        let shown = try daemon.kioskctl(["payment-methods", "list", "C10000"])
        #expect(shown.status == 0 && shown.stdout.contains("K-old") && shown.stdout.contains("expired"), "\(shown.stdout)")
        #expect(try daemon.kioskctl(["payment-method", "remove", "C10000", "K-0"]).status == 0)
        let unknown = try daemon.kioskctl(["payment-method", "remove", "C10000", "NOPE-4242"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no payment method with that id") && !unknown.stderr.contains("NOPE-4242"), "\(unknown.stderr)")
        #expect(try methods(client).map { $0["id"] as? String ?? "" } == ["K-old", "BA-0"])
        let removed = try pay(client, method: ["card_on_file": "K-0"], id: 11)
        #expect(removed.errorKind == "not_found", "\(removed)")
        // No back office has heard of the removal: a newer document that still has the card
        // does not bring it back.
        _ = try client.call("session.end", id: 12)
        #expect(try client.call("sync.apply", params: Self.document(asOf: "2026-11-25T00:00:00Z"), id: 13).error == nil)
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 14).error == nil)
        #expect(try methods(client).map { $0["id"] as? String ?? "" } == ["K-old", "BA-0"], "an unacknowledged removal wins over any document")
        let setDefault = try daemon.kioskctl(["payment-method", "set-default", "C10000", "BA-0"])
        #expect(setDefault.status == 0 && setDefault.stdout.contains("default of the whole account"), "\(setDefault.stdout)\(setDefault.stderr)")
        // Each change went to the outbox for the back office, and was audited.
        let outbox = try daemon.kioskctl(["outbox", "list", "--json"]).stdout
        #expect(outbox.components(separatedBy: "\"payment_method\"").count - 1 == 3, "\(outbox)")
        let audit = try PaymentTests().sql(daemon, "SELECT action FROM audit_log WHERE action LIKE 'payment_method%' ORDER BY id")
        #expect(audit.split(separator: "\n") == ["payment_method.set_default", "payment_method.remove", "payment_method.set_default"], "\(audit)")
    }

    @Test("a swiped card is saved (saving), tokenized by the back office (active), pays next time, and survives a sync that predates it")
    func saveThroughTheBackOffice() throws {
        let office = try BackOfficeProcess(label: "methods-save")
        let port = BackOfficeProcess.freePort()
        let (daemon, client) = try kiosk("methods-save", link: office.kioskdConfig(port: port))
        try prepare(daemon, client, publicKey: office.publicKey)
        let capture = try swipe(client)
        let badName = try client.call("payment_method.save", params: ["capture": capture, "name": "Card 411111"], id: 40)
        #expect(badName.errorCode == -32602 && badName.errorData["path"] as? String == "params.name" && !badName.errorMessage.contains("411111"), "\(badName)")
        let tooLong = try client.call("payment_method.save", params: ["capture": capture, "name": String(repeating: "x", count: 41)], id: 41)
        #expect(tooLong.errorCode == -32602 && tooLong.errorData["path"] as? String == "params.name")
        let signature = try PaymentTests().sign(client)
        let notACard = try client.call("payment_method.save", params: ["capture": signature], id: 42)
        #expect(notACard.errorCode == -32602 && notACard.errorData["path"] as? String == "params.capture", "\(notACard)")

        // The back office is down: the method is saved here at once, "being saved".
        let saved = try client.call("payment_method.save", params: ["capture": capture, "name": "Bob's primary card", "default": true], id: 43).result
        let id = try #require(saved["id"] as? String, "\(saved)")
        // A document applied while the save is unacknowledged, however new, does not drop it.
        let beforeAck = Date().formatted(Date.ISO8601FormatStyle())
        _ = try client.call("session.end", id: 37)
        #expect(try client.call("sync.apply", params: Self.document(asOf: beforeAck), id: 39).error == nil)
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 38).error == nil)
        #expect(try method(client, id)?["state"] as? String == "saving", "a document applied before the acknowledgement does not drop it")
        #expect(id.hasPrefix("PM") && saved["state"] as? String == "saving" && saved["description"] as? String == "Bob's primary card"
                && saved["last4"] as? String == "1111" && saved["expiry"] as? String == "2030-12", "\(saved)")
        #expect(try method(client, id)?["state"] as? String == "saving")
        let twice = try client.call("payment_method.save", params: ["capture": capture], id: 44)
        #expect(twice.errorKind == "conflict", "\(twice)")
        #expect(try pay(client, method: ["card_on_file": id], id: 45).errorKind == "not_found", "a method being saved does not pay yet")
        #expect(try (client.call("payment.options", id: 46).result["cards_on_file"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false)

        // Up (a few seconds later): the tokenize request is delivered and answered with a token.
        sleep(2)
        try office.start(port: port)
        #expect(try eventually { try method(client, id)?["state"] as? String == "active" }, "\((try? methods(client)) ?? [])")
        #expect(try office.sql("SELECT action || ' ' || status || ' ' || capture_opened FROM payment_method WHERE method = '\(id)'") == "save active 1")
        let token = try office.sql("SELECT token FROM payment_method WHERE method = '\(id)'")
        #expect(token.hasPrefix("vault-"))
        #expect(try method(client, id)?["default"] as? Bool == true, "saved with default: true, it is the default once active")

        // Next time: pay with the saved card.
        let paid = try pay(client, method: ["card_on_file": id], id: 47)
        #expect(paid.result["method_description"] as? String == "Bob's primary card", "\(paid)")
        let paymentID = paid.result["id"] as? String ?? ""
        #expect(try eventually { try office.sql("SELECT payload FROM payment WHERE id = '\(paymentID)'").contains("\"card_on_file\":\"\(id)\"") })

        // A document dated before the acknowledgement (after the stored one) does not drop it.
        _ = try client.call("session.end", id: 48)
        let older = Self.document(asOf: (try Date(beforeAck, strategy: .iso8601)).addingTimeInterval(1).formatted(Date.ISO8601FormatStyle()))
        #expect(try client.call("sync.apply", params: older, id: 49).error == nil)
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 50).error == nil)
        #expect(try method(client, id)?["state"] as? String == "active", "a sync that predates the save must not drop it")
        // The first document dated after it rules: it names the method by the kiosk's id.
        let later = Date().addingTimeInterval(2).formatted(Date.ISO8601FormatStyle())
        sleep(3)
        let carried = Self.document(asOf: later, extraCards: [["id": id, "description": "Bob's primary card", "token": token, "brand": "visa",
                                                               "last4": "1111", "expiry": "2030-12"]])
        _ = try client.call("session.end", id: 51)
        #expect(try client.call("sync.apply", params: carried, id: 52).error == nil)
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 53).error == nil)
        #expect(try method(client, id)?["state"] as? String == "active" && method(client, id)?["default"] as? Bool == true)
        // Removing it goes through the outbox too; the back office accepts it.
        #expect(try client.call("payment_method.remove", params: ["id": id], id: 54).result["ok"] as? Bool == true)
        #expect(try method(client, id) == nil)
        #expect(try eventually { try office.sql("SELECT status FROM payment_method WHERE method = '\(id)' AND action = 'remove'") == "accepted" })
    }

    @Test("job scope and a refused tokenize: a job's card wins until defaults are set; a card the back office cannot read is failed with its sentence")
    func jobScopeAndFailedSave() throws {
        // Sealed to the demo key, which this back office cannot open: it refuses to vault it.
        let office = try BackOfficeProcess(label: "methods-failed")
        try office.start()
        let daemon = try DaemonProcess(label: "methods-failed", configExtra: "emulated_devices = true\nkiosk_id = \"yard-1\"\n" + office.kioskdConfig(),
                                       extraArguments: ["--demo"])
        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821", "contact": "C-1001-1"], id: 1).error == nil)
        func listed(job: Int?) throws -> [[String: Any]] {
            var params: [String: Any] = [:]
            if let job { params["job"] = job }
            return try client.call("payment_methods.list", params: params, id: 2).result["methods"] as? [[String: Any]] ?? []
        }
        func defaultID(job: Int?) throws -> String? { try listed(job: job).first { $0["default"] as? Bool == true }?["id"] as? String }
        #expect(try listed(job: nil).map { $0["id"] as? String ?? "" } == ["K-1001-1"])
        #expect(try listed(job: 2).map { $0["id"] as? String ?? "" } == ["K-1001-1", "K-1001-2"])
        #expect(try defaultID(job: 2) == "K-1001-2", "a job's own card wins")
        #expect(try client.call("payment_methods.list", params: ["job": 99], id: 3).errorKind == "not_found")

        let capture = try swipe(client)
        let saved = try client.call("payment_method.save", params: ["capture": capture, "job": 2], id: 4).result
        let id = try #require(saved["id"] as? String, "\(saved)")
        #expect(saved["description"] as? String == "CARD ENDING IN 1111" && saved["job"] as? Int == 2)
        #expect(try eventually { try listed(job: 2).first { $0["id"] as? String == id }?["state"] as? String == "failed" })
        let failed = try #require(try listed(job: 2).first { $0["id"] as? String == id })
        #expect((failed["error"] as? String)?.contains("could not be read by the back office") == true, "\(failed)")
        #expect(try listed(job: nil).contains { $0["id"] as? String == id } == false, "a job's method is not the whole account's")
        #expect(try client.call("payment_method.set_default", params: ["id": id], id: 5).errorKind == "conflict")
        let options = try client.call("payment.options", params: ["job": 2], id: 6).result
        #expect((options["cards_on_file"] as? [[String: Any]])?.contains { $0["id"] as? String == id } == false, "a failed method is not offered")

        // The account's set default beats a job's own card; the job's set default beats both.
        #expect(try client.call("payment_method.set_default", params: ["id": "K-1001-1"], id: 7).error == nil)
        #expect(try defaultID(job: 2) == "K-1001-1" && defaultID(job: nil) == "K-1001-1")
        #expect(try client.call("payment_method.set_default", params: ["id": "K-1001-2"], id: 8).error == nil)
        #expect(try defaultID(job: 2) == "K-1001-2" && defaultID(job: nil) == "K-1001-1")
        // Another account's method is not found, and not echoed.
        let other = try client.call("payment_method.remove", params: ["id": "K-2001-1"], id: 9)
        #expect(other.errorKind == "not_found" && !other.errorMessage.contains("K-2001-1"), "\(other)")
    }

    @Test("a tokenize request that dies in the outbox leaves the method failed, not 'being saved' forever")
    func deadSave() throws {
        let office = try BackOfficeProcess(label: "methods-dead")
        try office.start(faults: ["500:1000"])
        let (daemon, client) = try kiosk("methods-dead", link: office.kioskdConfig(maxAttempts: 2))
        try prepare(daemon, client, publicKey: office.publicKey)
        let saved = try client.call("payment_method.save", params: ["capture": try swipe(client)], id: 80).result
        let id = try #require(saved["id"] as? String, "\(saved)")
        #expect(try eventually { try method(client, id)?["state"] as? String == "failed" }, "\((try? methods(client)) ?? [])")
        #expect((try method(client, id)?["error"] as? String)?.contains("please ask staff") == true)
        #expect(try daemon.kioskctl(["outbox", "list", "--state", "dead"]).stdout.contains("payment_method"))
    }

    @Test("a bank capture checks each number, names the parameter and never repeats its value")
    func bankCaptureValidation() throws {
        let (daemon, client) = try kiosk("methods-bank-checks")
        _ = try daemon.provisionBackOfficeKey()
        let good: [String: Any] = ["kind": "bank", "routing_number": Self.routing, "account_number": Self.bankAccount]
        func with(_ change: [String: Any?]) -> [String: Any] {
            var params = good
            for (key, value) in change { params[key] = value }
            return params
        }
        let cases: [([String: Any], String, String?)] = [
            (with(["routing_number": "123456789"]), "params.routing_number", "123456789"),
            (with(["routing_number": "02100002"]), "params.routing_number", "02100002"),
            (with(["routing_number": "02100002X"]), "params.routing_number", "02100002X"),
            (with(["routing_number": nil]), "params.routing_number", nil),
            (with(["account_number": "123"]), "params.account_number", nil),
            (with(["account_number": "987654321012345678"]), "params.account_number", "987654321012345678"),
            (with(["account_number": "98765a3210"]), "params.account_number", "98765a3210"),
            (with(["account_number": nil]), "params.account_number", nil),
            (with(["account_type": "money"]), "params.account_type", "money"),
            (with(["device": "emulated-reader-1"]), "params.device", nil),
            (with(["prompt": "Sign here"]), "params.prompt", nil),
            (["kind": "card", "routing_number": Self.routing], "params.routing_number", Self.routing),
        ]
        var replies = [String]()
        for (n, (params, path, value)) in cases.enumerated() {
            let reply = try client.call("device.capture.begin", params: params, id: 60 + n)
            replies.append("\(reply)")
            #expect(reply.errorCode == -32602 && reply.errorData["path"] as? String == path, "\(params) → \(reply)")
            if let value { #expect(!"\(reply)".contains(value), "\(path) echoed its value: \(reply)") }
        }
        #expect(replies.allSatisfy { !$0.contains(Self.bankAccount) && !$0.contains(Self.routing) })
        #expect(replies[0].contains("check digit"), "\(replies[0])")

        // A good one: capture.done with the masked view comes before the reply.
        let lines = try WireTrustTests.exchange(client, "device.capture.begin", good, id: 99)
        #expect(lines.count == 2, "\(lines)")
        let event = (try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])?["params"] as? [String: Any] ?? [:]
        let masked = event["masked"] as? [String: Any] ?? [:]
        #expect(event["type"] as? String == "capture.done" && event["kind"] as? String == "bank", "\(lines)")
        #expect(masked["last4"] as? String == "0123" && masked["description"] as? String == "ACCOUNT ENDING 0123" && masked["account_type"] as? String == "checking")
        let capture = (try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])?["result"] as? [String: Any]
        #expect(capture?["capture"] as? String == event["capture"] as? String)
        #expect(try PaymentTests().sql(daemon, "SELECT kind FROM sealed_capture") == "bank")
        daemon.stop()
        #expect(!daemon.log.contains(Self.bankAccount) && !daemon.log.contains(Self.routing))
    }

    @Test("pay by bank account: sealed to the back office, opened there; saved as a bank account on file; no number left anywhere")
    func bankPaymentAndLeakScan() throws {
        let office = try BackOfficeProcess(label: "methods-bank")
        try office.start()
        let (daemon, client) = try kiosk("methods-bank", link: office.kioskdConfig())
        try prepare(daemon, client, publicKey: office.publicKey)
        var replies = [String]()
        let begin = try client.call("device.capture.begin", params: ["kind": "bank", "routing_number": Self.routing, "account_number": Self.bankAccount,
                                                                     "account_type": "savings"], id: 70)
        replies.append("\(begin)")
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        let paid = try pay(client, method: ["capture": capture], id: 71)
        replies.append("\(paid)")
        #expect(paid.result["method_description"] as? String == "ACCOUNT ENDING 0123", "\(paid)")
        let payment = paid.result["id"] as? String ?? ""
        #expect(try eventually { try office.sql("SELECT card_opened FROM payment WHERE id = '\(payment)'") == "1" })
        let payload = try office.sql("SELECT payload FROM payment WHERE id = '\(payment)'")
        #expect(payload.contains("\"bank_account\":{") && payload.contains("\"kind\":\"bank\"") && !payload.contains("\"card\":{"), "\(payload)")
        #expect(!payload.contains(Self.bankAccount) && !payload.contains(Self.routing))

        #expect(try daemon.kioskctl(["payment", "delete", payment]).status == 0)
        // The same entry is saved once (a capture pays once and saves once) and becomes active.
        let saved = try client.call("payment_method.save", params: ["capture": capture], id: 72)
        replies.append("\(saved)")
        let id = try #require(saved.result["id"] as? String, "\(saved)")
        #expect(saved.result["type"] as? String == "bank_account" && saved.result["description"] as? String == "ACCOUNT ENDING 0123"
                && saved.result["account_type"] as? String == "savings")
        #expect(try eventually { try method(client, id)?["state"] as? String == "active" })
        let again = try pay(client, method: ["bank_account": id], id: 73)
        replies.append("\(again)")
        #expect(again.result["state"] as? String == "pending" && again.result["method_description"] as? String == "ACCOUNT ENDING 0123", "\(again)")
        // And a swiped card saved the same way, for the scan below.
        let card = try swipe(client)
        replies.append("\(try client.call("payment_method.save", params: ["capture": card], id: 74))")
        replies.append("\(try client.call("payment_methods.list", id: 75))")
        replies += client.events.map { "\($0)" }
        let shown = try daemon.kioskctl(["payment-methods", "list", "C10000", "--json"])
        replies.append(shown.stdout + shown.stderr)
        #expect(try eventually { try office.sql("SELECT count(*) FROM payment_method WHERE status = 'active'") == "2" })
        daemon.stop()

        let secrets = [Self.bankAccount, Self.routing + Self.bankAccount, Self.routing, Self.pan]
        let log = daemon.log
        #expect(log.contains("bank account captured and sealed"), "the log was written")
        for secret in secrets {
            #expect(!log.contains(secret), "kioskd's log holds \(secret.prefix(4))…")
            #expect(!replies.joined().contains(secret), "a reply or event holds \(secret.prefix(4))…")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file) holds \(secret.prefix(4))…")
            }
        }
        let audit = try PaymentTests().sql(daemon, "SELECT detail FROM audit_log")
        #expect(secrets.allSatisfy { !audit.contains($0) })
    }
}
