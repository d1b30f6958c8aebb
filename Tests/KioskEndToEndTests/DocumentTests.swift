#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Past statements (`statement.get`, `statements.list` with job names, "Load more") and
/// "Send me this" (`document.send`, `documents.list`) through a real kioskd, the reference
/// back office on loopback and a local SMTP server.
@Suite("Documents: past statements and Send me this", .serialized)
struct DocumentTests {
    @Test("statements list their job's name, page 25 at a time past 25, and open as the sync sent them; kioskctl shows one")
    func pastStatements() throws {
        let daemon = try DaemonProcess(label: "statements", extraArguments: ["--demo"])
        defer { daemon.stop() }
        let file = try DemoDocuments.write(daemon.directory) { DemoDocuments.manyStatements(&$0, count: 22) }
        let applied = try daemon.kioskctl(["sync", "apply", file])
        #expect(applied.status == 0, "\(applied.stderr)")
        let client = try daemon.client()
        // 8 demo statements + 22 older ones: 30, so page 0 has 25 and "Load more".
        let first = try client.call("statements.list", params: ["account": "1001"], id: 1).result
        let rows = try #require(first["statements"] as? [[String: Any]])
        #expect(rows.count == 25 && first["more"] as? Bool == true && first["page"] as? Int == 0, "\(first)")
        #expect(rows.first { $0["job"] as? Int == 1 }?["job_name"] as? String == "Smith remodel")
        #expect(rows.first { $0["job"] as? Int == 2 }?["job_name"] as? String == "Oak St duplex")
        let second = try client.call("statements.list", params: ["account": "1001", "page": 1], id: 2).result
        let rest = try #require(second["statements"] as? [[String: Any]])
        #expect(rest.count == 5 && second["more"] as? Bool == false, "\(second)")
        let numbers = (rows + rest).compactMap { $0["number"] as? String }
        #expect(Set(numbers).count == 30 && numbers.last == "S-OLD-22", "newest first, nothing twice: \(numbers)")

        // The newest statement of job 1, with the detail the demo's back office printed.
        let newest = try #require(rows.first { $0["job"] as? Int == 1 }?["number"] as? String)
        let detail = try client.call("statement.get", params: ["account": "1001", "number": newest], id: 3).result
        #expect(detail["job_name"] as? String == "Smith remodel" && detail["currency"] as? String == "USD", "\(detail)")
        #expect(detail["opening_balance"] is Int && detail["closing_balance"] is Int)
        #expect((detail["aging"] as? [String: Any])?.keys.sorted() == ["1_30", "31_60", "61_90", "current", "over_90"])
        // One the sync sent bare: only what it sent, lines [].
        let bare = try client.call("statement.get", params: ["account": "1001", "number": "S-OLD-3"], id: 4).result
        #expect(bare["aging"] == nil && bare["closing_balance"] as? Int == 300 && (bare["lines"] as? [Any])?.isEmpty == true, "\(bare)")
        let unknown = try client.call("statement.get", params: ["account": "1001", "number": "S-NOPE-4242"], id: 5)
        #expect(unknown.errorKind == "not_found" && !unknown.errorMessage.contains("S-NOPE-4242"), "\(unknown)")
        let badPage = try client.call("documents.list", params: ["account": "1001", "page": 4001], id: 8)
        #expect(badPage.errorCode == -32602 && badPage.errorData["path"] as? String == "params.page", "\(badPage)")
        let noNumber = try client.call("statement.get", params: ["account": "1001"], id: 6)
        #expect(noNumber.errorCode == -32602 && noNumber.errorData["path"] as? String == "params.number", "\(noNumber)")

        // Invoice lines as the sync sent them.
        let invoice = try client.call("invoice.get", params: ["account": "1001", "id": "I-1001-1"], id: 7).result
        #expect((invoice["lines"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Framing lumber", "Engineered joists", "Delivery"])

        let shown = try daemon.kioskctl(["statement", "show", "1001", newest])
        #expect(shown.status == 0 && shown.stdout.contains("Statement \(newest)") && shown.stdout.contains("Opening balance")
                && shown.stdout.contains("Closing balance") && shown.stdout.contains("Job 1: Smith remodel"), "\(shown.stdout)\(shown.stderr)")
        let missing = try daemon.kioskctl(["statement", "show", "1001", "S-NOPE-4242"])
        #expect(missing.status != 0 && missing.stderr.contains("no statement with that number"), "\(missing.stderr)")
    }

    /// A demo kiosk linked to a reference back office that mails through `sink`.
    func linked(_ label: String, sink: SMTPSink?) throws -> (BackOfficeProcess, DaemonProcess) {
        let office = try BackOfficeProcess(label: label)
        try office.start(extraArguments: sink.map { ["--smtp-url", $0.url, "--smtp-from", "statements@mainstlumber.example"] } ?? [])
        let daemon = try DaemonProcess(label: label, configExtra: "kiosk_id = \"yard-1\"\n" + office.kioskdConfig(), extraArguments: ["--demo"])
        return (office, daemon)
    }

    @Test("Send me this: the statement reaches the contact through the back office's SMTP relay and is marked sent; a refused address is failed with the relay's sentence",
          .enabled(if: SMTPSink.available, "python3's smtpd module is missing (it exists in Python 3.11, Debian 12)"))
    func sendMeThis() throws {
        let sink = try SMTPSink(label: "documents-smtp")
        let (office, daemon) = try linked("documents", sink: sink)
        defer { daemon.stop(); office.stop() }
        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 1).error == nil)
        let statements = try client.call("statements.list", id: 2).result["statements"] as? [[String: Any]] ?? []
        let number = try #require(statements.first?["number"] as? String)
        let asked = try client.call("document.send", params: ["kind": "statement", "id": number], id: 3)
        #expect(asked.result["state"] as? String == "queued" && asked.result["to"] as? String == "pat@…"
                && asked.result["contact"] as? String == "C-1001-1" && asked.result["ref"] as? String == number, "\(asked)")
        let id = try #require(asked.result["id"] as? String)

        func row(_ id: String, _ c: RawClient, _ params: [String: Any] = [:]) throws -> [String: Any]? {
            (try c.call("documents.list", params: params, id: 9).result["documents"] as? [[String: Any]])?.first { $0["id"] as? String == id }
        }
        #expect(try eventually(timeout: 30) { try row(id, client)?["state"] as? String == "sent" }, "\(String(describing: try? row(id, client)))")
        #expect(try row(id, client)?["sent_at"] is String)
        let mail = try #require(sink.messages.first)
        #expect(mail.to == ["pat@doebuilders.example"] && mail.from == "statements@mainstlumber.example", "\(mail)")
        #expect(mail.data.contains("Subject: Statement \(number) (Doe Builders LLC)") && mail.data.contains("Opening balance")
                && mail.data.contains("Doe Builders LLC, account 1001"), "\(mail.data)")
        #expect(mail.data.range(of: #"\d{13,}"#, options: .regularExpression) == nil, "no card-number-like run in the email")
        #expect(mail.data.contains("Issued 20") && (mail.data.contains(" CST\n") || mail.data.contains(" CDT\n")), "issued at the store's time: \(mail.data)")
        #expect(try office.sql("SELECT state FROM document WHERE id = '\(id)'") == "sent")
        // Audited with who asked (the signed-in contact), and the back office's report too.
        let audit = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite",
                                                        "SELECT action || ' ' || detail FROM audit_log WHERE detail LIKE '%\(id)%'"]).stdout
        #expect(audit.contains("document.send document \(id): statement \(number) of account 1001 to contact C-1001-1, asked by contact C-1001-1")
                && audit.contains("document.status document \(id) sent"), "\(audit)")

        // The current statement, built now; and an invoice.
        let current = try client.call("document.send", params: ["kind": "statement", "id": "current", "job": 1], id: 4).result
        #expect(current["ref"] as? String == "current" && current["job"] as? Int == 1, "\(current)")
        let invoice = try client.call("document.send", params: ["kind": "invoice", "id": "I-1001-1"], id: 5).result
        let invoiceID = try #require(invoice["id"] as? String)
        #expect(try eventually(timeout: 30) { try row(invoiceID, client)?["state"] as? String == "sent" })
        #expect(try eventually { sink.messages.contains { $0.data.contains("Framing lumber") && $0.data.contains("Invoice 40117") } })

        // Refusals: another contact from a session; staff without a contact; a contact without an email.
        let other = try client.call("document.send", params: ["kind": "statement", "id": number, "contact": "C-1001-2"], id: 6)
        #expect(other.errorKind == "permission_denied", "\(other)")
        let staffNoContact = try daemon.client().call("document.send", params: ["account": "1001", "kind": "statement", "id": number], id: 7)
        #expect(staffNoContact.errorCode == -32602 && staffNoContact.errorData["path"] as? String == "params.contact", "\(staffNoContact)")
        let noEmail = try daemon.kioskctl(["document", "send", "1001", "--kind", "statement", "--id", number, "--contact", "C-1001-2"])
        #expect(noEmail.status != 0 && noEmail.stderr.contains("no email address"), "\(noEmail.stderr)")
        let badID = try client.call("document.send", params: ["kind": "receipt", "id": String(repeating: "P", count: 65)], id: 8)
        #expect(badID.errorCode == -32602 && badID.errorData["path"] as? String == "params.id", "\(badID)")
        let badKind = try client.call("document.send", params: ["kind": "fax", "id": number], id: 10)
        #expect(badKind.errorCode == -32602 && badKind.errorData["path"] as? String == "params.kind", "\(badKind)")

        // Jamie's address is refused by the mail server: failed, with the sentence.
        let file = try DemoDocuments.write(daemon.directory) { document in
            document.accounts[0].contacts[1].email = "refuse.jamie@doebuilders.example"
        }
        #expect(try daemon.kioskctl(["sync", "apply", file]).status == 0)
        let sent = try daemon.kioskctl(["document", "send", "1001", "--kind", "statement", "--id", number, "--contact", "C-1001-2", "--json"])
        let refusedID = try #require((try JSONSerialization.jsonObject(with: Data(sent.stdout.utf8)) as? [String: Any])?["id"] as? String, "\(sent.stderr)")
        #expect(try eventually(timeout: 30) { try row(refusedID, daemon.client(), ["account": "1001"])?["state"] as? String == "failed" })
        let failed = try #require(try row(refusedID, daemon.client(), ["account": "1001"]))
        #expect((failed["error"] as? String)?.contains("refused the address") == true && failed["to"] as? String == "refuse.jamie@…", "\(failed)")
        let listed = try daemon.kioskctl(["documents", "list", "1001"])
        #expect(listed.stdout.contains("could not be sent: the mail server refused the address") && listed.stdout.contains("sent 20"), "\(listed.stdout)")
        // A session sees its own contact's documents only.
        #expect(try row(refusedID, client) == nil)
        #expect(sink.messages.allSatisfy { !$0.to.contains("refuse.jamie@doebuilders.example") })
    }

    @Test("without a mail relay the back office says so: the document is failed with that sentence")
    func noMailRelay() throws {
        let (office, daemon) = try linked("documents-nomail", sink: nil)
        defer { daemon.stop(); office.stop() }
        let client = try daemon.client()
        let asked = try client.call("document.send", params: ["account": "1001", "kind": "invoice", "id": "I-1001-1", "contact": "C-1001-1"], id: 1).result
        let id = try #require(asked["id"] as? String, "\(asked)")
        #expect(try eventually(timeout: 30) {
            ((try client.call("documents.list", params: ["account": "1001"], id: 2).result["documents"] as? [[String: Any]])?.first?["state"] as? String) == "failed"
        })
        #expect(try office.sql("SELECT error FROM document WHERE id = '\(id)'").contains("no mail server"))
        let outbox = try daemon.kioskctl(["outbox", "list"]).stdout
        #expect(outbox.contains("document"), "\(outbox)")

        // A session sends only what its profile shows: Jamie's profile here shows open items only.
        let file = try DemoDocuments.write(daemon.directory) { document in
            let view = document.profiles.firstIndex { $0.id == "view" }!
            document.profiles[view].permissions = [.viewBalances, .viewOpenItems]
        }
        #expect(try daemon.kioskctl(["sync", "apply", file]).status == 0)
        let jamie = try daemon.client()
        #expect(try jamie.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 3).error == nil)
        for kind in ["statement", "receipt"] {
            let refused = try jamie.call("document.send", params: ["kind": kind, "id": kind == "receipt" ? "P-1001-1" : "current"], id: 4)
            #expect(refused.errorKind == "permission_denied", "\(kind): \(refused)")
        }
        let invoiceNoEmail = try jamie.call("document.send", params: ["kind": "invoice", "id": "I-1001-1"], id: 5)
        #expect(invoiceNoEmail.errorKind == "conflict" && invoiceNoEmail.errorMessage.contains("no email address"), "\(invoiceNoEmail)")

        // The reference server reads the body with the contract's type, and answers a replayed key once.
        let contract = BackOfficeContractTests()
        let misfit = try contract.post(office, "documents", #"{"document":"D22222222","kiosk":"yard-7"}"#, key: "d1")
        #expect(misfit.status == 400 && misfit.body.contains("Not a document request") && misfit.body.contains("is missing"), "\(misfit)")
        let wrongDoor = try contract.post(office, "notifications", #"{"document":"D22222222"}"#, topic: "document", key: "d2")
        #expect(wrongDoor.status == 400 && wrongDoor.body.contains("Unknown topic"), "\(wrongDoor)")
        let body = #"{"account":"1001","contact":"C1","document":"D33333333","kind":"invoice","kiosk":"yard-7","ref":"I-1","requested_at":"2026-11-26T10:00:00Z","subject":"s","text":"t","to":"p@example.com"}"#
        let once = try contract.post(office, "documents", body, key: "d3")
        let again = try contract.post(office, "documents", body, key: "d3")
        #expect(once.status == 202 && again.status == 202 && once.body == again.body && once.body.contains(#""state":"accepted""#), "\(once) \(again)")
        #expect(try office.sql("SELECT count(*) FROM document WHERE id = 'D33333333'") == "1")
    }

    @Test("documents asked for carry no vault token, PIN hash or card number: replies, outbox payloads, database and log")
    func noSecrets() throws {
        let daemon = try DaemonProcess(label: "documents-secrets")
        let client = try daemon.client()
        _ = try client.call("sync.apply", params: try FixtureFiles.json("sync/store-example.json"))
        var replies: [String] = []
        for (n, (kind, id)) in [("statement", "S-100"), ("statement", "current"), ("invoice", "I-1"), ("receipt", "P-9")].enumerated() {
            let reply = try client.call("document.send", params: ["account": "1001", "kind": kind, "id": id, "contact": "C1"], id: n + 2)
            #expect(reply.error == nil && reply.result["to"] as? String == "pat@…", "\(kind) \(id): \(reply)")
            replies.append("\(reply)")
        }
        replies.append("\(try client.call("documents.list", params: ["account": "1001"], id: 9))")
        let listed = try daemon.kioskctl(["documents", "list", "1001"])
        #expect(listed.status == 0 && listed.stdout.contains("queued"), "\(listed.stdout)\(listed.stderr)")
        daemon.stop()
        var stored = Data()
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            stored += (try? Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))) ?? Data()
        }
        #expect(stored.range(of: Data("Invoice 10023".utf8)) != nil, "the documents' text was written (the scan is not vacuous)")
        for secret in [SecretsTests.token, SecretsTests.pinHash, "pbkdf2", "pin_hash"] {
            #expect(!replies.joined().contains(secret) && !listed.stdout.contains(secret), "a reply contains \(secret.prefix(6))…")
            #expect(!daemon.log.contains(secret), "the log contains \(secret.prefix(6))…")
        }
        // The token may sit in the synced card row; it must never be in a document's text.
        let text = String(decoding: stored, as: UTF8.self)
        for chunk in text.components(separatedBy: "\"text\":").dropFirst() {
            let body = String(chunk.prefix(2_000))
            #expect(!body.contains(SecretsTests.token) && body.range(of: #"\d{13,}"#, options: .regularExpression) == nil, "\(body)")
        }
    }
}
