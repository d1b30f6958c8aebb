import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// Who sent a request, as the server established at accept.
public struct Caller: Sendable {
    public var peer: PeerIdentity
    public var role: Role
}

/// Turns one request line into one reply line. Never throws, never crashes on input:
/// every malformed line gets the JSON-RPC error PROTOCOL.md names, and the connection goes on.
public struct RequestRouter: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let sessions: SessionRegistry
    let link: BackOfficeLink
    let roles: RoleTable
    let logger: Logger
    let version: String
    /// The current instant; figures take "today" from it in the branch's time zone.
    let now: @Sendable () -> Date

    public init(store: KioskStore, devices: DeviceManager, sessions: SessionRegistry, link: BackOfficeLink = BackOfficeLink(),
                roles: RoleTable, logger: Logger, version: String, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store; self.devices = devices; self.sessions = sessions; self.link = link; self.roles = roles; self.logger = logger
        self.version = version; self.now = now
    }

    /// The reply for one line (without its newline), or nil when no reply is due.
    public func reply(to line: [UInt8], from caller: Caller, state: inout ConnectionState) async -> [UInt8] {
        guard String(validating: line, as: UTF8.self) != nil else {
            return encodeFailure(id: .null, .parseError("the request is not valid UTF-8; send one UTF-8 JSON text per line"))
        }
        let data = Data(line)
        let head: RPCRequestHead
        do {
            head = try JSONDecoder().decode(RPCRequestHead.self, from: data)
        } catch {
            if let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
                let problem = value is [Any] ? "batches are not supported; send one request object per line"
                                              : "a request must be a JSON object with jsonrpc, id, method and params"
                return encodeFailure(id: .null, .invalidRequest(problem))
            }
            return encodeFailure(id: .null, .parseError("the request is not valid JSON; send one JSON text per line"))
        }
        guard head.hasID, let id = head.id, id != .null else {
            return encodeFailure(id: .null, .invalidRequest("a request needs an id (a string or an integer); this daemon takes no notifications"))
        }
        // The id is the one client string a reply must repeat, so one that could be card data
        // (or hide a control character) is refused rather than echoed.
        guard !id.mightBeCardData, !id.hasControlCharacter else {
            return encodeFailure(id: .null, .invalidRequest("the request id looks like card data or holds a control character; use a counter or a short token"))
        }
        guard head.jsonrpc == "2.0" else {
            return encodeFailure(id: id, .invalidRequest("\"jsonrpc\" must be \"2.0\""))
        }
        guard let name = head.method else {
            return encodeFailure(id: id, .invalidRequest("\"method\" must be a string"))
        }
        guard let method = KioskProtocol.Method(rawValue: name) else {
            return encodeFailure(id: id, .methodNotFound(name))
        }
        do {
            // Every string parameter, before any handler decodes it (PROTOCOL.md "Strings").
            if let bad = ControlCharacterScreen.firstViolation(in: data, root: "params", lineBreaks: method.lineBreakParams) {
                guard method == .syncApply else { throw RPCError.controlCharacter(bad) }
                throw SyncHandler.refusal(bad, under: "params")  // document paths, as for its other problems
            }
            let result = try await dispatch(method, data: data, caller: caller, state: &state)
            return try encode(RPCSuccessAny(id: id, result: result))
        } catch let error as RPCError {
            return encodeFailure(id: id, error)
        } catch {
            logger.error("request failed", metadata: ["method": "\(name)", "error": "\(type(of: error))"])
            return encodeFailure(id: id, .internalError("the daemon could not complete \(name); the error was logged"))
        }
    }

    private func dispatch(_ method: KioskProtocol.Method, data: Data, caller: Caller,
                          state: inout ConnectionState) async throws -> any Encodable & Sendable {
        switch method {
        case .hello:
            return HelloResult(server: "kioskd", version: version, protocol: protocolVersion, role: caller.role,
                               capabilities: KioskProtocol.Method.allCases.filter { allowed($0, caller.role) }.map(\.rawValue))
        case .accountGet, .accountBalances, .accountSummary, .accountActivity, .itemsOpen:
            var params: AccountParams = try decodeParams(data)
            // The front always reads as its session; staff read any account, or their own
            // session's when they name none (a technician testing the customer's path).
            let ownSession = params.account == nil ? await sessions.hasSession(state.id) : false
            if caller.role == .front || ownSession {
                params.account = try await signedInAccount(for: method, asked: params.account, connection: state.id)
            } else {
                try require(method, caller)
            }
            let reads = AccountReads(store: store, now: now)
            switch method {
            case .accountGet: return try await reads.info(params)
            case .accountBalances: return try await reads.balances(params)
            case .accountSummary: return try await reads.summary(params)
            case .accountActivity: return try await reads.activity(params)
            default: return try await reads.openItems(params)
            }
        case .statementsList, .creditsList, .historyList:
            var ref: AccountParams = try decodeParams(data)
            let ownSession = ref.account == nil ? await sessions.hasSession(state.id) : false
            if caller.role == .front || ownSession {
                ref.account = try await signedInAccount(for: method, asked: ref.account, connection: state.id)
            } else {
                try require(method, caller)
            }
            return try await AccountHistory(store: store).handle(method, data: data, account: ref.account ?? "")
        case .syncApply:
            try require(method, caller)
            return try await SyncHandler(store: store, logger: logger).apply(request: data, caller: caller)
        case .syncUploadBegin:
            try require(method, caller)
            return try SyncUploadHandler().begin(try decodeParams(data), state: &state)
        case .syncUploadChunk:
            try require(method, caller)
            return try SyncUploadHandler().chunk(try decodeParams(data), state: &state)
        case .syncUploadCommit:
            try require(method, caller)
            let document = try SyncUploadHandler().take(try decodeParams(data), state: &state)
            return try await SyncHandler(store: store, logger: logger).apply(document: document, caller: caller)
        case .eventsSubscribe, .deviceList, .deviceAllow, .deviceForget, .deviceCaptureBegin, .deviceCaptureFinish,
             .deviceCaptureCancel, .deviceEmulateSwipe, .deviceEmulateSign, .deviceDescribe, .deviceParseDescriptor,
             .deviceDecode, .deviceTest:
            try requireRole(method, caller)
            return try await DeviceHandlers(devices: devices, logger: logger)
                .handle(method, data: data, caller: caller, connection: state.id)
        case .provisionBackofficeKey:
            try requireRole(method, caller)
            let params: ProvisionKeyParams = try decodeParams(data)
            let audit = AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue,
                                   action: method.rawValue, detail: "back-office public key")
            return try await devices.vault.install(fileContents: Data(params.publicKey.utf8), audit: audit)
        case .provisionStatus:
            try requireRole(method, caller)
            return await devices.vault.status()
        case .paymentOptions, .paymentQuote, .paymentSubmit, .paymentsList, .paymentProcess, .paymentReject, .paymentDelete,
             .paymentReschedule, .paymentCancel, .paymentAcknowledge, .outboxList:
            guard allowed(method, caller.role) else {
                throw RPCError.app(.permissionDenied, "permission denied: \(method.rawValue) needs the manager role; add the user to group \(roles.groupName(for: .manager))")
            }
            let result = try await PaymentHandlers(store: store, devices: devices, sessions: sessions, kioskID: devices.vault.kioskID,
                                                   logger: logger, now: now).handle(method, data: data, caller: caller, connection: state.id)
            await link.status.ring()  // a new or changed payment: the relay need not wait for its timer
            return result
        case .outboxRetry, .syncPull, .status:
            guard allowed(method, caller.role) else {
                throw RPCError.app(.permissionDenied, "permission denied: \(method.rawValue) needs the manager role; add the user to group \(roles.groupName(for: .manager))")
            }
            return try await LinkHandlers(store: store, devices: devices, link: link, logger: logger)
                .handle(method, data: data, caller: caller)
        case .sessionBegin:
            let params: SessionBeginParams = try decodeParams(data)
            return try await sessions.begin(params, connection: state.id)
        case .sessionEnd:
            await sessions.end(state.id)
            return OKResult()
        }
    }

    /// The front reads only its signed-in account, and only what the contact's profile shows.
    private func signedInAccount(for method: KioskProtocol.Method, asked: String?, connection: ConnectionID) async throws -> String {
        let session = try await sessions.current(connection)
        if let asked, asked != session.account {
            throw RPCError.app(.permissionDenied, "permission denied: this session is for another account; sign out, then sign in to that account")
        }
        let needed: Permission? = switch method {
        case .accountBalances, .accountSummary, .accountActivity: .viewBalances
        case .itemsOpen: .viewOpenItems
        case .statementsList: .viewStatements
        case .creditsList: .viewCredits
        case .historyList: .viewHistory
        default: nil
        }
        if let needed, !session.allows(needed) {
            throw RPCError.app(.permissionDenied, "your access does not include this; ask the account's owner or the store")
        }
        return session.account
    }

    /// Which roles may call what. The front may read accounts only inside a signed-in session.
    func allowed(_ method: KioskProtocol.Method, _ role: Role) -> Bool {
        switch method {
        case .hello, .eventsSubscribe, .deviceCaptureBegin, .deviceCaptureFinish, .deviceCaptureCancel: return true
        case .deviceList: return role >= .manager
        case .deviceAllow, .deviceForget, .deviceEmulateSwipe, .deviceEmulateSign, .deviceDescribe, .deviceParseDescriptor,
             .deviceDecode, .deviceTest: return role == .technician
        case .accountGet, .accountBalances, .accountSummary, .accountActivity, .itemsOpen: return true
        case .statementsList, .creditsList, .historyList: return true
        case .syncApply, .syncUploadBegin, .syncUploadChunk, .syncUploadCommit: return role >= .manager
        case .provisionStatus: return role >= .manager
        case .sessionBegin, .sessionEnd: return true
        // Customers pay inside a session (checked by the handler); staff post-process.
        case .paymentOptions, .paymentQuote, .paymentSubmit, .paymentReschedule, .paymentCancel, .paymentAcknowledge: return true
        case .paymentsList, .paymentProcess, .paymentReject, .paymentDelete, .outboxList: return role >= .manager
        case .outboxRetry, .syncPull, .status: return role >= .manager
        case .provisionBackofficeKey: return role == .technician
        }
    }

    private func require(_ method: KioskProtocol.Method, _ caller: Caller) throws {
        guard allowed(method, caller.role) else {
            throw RPCError.app(.permissionDenied,
                "permission denied: \(method.rawValue) needs the manager or technician role; add the user to group \(roles.groupName(for: .manager))")
        }
        if caller.role == .front && method != .hello {
            throw RPCError.app(.notSignedIn, "sign in first: the kiosk front reads an account only inside a signed-in session")
        }
    }

    /// Role check alone, for methods the front may call outside a session.
    private func requireRole(_ method: KioskProtocol.Method, _ caller: Caller) throws {
        guard allowed(method, caller.role) else {
            let needs = method == .deviceList ? "the manager or technician role" : "the technician role"
            let group = method == .deviceList ? roles.groupName(for: .manager) : roles.groupName(for: .technician)
            throw RPCError.app(.permissionDenied, "permission denied: \(method.rawValue) needs \(needs); add the user to group \(group)")
        }
    }

    private func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return [UInt8](try encoder.encode(value))
    }

    private func encodeFailure(id: RPCID, _ error: RPCError) -> [UInt8] {
        (try? encode(RPCFailure(id: id, error: error.withoutCardData())))
            ?? Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}"#.utf8)
    }
}

/// A success reply around an existential result.
struct RPCSuccessAny: Encodable {
    let id: RPCID
    let result: any Encodable
    enum CodingKeys: String, CodingKey { case jsonrpc, id, result }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("2.0", forKey: .jsonrpc)
        try c.encode(id, forKey: .id)
        try c.encode(result, forKey: .result)
    }
}

/// Decodes `params` into a method's type; a mismatch is `-32602` naming the bad path
/// (`params.invoices[2]`) and what was expected there, never the value that was sent.
func decodeParams<P: Decodable>(_ data: Data) throws -> P {
    do {
        return try JSONDecoder().decode(RPCParams<P>.self, from: data).params
    } catch let error as DecodingError {
        throw RPCError.invalidParams(decoding: error, request: data, as: P.self)
    }
}
