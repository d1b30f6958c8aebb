import Foundation
import KioskBackOfficeContract
import KioskCrypto
import NIOCore
import NIOHTTP1
import NIOPosix

/// Deliberate misbehaviour for tests of the kiosk's relay: the first N POSTs fail in a chosen
/// way. `500:3` answers three 500s; `slow:2` commits two requests but answers after the
/// delay; `drop:2` commits two and closes the connection without answering (the classic
/// "unknown outcome").
struct FaultPlan: Sendable {
    enum Kind: String, Sendable { case error500 = "500", slow, drop }
    var faults: [(kind: Kind, remaining: Int)] = []
    var slowSeconds: Double = 3

    init(specs: [String], slowSeconds: Double) throws {
        self.slowSeconds = slowSeconds
        for spec in specs {
            let parts = spec.split(separator: ":")
            guard parts.count == 2, let kind = Kind(rawValue: String(parts[0])), let n = Int(parts[1]), n >= 0 else {
                throw ToolError("--fault must be 500:N, slow:N or drop:N (got \(spec))")
            }
            faults.append((kind, n))
        }
    }
}

/// Hands out faults in order, one per POST.
actor FaultDispenser {
    private var plan: FaultPlan
    init(_ plan: FaultPlan) { self.plan = plan }
    func next() -> FaultPlan.Kind? {
        for i in plan.faults.indices where plan.faults[i].remaining > 0 {
            plan.faults[i].remaining -= 1
            return plan.faults[i].kind
        }
        return nil
    }
    var slowSeconds: Double { plan.slowSeconds }
}

/// The reference back office over HTTP/1.1 (SwiftNIO), one request at a time per connection.
struct BackOfficeServer: Sendable {
    let store: BackOfficeStore
    let token: String
    let opener: CaptureOpener?
    let faults: FaultDispenser
    /// Where documents are emailed; nil: this back office cannot send email, and says so.
    var mail: MailRelay? = nil
    static let maximumBody = 64 << 20

    func run(host: String, port: Int, onBound: @Sendable (Int) -> Void) async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        onBound(server.channel.localAddress?.port ?? port)
        try await withThrowingDiscardingTaskGroup { tasks in
            try await server.executeThenClose { connections in
                for try await connection in connections {
                    tasks.addTask { await serve(connection) }
                }
            }
        }
    }

    private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let h): head = h; body.clear()
                case .body(var chunk):
                    guard body.readableBytes + chunk.readableBytes <= Self.maximumBody else {
                        try await respond(outbound, Reply.problem(413, "Too large", "the request body is over 64 MiB")); return
                    }
                    body.writeBuffer(&chunk)
                case .end:
                    guard let h = head else { continue }
                    let reply = await handle(h, body: Data(body.readableBytesView))
                    if reply.drop { return }  // close without answering
                    if let delay = reply.delay { try await Task.sleep(for: .seconds(delay)) }
                    try await respond(outbound, reply)
                    head = nil
                }
            }
        }
    }

    private func respond(_ outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, _ reply: Reply) async throws {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: reply.contentType)
        headers.add(name: "Content-Length", value: "\(reply.body.utf8.count)")
        for (k, v) in reply.headers { headers.add(name: k, value: v) }
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: reply.status), headers: headers)))
        if !reply.body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(string: reply.body)))) }
        try await outbound.write(.end(nil))
    }

    /// Routes one request. Paths: /v1/kiosks/{kiosk}/(payments[/{id}]|documents[/{id}]|notifications|contacts|payment-methods|autopay-rules|sync|heartbeat).
    func handle(_ head: HTTPRequestHead, body: Data) async -> Reply {
        guard head.headers.first(name: "Authorization") == "Bearer \(token)" else {
            return .problem(401, "Unauthorized", "send Authorization: Bearer <token>")
        }
        let url = URLComponents(string: head.uri)
        let parts = (url?.path ?? "").split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "v1", parts[1] == "kiosks", parts[2].count <= 64 else {
            return .problem(404, "Not found", "no such resource")
        }
        let kiosk = parts[2]
        do {
            switch (head.method, Array(parts.dropFirst(3))) {
            case (.POST, ["payments"]), (.POST, ["notifications"]), (.POST, ["contacts"]), (.POST, [OutboxTopic.paymentMethod.path]),
                 (.POST, [OutboxTopic.autopay.path]):
                guard let key = head.headers.first(name: "Idempotency-Key"), (1...200).contains(key.count) else {
                    return .problem(400, "Missing Idempotency-Key", "every POST needs an Idempotency-Key header")
                }
                let fault = await faults.next()
                if fault == .error500 { return .problem(500, "Injected failure", "the back office is failing on purpose (test)") }
                let raw = String(decoding: body, as: UTF8.self)
                guard (try? BackOfficeJSON.object(body)) != nil else {
                    return .problem(400, "Not JSON", "the body must be a JSON object")
                }
                var answer: (status: Int, body: String)
                if parts[3] == OutboxTopic.payment.path {
                    let payment: PaymentBody
                    do { payment = try BackOfficeJSON.decode(PaymentBody.self, from: body) } catch {
                        return .problem(400, "Not a payment", "\(error)")
                    }
                    if let missing = payment.missingAuthorization { return .problem(400, "Not a payment", missing) }
                    answer = try store.receivePayment(kiosk: kiosk, key: key, payment: payment, raw: raw,
                                                      signatureOpened: payment.signature.map { open($0) } ?? false,
                                                      cardOpened: (payment.card ?? payment.bankAccount).map { open($0) })
                } else if parts[3] == OutboxTopic.contact.path {
                    do { _ = try BackOfficeJSON.decode(ContactChangeBody.self, from: body) } catch {
                        return .problem(400, "Not a contact change", "\(error)")
                    }
                    answer = try store.receiveMessage(kiosk: kiosk, key: key, topic: OutboxTopic.contact.rawValue, raw: raw)
                } else if parts[3] == OutboxTopic.autopay.path {
                    let change: AutopayRuleBody
                    do { change = try BackOfficeJSON.decode(AutopayRuleBody.self, from: body) } catch {
                        return .problem(400, "Not an autopay rule change", "\(error)")
                    }
                    if let authorization = change.authorization, opener != nil, !open(authorization.signature) {
                        return .problem(400, "Not an autopay rule change", "the authorisation's signature cannot be opened with this back office's key")
                    }
                    answer = try store.receiveMessage(kiosk: kiosk, key: key, topic: OutboxTopic.autopay.rawValue, raw: raw)
                } else if parts[3] == OutboxTopic.paymentMethod.path {
                    let change: PaymentMethodBody
                    do { change = try BackOfficeJSON.decode(PaymentMethodBody.self, from: body) } catch {
                        return .problem(400, "Not a payment method", "\(error)")
                    }
                    if change.action == .save && change.capture == nil {
                        return .problem(400, "Not a payment method", "a save carries the sealed capture in \"capture\"")
                    }
                    answer = try store.receivePaymentMethod(kiosk: kiosk, key: key, body: change, raw: raw, captureOpened: change.capture.map { open($0) })
                } else {
                    let name = head.headers.first(name: OutboxTopic.kioskTopicHeader) ?? OutboxTopic.notification.rawValue
                    guard let topic = OutboxTopic(rawValue: name), topic.kioskTopic != nil else {
                        return .problem(400, "Unknown topic", "Kiosk-Topic must be notification, receipt or payment.outcome")
                    }
                    var outcome: OutcomeBody?
                    do {
                        switch topic {
                        case .notification: _ = try BackOfficeJSON.decode(NotificationBody.self, from: body)
                        case .receipt: _ = try BackOfficeJSON.decode(ReceiptBody.self, from: body)
                        case .paymentOutcome, .payment, .contact, .paymentMethod, .document, .autopay: outcome = try BackOfficeJSON.decode(OutcomeBody.self, from: body)
                        }
                    } catch {
                        return .problem(400, "Not a \(topic.rawValue)", "\(error)")
                    }
                    answer = try store.receiveMessage(kiosk: kiosk, key: key, topic: topic.rawValue, raw: raw)
                    if let outcome {
                        // The kiosk decided locally: mirror it, so both sides agree.
                        _ = try store.decide(kiosk: kiosk, id: outcome.payment, status: outcome.state, reason: outcome.reason, message: outcome.message)
                    }
                }
                var reply = Reply(status: answer.status, body: answer.body)
                if fault == .slow { reply.delay = await faults.slowSeconds }
                if fault == .drop { reply.drop = true }
                return reply
            case (.POST, [OutboxTopic.document.path]):
                guard let key = head.headers.first(name: "Idempotency-Key"), (1...200).contains(key.count) else {
                    return .problem(400, "Missing Idempotency-Key", "every POST needs an Idempotency-Key header")
                }
                let fault = await faults.next()
                if fault == .error500 { return .problem(500, "Injected failure", "the back office is failing on purpose (test)") }
                let document: DocumentRequestBody
                do { document = try BackOfficeJSON.decode(DocumentRequestBody.self, from: body) } catch {
                    return .problem(400, "Not a document request", "\(error)")
                }
                let answer = try store.receiveDocument(kiosk: kiosk, key: key, document: document)
                if answer.isNew { deliver(document, kiosk: kiosk) }
                var reply = Reply(status: answer.status, body: answer.body)
                if fault == .slow { reply.delay = await faults.slowSeconds }
                if fault == .drop { reply.drop = true }
                return reply
            case (.GET, let rest) where rest.count == 2 && rest[0] == OutboxTopic.document.path:
                guard let body = try store.documentStatus(kiosk: kiosk, id: rest[1]) else {
                    return .problem(404, "Unknown document", "no document \(rest[1].prefix(12)) from kiosk \(kiosk)")
                }
                return Reply(status: 200, body: body)
            case (.GET, let rest) where rest.count == 2 && rest[0] == OutboxTopic.payment.path:
                guard let body = try store.paymentStatus(kiosk: kiosk, id: rest[1]) else {
                    return .problem(404, "Unknown payment", "no payment \(rest[1].prefix(12)) from kiosk \(kiosk)")
                }
                return Reply(status: 200, body: body)
            case (.GET, ["sync"]):
                let since = Int64(url?.queryItems?.first { $0.name == "since" }?.value ?? "0") ?? 0
                guard let doc = try store.syncDocument(after: since) else { return Reply(status: 204, body: "") }
                return Reply(status: 200, body: doc.body, headers: [SyncPull.cursorHeader: "\(doc.cursor)"])
            case (.POST, ["heartbeat"]):
                try store.heartbeat(kiosk: kiosk, body: String(decoding: body, as: UTF8.self))
                return Reply(status: 204, body: "")
            default:
                return .problem(404, "Not found", "no such resource")
            }
        } catch {
            return .problem(500, "Storage failure", "the back office could not record this: \(error)")
        }
    }

    /// Emails a document in the background; its delivery report (sent, or failed with the
    /// relay's sentence) is what `GET …/documents/{id}` answers from then on.
    private func deliver(_ document: DocumentRequestBody, kiosk: String) {
        let store = self.store, mail = self.mail
        Task {
            let error: String?
            if let mail {
                switch await mail.send(to: document.to, subject: document.subject, text: document.text,
                                       messageID: "\(document.document).\(kiosk)@kiosk-backoffice") {
                case .success: error = nil
                case .failure(let refusal): error = refusal.sentence
                }
            } else {
                error = "the store's back office has no mail server set up to send email"
            }
            try? store.documentOutcome(kiosk: kiosk, id: document.document, error: error)
        }
    }

    /// Opens a sealed capture to prove it is readable by this back office; the plaintext is
    /// dropped at once (a real back office would charge the card here).
    private func open(_ envelope: SealedEnvelope) -> Bool {
        guard let opener, let data = try? BackOfficeJSON.encode(envelope),
              let sealed = try? SealedCapture.decode(json: data) else { return false }
        return (try? opener.open(sealed)) != nil
    }
}

struct Reply: Sendable {
    var status: Int
    var body: String
    var headers: [String: String] = [:]
    var contentType = "application/json"
    var delay: Double?
    var drop = false

    static func problem(_ status: Int, _ title: String, _ detail: String) -> Reply {
        let body = (try? BackOfficeJSON.text(ProblemBody(title: title, status: status, detail: detail))) ?? "{}"
        return Reply(status: status, body: body, contentType: "application/problem+json")
    }
}
