import Foundation
import KioskProtocol

/// Matches replies to waiting calls by id. Replies may arrive before the caller starts
/// waiting (the request is written first), so early replies are kept until asked for.
actor ReplyRouter {
    typealias Outcome = Result<Data, ClientError>

    private var nextID: Int64 = 1
    private var waiters: [Int64: CheckedContinuation<Outcome, Never>] = [:]
    private var early: [Int64: Outcome] = [:]
    private var finished: ClientError?
    /// The last error the daemon sent without an id (a refusal, a line it could not read).
    private var unaddressed: RPCError?

    func makeID() -> Int64 {
        defer { nextID += 1 }
        return nextID
    }

    /// Waits for the reply to `id`, or for the connection to end.
    func outcome(for id: Int64) async -> Outcome {
        if let ready = early.removeValue(forKey: id) { return ready }
        if let finished { return .failure(finished) }
        return await withCheckedContinuation { continuation in
            waiters[id] = continuation
        }
    }

    func deliver(_ outcome: Outcome, to id: Int64) {
        if let waiter = waiters.removeValue(forKey: id) { waiter.resume(returning: outcome) }
        else if finished == nil { early[id] = outcome }
    }

    /// An error reply with a null id: the daemon could not tie it to a request. Every call
    /// still waiting gets it, since nothing else will ever answer them.
    func deliverUnaddressed(_ error: RPCError) {
        unaddressed = error
        let pending = waiters
        waiters.removeAll()
        // A refusal at accept is followed by the daemon closing the connection: say so.
        let outcome: ClientError = error.kind == .permissionDenied ? .connectionClosed(daemonMessage: error.message) : .server(error)
        for (_, waiter) in pending { waiter.resume(returning: .failure(outcome)) }
    }

    /// The connection ended: every waiting and later call fails with `error`, or, by default,
    /// with "closed", carrying the message the daemon sent before closing, if any.
    func finish(_ error: ClientError? = nil) {
        guard finished == nil else { return }
        let reason = error ?? .connectionClosed(daemonMessage: unaddressed?.message)
        finished = reason
        let pending = waiters
        waiters.removeAll()
        early.removeAll()
        for (_, waiter) in pending { waiter.resume(returning: .failure(reason)) }
    }
}

/// The members of a reply line the client looks at.
struct ReplyEnvelope: Decodable {
    var id: RPCID?
    var method: String?
    var error: LenientError?
    var hasResult: Bool

    enum CodingKeys: String, CodingKey { case id, method, error, result }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // `decodeIfPresent` would read `"id": null` as absent; null marks an unaddressed error.
        if !c.contains(.id) { id = nil }
        else if (try? c.decodeNil(forKey: .id)) == true { id = .null }
        else { id = try? c.decode(RPCID.self, forKey: .id) }
        method = try? c.decodeIfPresent(String.self, forKey: .method)
        error = try c.decodeIfPresent(LenientError.self, forKey: .error)
        hasResult = c.contains(.result)
    }
}

/// An `error` member read without failing on kinds this client does not know yet.
struct LenientError: Decodable {
    var code: Int
    var message: String
    var kind: ErrorKind?
    var path: String?
    var attemptsLeft: Int?
    var retryAfter: Int?
    var reason: String?
    var row: Int?
    var rule: String?
    var rules: [String]?
    var payments: [String]?
    var invoices: [String]?

    enum CodingKeys: String, CodingKey { case code, message, data }
    enum DataKeys: String, CodingKey {
        case kind, path, attemptsLeft = "attempts_left", retryAfter = "retry_after", reason, row, rule, rules, payments, invoices
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = (try? c.decode(Int.self, forKey: .code)) ?? RPCError.internalErrorCode
        message = (try? c.decode(String.self, forKey: .message)) ?? "kioskd reported an error without a message"
        if let data = try? c.nestedContainer(keyedBy: DataKeys.self, forKey: .data) {
            kind = (try? data.decodeIfPresent(String.self, forKey: .kind)).flatMap { $0.flatMap(ErrorKind.init(rawValue:)) }
            path = (try? data.decodeIfPresent(String.self, forKey: .path)) ?? nil
            attemptsLeft = (try? data.decodeIfPresent(Int.self, forKey: .attemptsLeft)) ?? nil
            retryAfter = (try? data.decodeIfPresent(Int.self, forKey: .retryAfter)) ?? nil
            reason = (try? data.decodeIfPresent(String.self, forKey: .reason)) ?? nil
            row = (try? data.decodeIfPresent(Int.self, forKey: .row)) ?? nil
            rule = (try? data.decodeIfPresent(String.self, forKey: .rule)) ?? nil
            rules = (try? data.decodeIfPresent([String].self, forKey: .rules)) ?? nil
            payments = (try? data.decodeIfPresent([String].self, forKey: .payments)) ?? nil
            invoices = (try? data.decodeIfPresent([String].self, forKey: .invoices)) ?? nil
        }
    }

    var rpcError: RPCError {
        let data = RPCError.Data(kind: kind, path: path, attemptsLeft: attemptsLeft, retryAfter: retryAfter, payments: payments,
                                 invoices: invoices, reason: reason, row: row, rule: rule, rules: rules)
        return RPCError(code: code, message: message, data: data == RPCError.Data() ? nil : data)
    }
}
