import Foundation
import KioskJSON
import KioskBackOfficeContract
import Testing

/// Every body of the back-office contract, written as the kiosk and the reference server write
/// it, checked against its schema in docs/backoffice-api.yaml (read with the small reader in
/// SchemaReader.swift): required members present, JSON types and enums right, no member the
/// schema does not name, every member the schema names produced by some sample; and read back
/// to the same value.
@Suite("Back-office contract against docs/backoffice-api.yaml")
struct ContractTests {
    static let envelope = SealedEnvelope(fields: [
        "kioskpay": .string("sealed-capture"), "version": .integer(1), "suite": .string("DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-256-GCM"),
        "key_id": .string("bo-2026"), "kind": .string("signature"), "device": .string("serial:P1"), "kiosk": .string("yard-7"),
        "captured_at": .string("2026-11-26T10:00:00Z"), "enc": .string("AAAA"), "ciphertext": .string("BBBB"),
    ])
    static let summary = PaymentSummary(payment: "K7M2QX", account: "1001", amount: 12_345, currency: "USD", state: "pending",
                                        createdAt: "2026-11-26T10:00:00Z")
    static let lines = [PaymentBody.Line(id: "I-1", amount: 10_000), PaymentBody.Line(id: "finance_charges", amount: 2_345)]

    /// (schema, samples): the first sample of each sets every optional member.
    static func samples() throws -> [(String, [Data])] {
        func json(_ values: [some Encodable]) throws -> [Data] { try values.map { try BackOfficeJSON.encode($0) } }
        let full = PaymentBody(payment: "K7M2QX", kiosk: "yard-7", account: "1001", job: 1, contact: "C1", amount: 12_345, currency: "USD",
                               state: "scheduled", payOn: "2026-12-01", createdAt: "2026-11-26T10:00:00Z", lines: lines,
                               method: .capture("cap-1"), methodDescription: "CARD ENDING IN 4242", card: envelope, signature: envelope,
                               termsSHA256: String(repeating: "ab", count: 32), signatureBinding: "bind")
        var least = full
        least.job = nil; least.payOn = nil; least.card = nil; least.methodDescription = nil; least.method = .cardOnFile("K1"); least.state = "pending"
        var bank = least
        bank.method = .capture("cap-2"); bank.bankAccount = envelope
        var bankOnFile = least
        bankOnFile.method = .bankAccount("BA1")
        // Made by an autopay rule: the rule's authorisation made here, or none (a back-office rule).
        var byRule = least
        byRule.autopayRule = "A7K2QXM"
        var byBackOfficeRule = byRule
        byBackOfficeRule.contact = nil; byBackOfficeRule.signature = nil; byBackOfficeRule.termsSHA256 = nil; byBackOfficeRule.signatureBinding = nil
        let rule = AutopayRuleBody.Rule(id: "A7K2QXM", position: 1, method: ["card_on_file": "K1"], enabled: true, locked: false,
                                        criteria: [.init(field: "amount", op: "le", values: [.integer(50_000)]),
                                                   .init(field: "po_number", op: "one_of", values: [.string("PO-1"), .string("PO-2")])])
        let created = AutopayRuleBody(kiosk: "yard-7", account: "1001", change: .created, rule: "A7K2QXM", rules: [rule],
                                      authorization: .init(contact: "C1", signature: envelope, termsSHA256: String(repeating: "cd", count: 32),
                                                           signatureBinding: "bind", signedAt: "2026-11-26T10:00:00Z"),
                                      by: "contact", madeAt: "2026-11-26T10:00:00Z")
        let deleted = AutopayRuleBody(kiosk: "yard-7", account: "1001", change: .deleted, rule: "R2", rules: [rule], authorization: nil,
                                      by: "manager", madeAt: "2026-11-26T10:00:00Z")
        let save = PaymentMethodBody(method: "PM7K2QX9AB", kiosk: "yard-7", account: "1001", job: 1, contact: "C1", action: .save, type: "card",
                                     description: "Bob's primary card", last4: "1111", brand: "visa", expiry: "2028-12", accountType: "checking",
                                     capture: envelope, madeAt: "2026-11-26T10:00:00Z")
        let remove = PaymentMethodBody(method: "BA1", kiosk: "yard-7", account: "1001", job: nil, contact: nil, action: .remove, type: "bank_account",
                                       madeAt: "2026-11-26T10:00:00Z")
        return [
            ("Payment", try json([full, least, bank, bankOnFile, byRule, byBackOfficeRule])),
            ("AutopayRules", try json([created, deleted])),
            ("PaymentMethod", try json([save, remove])),
            ("PaymentMethodStatus", try json([PaymentMethodStatusBody(method: "PM7K2QX9AB", status: "active", token: "vault-1", error: nil),
                                              PaymentMethodStatusBody(method: "PM7K2QX9AB", status: "failed", error: "The card could not be read."),
                                              PaymentMethodStatusBody(method: "BA1", status: "accepted")])),
            ("PaymentStatus", try json([PaymentStatusBody(payment: "K7M2QX", status: "rejected", reason: "account_issue_call", message: "Call Ann."),
                                        PaymentStatusBody(payment: "K7M2QX", status: "received")])),
            ("Notification", try json([
                NotificationBody(summary: summary, to: .user(id: "U1", name: "Ann Lee", email: "ann@example.com", cell: "555-0100"),
                                 methods: ["queue", "email", "text"], because: ["assigned_user"]),
                NotificationBody(summary: summary, to: .user(id: "U2", name: "Bo Day", email: nil, cell: nil), methods: ["queue"], because: ["receivables_manager"]),
                NotificationBody(summary: summary, to: .address(email: "ar@example.com"), methods: ["email"], because: ["branch_email"]),
            ])),
            ("Receipt", try json([ReceiptBody(summary: summary, to: .init(contact: "C1", name: "Pat Doe", email: ""), lines: lines,
                                              methodDescription: "CARD ENDING IN 4242")])),
            ("PaymentOutcome", try json([OutcomeBody(payment: "K7M2QX", state: "rejected", reason: "payment_issue_call", message: "Card declined."),
                                         OutcomeBody(payment: "K7M2QX", state: "processed")])),
            ("Heartbeat", try json([HeartbeatBody(kiosk: "yard-7", version: "0.1.0",
                                                  devices: [.init(id: "emulated-pad-1", driver: "emulated-pad", state: "ready")],
                                                  outbox: .init(due: 1, inFlight: 0, dead: 2))])),
            ("Problem", try json([ProblemBody(title: "Unknown payment", status: 404, detail: "no payment K7M2QX"),
                                  ProblemBody(title: "Unauthorized", status: 401, detail: nil)])),
            ("Accepted", try json([AcceptedBody()])),
            ("ContactChange", try json([
                ContactChangeBody(change: "set_pin", account: "1001", contact: "C1", revoked: false, profile: "P1",
                                  pinHash: "$pbkdf2-sha256$i=210000$c2FsdA$a2V5", madeAt: "2026-11-26T10:00:00Z", by: "manager"),
                ContactChangeBody(change: "revoke", account: "1001", contact: "C2", revoked: true, madeAt: "2026-11-26T10:00:00Z", by: "technician"),
                ContactChangeBody(change: "pin_change", account: "1001", contact: "C1", pinHash: "$pbkdf2-sha256$i=210000$c2FsdA$a2V5",
                                  madeAt: "2026-11-26T10:00:00Z", by: "contact"),
            ])),
            ("DocumentRequest", try json([
                DocumentRequestBody(document: "D7K2M9QXA", kiosk: "yard-7", account: "1001", kind: "statement", ref: "current", job: 1,
                                    contact: "C1", to: "pat@example.com", subject: "Statement of 2026-11-26", text: "Amount due $1.00\n",
                                    requestedAt: "2026-11-26T10:00:00Z"),
                DocumentRequestBody(document: "D7K2M9QXB", kiosk: "yard-7", account: "1001", kind: "invoice", ref: "I-1", job: nil,
                                    contact: "C1", to: "pat@example.com", subject: "Invoice 10023", text: "Invoice 10023\n",
                                    requestedAt: "2026-11-26T10:00:00Z"),
            ])),
            ("DocumentStatus", try json([
                DocumentStatusBody(document: "D7K2M9QXA", state: "sent", sentAt: "2026-11-26T10:00:05Z"),
                DocumentStatusBody(document: "D7K2M9QXA", state: "failed", error: "the mail server refused the address"),
                DocumentStatusBody(document: "D7K2M9QXA", state: "accepted"),
            ])),
        ]
    }

    @Test("every body fits its schema, and together the samples produce every member the schema names")
    func bodiesFitTheirSchemas() throws {
        let api = try APISchemas.load()
        for (name, bodies) in try Self.samples() {
            var produced = Set<String>()
            for body in bodies {
                let value = try BackOfficeJSON.decode(JSONValue.self, from: body)
                let problems = try api.problems(value, try api.schema(name))
                #expect(problems.isEmpty, "\(name): \(problems) in \(String(decoding: body, as: UTF8.self))")
                if case .object(let members) = value { produced.formUnion(members.keys) }
            }
            #expect(produced == (try api.propertyNames(name)), "\(name): the types write \(produced.sorted()), the schema names \((try? api.propertyNames(name).sorted()) ?? [])")
        }
    }

    @Test("nested members are checked too: a notification's recipient, a receipt's contact and lines")
    func nestedMembers() throws {
        let api = try APISchemas.load()
        #expect(try api.propertyNames("StorePerson") == ["user", "name", "email", "cell"])
        #expect(try api.propertyNames("ReceiptContact") == ["contact", "name", "email"])
        // The checker is not vacuous: a wrong type, a missing member, an unnamed member and a
        // value outside an enum are each reported.
        let broken: JSONValue = .object(["payment": .integer(1), "status": .string("lost"), "extra": .null])
        let problems = try api.problems(broken, try api.schema("PaymentStatus"))
        #expect(problems.contains("$.payment: is integer, the schema says string"), "\(problems)")
        #expect(problems.contains("$.status: lost is not one of [\"received\", \"processed\", \"rejected\", \"deleted\"]"), "\(problems)")
        #expect(problems.contains("$: extra is not named by the schema"), "\(problems)")
        let noStatus = try api.problems(.object(["payment": .string("K7M2QX")]), try api.schema("PaymentStatus"))
        #expect(noStatus == ["$: required status is missing"])
        let badLine = try api.problems(.object(["id": .string("I-1"), "amount": .string("1")]), try api.schema("PaymentLine"))
        #expect(badLine == ["$.amount: is string, the schema says integer"])
    }

    @Test("each body reads back as the value that was written")
    func roundTrips() throws {
        func same<T: Codable & Equatable>(_ value: T) throws {
            #expect(try BackOfficeJSON.decode(T.self, from: BackOfficeJSON.encode(value)) == value)
        }
        let all = try Self.samples()
        #expect(all.count == 14)
        try same(PaymentBody(payment: "K7M2QX", kiosk: "k", account: "1001", job: nil, contact: "C1", amount: 1, currency: "USD", state: "pending",
                             payOn: nil, createdAt: "2026-11-26T10:00:00Z", lines: Self.lines, method: .cardOnFile("K1"), methodDescription: "x",
                             card: nil, signature: Self.envelope, termsSHA256: "ab", signatureBinding: "b"))
        try same(NotificationBody(summary: Self.summary, to: .user(id: "U2", name: "Bo Day", email: nil, cell: "1"), methods: ["queue"], because: ["x"]))
        try same(NotificationBody(summary: Self.summary, to: .address(email: "ar@example.com"), methods: ["email"], because: ["branch_email"]))
        try same(ReceiptBody(summary: Self.summary, to: .init(contact: "C1", name: "P", email: "p@example.com"), lines: Self.lines, methodDescription: "d"))
        try same(OutcomeBody(payment: "K7M2QX", state: "deleted"))
        try same(HeartbeatBody(kiosk: "k", version: "1", devices: [], outbox: .init(due: 0, inFlight: 1, dead: 0)))
        try same(PaymentStatusBody(payment: "K7M2QX", status: "processed"))
        try same(ContactChangeBody(change: "set_profile", account: "1001", contact: "C1", profile: "P2", madeAt: "2026-11-26T10:00:00Z", by: "manager"))
        try same(PaymentMethodBody(method: "PM1", kiosk: "k", account: "1001", job: nil, contact: "C1", action: .setDefault, type: "card", madeAt: "2026-11-26T10:00:00Z"))
        try same(PaymentMethodStatusBody(method: "PM1", status: "active", token: "t"))
        try same(DocumentStatusBody(document: "D7K2M9QXA", state: "failed", error: "no"))
        try same(DocumentRequestBody(document: "D7K2M9QXA", kiosk: "k", account: "1001", kind: "receipt", ref: "K7M2QX", job: nil,
                                     contact: "C1", to: "p@example.com", subject: "s", text: "t", requestedAt: "2026-11-26T10:00:00Z"))
    }

    @Test("the wire's fixed spellings: a user with no email or cell is sent with nulls, keys sorted, slashes unescaped")
    func wireSpellings() throws {
        let body = NotificationBody(summary: Self.summary, to: .user(id: "U2", name: "Bo Day", email: nil, cell: nil), methods: ["queue"], because: ["a/b"])
        #expect(try BackOfficeJSON.text(body) == #"{"account":"1001","amount":12345,"because":["a/b"],"created_at":"2026-11-26T10:00:00Z","#
                + #""currency":"USD","methods":["queue"],"payment":"K7M2QX","state":"pending","to":{"cell":null,"email":null,"name":"Bo Day","user":"U2"}}"#)
        #expect(try BackOfficeJSON.text(OutcomeBody(payment: "K7M2QX", state: "deleted")) == #"{"by":"kiosk","payment":"K7M2QX","state":"deleted"}"#)
        #expect(try BackOfficeJSON.text(AcceptedBody()) == #"{"accepted":true}"#)
        // The envelope is carried as it was stored, numbers stay integers.
        let stored = #"{"ciphertext":"BBBB","kioskpay":"sealed-capture","version":1}"#
        #expect(try BackOfficeJSON.text(try SealedEnvelope(json: stored)) == stored)
    }

    @Test("the Kiosk-Topic header's values in the YAML are the outbox topics that go to …/notifications")
    func topics() throws {
        let text = try APISchemas.load().text
        let lines = text.components(separatedBy: "\n")
        let header = try #require(lines.firstIndex { $0.contains("name: Kiosk-Topic") })
        let schemaLine = try #require(lines[header...].first { $0.contains("schema:") })
        let schema = try YAMLSubset.flow(String(schemaLine.split(separator: ":", maxSplits: 1)[1]))
        #expect(schema["enum"]?.items.compactMap(\.text) == OutboxTopic.allCases.compactMap(\.kioskTopic))
        // Every topic's path is one the YAML defines with a POST.
        for topic in OutboxTopic.allCases {
            #expect(text.contains("  /v1/kiosks/{kiosk}/\(topic.path):\n    post:\n"), "\(topic.rawValue) goes to …/\(topic.path)")
        }
        #expect(text.contains("  /v1/kiosks/{kiosk}/\(OutboxTopic.payment.path):\n"))
        #expect(text.contains("  /v1/kiosks/{kiosk}/\(OutboxTopic.notification.path):\n"))
        #expect(text.contains("  /v1/kiosks/{kiosk}/\(OutboxTopic.paymentMethod.path):\n"))
        #expect(text.contains("  /v1/kiosks/{kiosk}/\(OutboxTopic.document.path):\n") && text.contains("  /v1/kiosks/{kiosk}/documents/{document}:\n"))
        #expect(text.contains("  /v1/kiosks/{kiosk}/sync:\n") && text.contains("\(SyncPull.cursorHeader): { schema: { type: integer } }"))
    }

    @Test("malformed bodies are refused with the field named, never a crash")
    func malformed() throws {
        func refusal<T: Decodable>(_ type: T.Type, _ text: String) -> String {
            do { _ = try BackOfficeJSON.decode(type, from: Data(text.utf8)); return "accepted" } catch { return error.description }
        }
        #expect(refusal(PaymentBody.self, #"{"payment":"K7M2QX"}"#).contains("\"kiosk\" is missing"))
        #expect(refusal(PaymentBody.self, "not json") == "the body does not fit the back-office API: it is not JSON")
        #expect(refusal(OutcomeBody.self, #"{"payment":"K7M2QX","state":7,"by":"kiosk"}"#).contains("\"state\" has the wrong type"))
        #expect(refusal(ReceiptBody.self, #"{"payment":"K","account":"1","amount":1,"currency":"USD","state":"pending","created_at":"x","to":{"contact":"C1","name":"P","email":""},"lines":[{"id":"I-1"}],"method_description":"d"}"#)
                    .contains("\"lines[0].amount\" is missing"))
        #expect(throws: ContractError.self) { try BackOfficeJSON.object(Data("[1]".utf8)) }
        // A proxy's error page with only a title still gives a sentence; a non-problem gives none.
        #expect(try BackOfficeJSON.decode(ProblemBody.self, from: Data(#"{"title":"Bad gateway"}"#.utf8)).sentence == "Bad gateway")
        #expect(try BackOfficeJSON.decode(ProblemBody.self, from: Data("{}".utf8)).sentence == nil)
    }
}
