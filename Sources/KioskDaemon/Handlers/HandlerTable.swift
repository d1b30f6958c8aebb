import Foundation
import KioskProtocol
import KioskStore

/// One call as its handler sees it, after the ``AccessGate`` let it through.
struct Call: Sendable {
    /// The method's wire name (the audit log's action).
    let method: String
    let caller: Caller
    let connection: ConnectionID
    /// The signed-in session the gate found, for methods about a customer's account.
    let session: Session?
    /// The account the call is about: the session's for a customer, the one staff named;
    /// nil for methods that are not about an account (or staff acting on a payment by id).
    let account: String?
    /// The request line as received (raw handlers read their params from it).
    let request: Data

    /// An audit row for this call, naming the peer the kernel vouched for.
    func audit(_ detail: String = "") -> AuditEntry {
        AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue, action: method, detail: detail)
    }
}

/// The one table from method name to handler. Each entry is built from the method's
/// declaration (``RPCMethod``): the gate checks the declared access, the params decode to the
/// declared type, and the handler returns the declared result, so none of them can disagree.
struct HandlerTable: Sendable {
    typealias Run = @Sendable (_ request: Data, _ caller: Caller, _ state: inout ConnectionState, _ gate: AccessGate) async throws -> any Encodable & Sendable

    struct Entry: Sendable {
        let method: any RPCMethod
        /// How a control character in the params is refused, when not as -32602 (sync.apply
        /// names paths from the document's root, as for its other problems).
        let controlCharacterRefusal: (@Sendable (ControlCharacterScreen.Violation) -> RPCError)?
        let run: Run
    }

    private(set) var entries: [String: Entry] = [:]

    /// Serves `method` with `body`, given its decoded params.
    mutating func on<M: RPCMethod>(_ method: M,
                                   _ body: @escaping @Sendable (M.Params, Call) async throws -> M.Result) {
        on(method) { params, call, _ in try await body(params, call) }
    }

    /// Serves `method` with a `body` that also keeps per-connection state (chunked uploads).
    mutating func on<M: RPCMethod>(_ method: M,
                                   _ body: @escaping @Sendable (M.Params, Call, inout ConnectionState) async throws -> M.Result) {
        add(method, refusal: nil) { request, caller, state, gate in
            let (params, call) = try await Self.admitted(method, request, caller, state, gate)
            return try await body(params, call, &state)
        }
    }

    /// Serves `method` with an answer encoded ahead of time (``EncodedResult``): the gate and
    /// the params are checked as for any method; only the result's encoding is skipped. The
    /// caller promises `body`'s bytes are an encoding of `M.Result`.
    mutating func onEncoded<M: RPCMethod>(_ method: M, _ body: @escaping @Sendable (M.Params, Call) async throws -> EncodedResult) {
        add(method, refusal: nil) { request, caller, state, gate in
            let (params, call) = try await Self.admitted(method, request, caller, state, gate)
            return try await body(params, call)
        }
    }

    /// Serves `method` from the request bytes (its params are read by their own validator).
    mutating func onRequest<M: RPCMethod>(_ method: M,
                                          controlCharacterRefusal: (@Sendable (ControlCharacterScreen.Violation) -> RPCError)? = nil,
                                          _ body: @escaping @Sendable (Call) async throws -> M.Result) {
        add(method, refusal: controlCharacterRefusal) { request, caller, state, gate in
            try gate.admit(method, caller)
            return try await body(Call(method: method.name, caller: caller, connection: state.id, session: nil, account: nil, request: request))
        }
    }

    /// The gate's role check, the params decoded to the declared type, then the gate's
    /// session and account decision: the one way in for every decoded-params handler.
    private static func admitted<M: RPCMethod>(_ method: M, _ request: Data, _ caller: Caller, _ state: ConnectionState,
                                               _ gate: AccessGate) async throws -> (M.Params, Call) {
        try gate.admit(method, caller)
        let params: M.Params = try decodeParams(request)
        return (params, try await gate.open(method, params: params, caller: caller, connection: state.id, request: request))
    }

    private mutating func add<M: RPCMethod>(_ method: M, refusal: (@Sendable (ControlCharacterScreen.Violation) -> RPCError)?,
                                            run: @escaping Run) {
        precondition(entries[method.name] == nil, "\(method.name) is served twice")
        precondition(Methods.named(method.name) != nil, "\(method.name) is served but not listed in its area of Methods.all")
        entries[method.name] = Entry(method: method, controlCharacterRefusal: refusal, run: run)
    }

    /// The declared methods this table does not serve (a test keeps this empty).
    var missing: [String] { Methods.all.map { $0.name }.filter { entries[$0] == nil } }
}
