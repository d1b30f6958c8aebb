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
        public init(kind: ErrorKind? = nil, path: String? = nil, attemptsLeft: Int? = nil, retryAfter: Int? = nil,
                    payments: [String]? = nil, invoices: [String]? = nil) {
            self.kind = kind; self.path = path; self.attemptsLeft = attemptsLeft; self.retryAfter = retryAfter
            self.payments = payments; self.invoices = invoices
        }
        enum CodingKeys: String, CodingKey { case kind, path, attemptsLeft = "attempts_left", retryAfter = "retry_after", payments, invoices }
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
    public static func methodNotFound(_ method: String) -> RPCError {
        RPCError(code: methodNotFoundCode, message: "there is no method \"\(method.prefix(80))\"; `hello` lists the capabilities of this daemon")
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
