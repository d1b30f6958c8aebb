import Foundation

/// Protocol version announced by `hello`.
public let protocolVersion = 1

/// A JSON-RPC request id: a string, an integer, or null (only in error replies).
public enum RPCID: Codable, Hashable, Sendable, CustomStringConvertible {
    case string(String)
    case number(Int64)
    case null

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let n = try? c.decode(Int64.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else { throw DecodingError.dataCorruptedError(in: c, debugDescription: "id must be a string or an integer") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n): try c.encode(n)
        case .null: try c.encodeNil()
        }
    }

    public var description: String {
        switch self {
        case .string(let s): return "\"\(s)\""
        case .number(let n): return String(n)
        case .null: return "null"
        }
    }
}

/// The part of a request every method shares; `params` is decoded separately, per method.
public struct RPCRequestHead: Decodable, Sendable {
    public var jsonrpc: String?
    public var id: RPCID?
    public var method: String?
    /// True when the key `id` was present (even as null).
    public var hasID: Bool

    enum CodingKeys: String, CodingKey { case jsonrpc, id, method, params }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        jsonrpc = try? c.decodeIfPresent(String.self, forKey: .jsonrpc)
        hasID = c.contains(.id)
        id = hasID ? ((try? c.decode(RPCID.self, forKey: .id)) ?? .null) : nil
        method = try? c.decodeIfPresent(String.self, forKey: .method)
    }
}

/// Decodes just the `params` member of a request into a method's typed parameters.
public struct RPCParams<P: Decodable>: Decodable {
    public var params: P
}

/// A request as a client writes it.
public struct RPCRequest<P: Encodable>: Encodable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var method: String
    public var params: P
    public init(id: RPCID, method: String, params: P) { self.id = id; self.method = method; self.params = params }
}

/// A successful reply.
public struct RPCSuccess<R: Encodable>: Encodable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var result: R
    public init(id: RPCID, result: R) { self.id = id; self.result = result }
}

/// An error reply.
public struct RPCFailure: Codable, Sendable {
    public var jsonrpc = "2.0"
    public var id: RPCID
    public var error: RPCError
    public init(id: RPCID, error: RPCError) { self.id = id; self.error = error }
}

/// A push from the server (no id).
public struct RPCNotification<P: Encodable>: Encodable {
    public var jsonrpc = "2.0"
    public var method: String
    public var params: P
    public init(method: String, params: P) { self.method = method; self.params = params }
}

/// What went wrong, in the application's words (`error.data.kind`).
public enum ErrorKind: String, Codable, Sendable, CaseIterable {
    case permissionDenied = "permission_denied"
    case notSignedIn = "not_signed_in"
    case sessionExpired = "session_expired"
    case lockedOut = "locked_out"
    case notFound = "not_found"
    case conflict
    case invalidAmount = "invalid_amount"
    case notProvisioned = "not_provisioned"
    case deviceUnavailable = "device_unavailable"
    case paymentsDisabled = "payments_disabled"
    case storageUnavailable = "storage_unavailable"
    case busy
    /// A PIN set or changed here breaks the rules (DOMAIN.md); `data.reason` says which.
    case invalidPIN = "invalid_pin"
    /// An autopay rule that cannot be saved; `data.row` (null: the rule itself) and `data.reason` say why.
    case invalidRule = "invalid_rule"

    /// Each kind has its own code in the application range −32000…−32099.
    public var code: Int {
        switch self {
        case .permissionDenied: return -32001
        case .notSignedIn: return -32002
        case .sessionExpired: return -32003
        case .lockedOut: return -32004
        case .notFound: return -32005
        case .conflict: return -32006
        case .invalidAmount: return -32007
        case .notProvisioned: return -32008
        case .deviceUnavailable: return -32009
        case .paymentsDisabled: return -32010
        case .storageUnavailable: return -32011
        case .busy: return -32012
        case .invalidPIN: return -32013
        case .invalidRule: return -32014
        }
    }
}

/// The `error` member of a reply. Application errors always carry `data.kind`.
public struct RPCError: Codable, Sendable, Error, Equatable, CustomStringConvertible {
    public struct Data: Codable, Sendable, Equatable {
        /// Set for application errors (−32000…−32099).
        public var kind: ErrorKind?
        /// For invalid params and sync documents: the first bad path, e.g. `accounts[3].items[7].due_date`.
        public var path: String?
        /// Wrong PIN: attempts left before the contact is locked.
        public var attemptsLeft: Int?
        /// Locked out: seconds until sign-in is possible again.
        public var retryAfter: Int?
        /// Processing a rejected payment would pay twice: the payments that now cover its
        /// invoices, and those invoices (item ids).
        public var payments: [String]?
        public var invoices: [String]?
        /// `invalid_pin`: the first PIN rule broken (`not_digits`, `length`, `same_digit`, `run`);
        /// `invalid_rule`: why the rule cannot be saved (`no_rows`, `bad_value`…).
        public var reason: String?
        /// `invalid_rule`: the 0-based criteria row at fault; null (sent as null) for the rule itself.
        public var row: Int?
        /// `permission_denied` on a locked autopay rule: that rule's id.
        public var rule: String?
        /// `conflict` removing a payment method: the autopay rules that use it.
        public var rules: [String]?
        public init(kind: ErrorKind? = nil, path: String? = nil, attemptsLeft: Int? = nil, retryAfter: Int? = nil,
                    payments: [String]? = nil, invoices: [String]? = nil, reason: String? = nil, row: Int? = nil,
                    rule: String? = nil, rules: [String]? = nil) {
            self.kind = kind; self.path = path; self.attemptsLeft = attemptsLeft; self.retryAfter = retryAfter
            self.payments = payments; self.invoices = invoices; self.reason = reason; self.row = row
            self.rule = rule; self.rules = rules
        }
        enum CodingKeys: String, CodingKey {
            case kind, path, attemptsLeft = "attempts_left", retryAfter = "retry_after", payments, invoices, reason, row, rule, rules
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(kind, forKey: .kind)
            try c.encodeIfPresent(path, forKey: .path)
            try c.encodeIfPresent(attemptsLeft, forKey: .attemptsLeft)
            try c.encodeIfPresent(retryAfter, forKey: .retryAfter)
            try c.encodeIfPresent(payments, forKey: .payments)
            try c.encodeIfPresent(invoices, forKey: .invoices)
            try c.encodeIfPresent(reason, forKey: .reason)
            // `invalid_rule` always names its row: null means the rule itself (PROTOCOL.md).
            if kind == .invalidRule { try c.encode(row, forKey: .row) } else { try c.encodeIfPresent(row, forKey: .row) }
            try c.encodeIfPresent(rule, forKey: .rule)
            try c.encodeIfPresent(rules, forKey: .rules)
        }
    }
    public var code: Int
    public var message: String
    public var data: Data?

    public init(code: Int, message: String, data: Data? = nil) { self.code = code; self.message = message; self.data = data }

    public var description: String { message }

    public static let parseErrorCode = -32700
    public static let invalidRequestCode = -32600
    public static let methodNotFoundCode = -32601
    public static let invalidParamsCode = -32602
    public static let internalErrorCode = -32603

    public static func parseError(_ message: String) -> RPCError { RPCError(code: parseErrorCode, message: message) }
    public static func invalidRequest(_ message: String) -> RPCError { RPCError(code: invalidRequestCode, message: message) }
    /// The name asked for is not repeated (no client string is, see `withoutCardData`).
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: methodNotFoundCode, message: "no method by that name; `hello` lists the capabilities of this daemon")
    }
    public static func invalidParams(_ message: String, path: String? = nil) -> RPCError {
        RPCError(code: invalidParamsCode, message: message, data: path.map { Data(path: $0) })
    }
    public static func internalError(_ message: String) -> RPCError { RPCError(code: internalErrorCode, message: message) }
    /// An application error with its kind.
    public static func app(_ kind: ErrorKind, _ message: String) -> RPCError {
        RPCError(code: kind.code, message: message, data: Data(kind: kind))
    }

    /// The application kind, if any.
    public var kind: ErrorKind? { data?.kind }

    /// A string parameter holding a control character (`ControlCharacterScreen`).
    public static func controlCharacter(_ violation: ControlCharacterScreen.Violation) -> RPCError {
        let what = violation.inMemberName ? "a member name in \(violation.path)" : violation.path
        return invalidParams("invalid params: \(what) contains a control character (\(violation.codePoint)); no parameter may hold one",
                             path: violation.path)
    }

    /// `-32602` for params that do not decode: the path of the first bad member and what was
    /// expected there (a string, a whole number, one of the allowed values), never the value.
    public static func invalidParams(decoding error: DecodingError) -> RPCError {
        let problem = ParamsDecodingProblem(error)
        return invalidParams("invalid params: \(problem.path): \(problem.problem)", path: problem.path)
    }

    /// As above, for `P` decoded from a whole request: a failure Foundation reports without a
    /// path (a number that does not fit, a broken string) is located (`UnnamedDecodingFailure`).
    public static func invalidParams<P: Decodable>(decoding error: DecodingError, request: Foundation.Data, as type: P.Type) -> RPCError {
        guard ParamsDecodingProblem.isUnnamed(error) else { return invalidParams(decoding: error) }
        let suspect = UnnamedDecodingFailure.locate(in: request) { patched in
            do { _ = try JSONDecoder().decode(RPCParams<P>.self, from: patched); return false } catch let again as DecodingError {
                return ParamsDecodingProblem.isUnnamed(again)
            } catch { return true }
        }
        guard let suspect else { return invalidParams(decoding: error) }
        return invalidParams("invalid params: \(suspect.path): \(suspect.problem)", path: suspect.path)
    }

    /// The last guard on the way out: a sentence or path that could carry card data (a client's
    /// string that slipped into it) is replaced by one that says what went wrong without it.
    public func withoutCardData() -> RPCError {
        var copy = self
        if let path = data?.path, CardDataPattern.appears(in: path) { copy.data?.path = "params" }
        guard CardDataPattern.appears(in: message) else { return copy }
        switch (code, kind) {
        case (RPCError.invalidParamsCode, _): copy.message = "invalid params: a parameter has a value this method cannot take; check what was sent"
        case (_, .notFound?): copy.message = "nothing on this kiosk matches what was sent; check it and try again"
        case (_, .permissionDenied?): copy.message = "permission denied"
        case (RPCError.invalidRequestCode, _), (RPCError.parseErrorCode, _): copy.message = "the request was refused; check what was sent"
        default: copy.message = "the request could not be completed; check what was sent and try again"
        }
        return copy
    }
}

/// Where a `DecodingError` points in a request, and what was expected there.
public struct ParamsDecodingProblem: Sendable, Equatable {
    public var path: String
    public var problem: String

    /// Foundation's "not valid JSON" for a value it could not convert: no path at all.
    public static func isUnnamed(_ error: DecodingError) -> Bool {
        if case .dataCorrupted(let context) = error, context.codingPath.isEmpty { return true }
        return false
    }

    public init(_ error: DecodingError) {
        func render(_ keys: [CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                    out += "[\(index)]"
                } else {
                    // Member names come from the method's own keys; anything else is not repeated.
                    let name = key.stringValue
                    let plain = !name.isEmpty && name.utf8.count <= 64 && !CardDataPattern.appears(in: name)
                        && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
                    out += (out.isEmpty ? "" : ".") + (plain ? name : "*")
                }
            }
            return out.isEmpty ? "params" : out
        }
        func expected(_ type: Any.Type) -> String {
            let name = String(describing: type)
            switch name {
            case "String": return "expected a string"
            case "Int", "Int64", "Int32", "UInt32", "UInt64", "UInt": return "expected a whole number"
            case "Double", "Float": return "expected a number"
            case "Bool": return "expected true or false"
            case _ where name.hasPrefix("Array"): return "expected an array"
            default: return "expected an object"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            path = render(context.codingPath); problem = expected(type)
        case .valueNotFound(let type, let context):
            path = render(context.codingPath); problem = "must not be null (\(expected(type)))"
        case .keyNotFound(let key, let context):
            path = render(context.codingPath + [key]); problem = "missing"
        case .dataCorrupted(let context):
            path = render(context.codingPath)
            let text = context.debugDescription
            if text.contains("Cannot initialize") {
                problem = "not one of the allowed values"
            } else if text.contains("does not fit") || text.contains("Parsed JSON number") {
                problem = "expected a whole number in range"
            } else if context.codingPath.isEmpty || CardDataPattern.appears(in: text) {
                problem = "has the wrong shape"
            } else {
                problem = String(text.prefix(200))  // our own decoders' sentences (dates, instants)
            }
        @unknown default:
            path = "params"; problem = "has the wrong shape"
        }
    }
}

extension RPCID {
    /// A reply repeats its id, so an id that could be card data is refused (never echoed).
    public var mightBeCardData: Bool {
        switch self {
        case .string(let s): return CardDataPattern.appears(in: s)
        case .number(let n): return CardDataPattern.appears(in: String(n))
        case .null: return false
        }
    }

    public var hasControlCharacter: Bool {
        guard case .string(let s) = self else { return false }
        return s.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }
}

/// Who a peer is, as the daemon decided from its credentials.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case front, manager, technician

    /// The longest request line this role may send, in bytes (without the newline).
    public var maximumLineLength: Int {
        switch self {
        case .front: return 65_536
        case .manager, .technician: return 16 * 1024 * 1024
        }
    }

    public static func < (a: Role, b: Role) -> Bool {
        let order: [Role] = [.front, .manager, .technician]
        return order.firstIndex(of: a)! < order.firstIndex(of: b)!
    }
}
