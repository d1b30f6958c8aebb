import Foundation
import KioskProtocol
import NIOCore
import NIOPosix

/// A typed async client for kioskd's Unix socket (JSON-RPC 2.0, one JSON text per line).
///
/// Open a connection with ``withConnection(socketPath:_:)``; inside, ``call(_:params:as:)``
/// may be used from several tasks at once (requests are pipelined and replies matched by
/// id). Server `event` notifications go to the `onNotification` handler, if one is given.
public final class KioskClient: Sendable {
    /// Where kioskd listens unless told otherwise.
    public static let defaultSocketPath = "/run/kioskd/kioskd.sock"
    /// The longest reply line accepted (a whole account's data fits comfortably).
    public static let maximumReplyLength = 64 * 1024 * 1024

    public let socketPath: String
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let router = ReplyRouter()
    private let onNotification: (@Sendable (ClientNotification) -> Void)?

    private init(socketPath: String, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
                 onNotification: (@Sendable (ClientNotification) -> Void)?) {
        self.socketPath = socketPath
        self.outbound = outbound
        self.onNotification = onNotification
    }

    /// Connects to kioskd, runs `body` with the client, then closes the connection.
    ///
    /// Throws ``ClientError`` when the connection cannot be made; errors thrown by `body`
    /// (normally ``ClientError`` from its calls) pass through unchanged.
    public static func withConnection<T: Sendable>(
        socketPath: String = KioskClient.defaultSocketPath,
        onNotification: (@Sendable (ClientNotification) -> Void)? = nil,
        _ body: (KioskClient) async throws -> T
    ) async throws -> T {
        if let problem = socketPathProblem(socketPath) {
            throw ClientError.cannotConnect(socketPath: socketPath, reason: problem)
        }
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            ByteToMessageHandler(LineDecoder(maximumLength: KioskClient.maximumReplyLength)))
                        return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw connectionError(error, socketPath: socketPath)
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = KioskClient(socketPath: socketPath, outbound: outbound, onNotification: onNotification)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { await client.readReplies(inbound) }
                defer { group.cancelAll() }
                return try await body(client)
            }
        }
    }

    /// Calls a declared method (``Methods``) and decodes its declared result.
    public func call<M: RPCMethod>(_ method: M, _ params: M.Params) async throws(ClientError) -> M.Result {
        let raw = try await callRaw(method, params)
        do {
            return try JSONDecoder().decode(M.Result.self, from: raw)
        } catch {
            throw .malformedReply("the result of \(method.name) does not have the expected fields: \(Self.describe(error))")
        }
    }

    /// Calls a declared method and returns its `result` exactly as the daemon wrote it (for
    /// `--json` output, which passes the daemon's words through unchanged).
    public func callRaw<M: RPCMethod>(_ method: M, _ params: M.Params) async throws(ClientError) -> Data {
        let paramsJSON: Data
        do {
            paramsJSON = try JSONEncoder().encode(params)
        } catch {
            throw .invalidRequest("the parameters of \(method.name) cannot be written as JSON (\(error))")
        }
        return try await callRaw(method: method.name, paramsJSON: paramsJSON)
    }

    /// Calls `method` with params already written as JSON text (an object) and returns the
    /// `result` member of the reply exactly as the daemon wrote it. The transport under the
    /// typed calls; the front sends its screens' requests through it (they are encoded from
    /// the declarations' params where the request is made).
    public func callRaw(method: String, paramsJSON: Data) async throws(ClientError) -> Data {
        var params = paramsJSON
        if params.contains(where: { $0 == 0x0A || $0 == 0x0D }) {
            guard let compact = JSONText.compactObject(params) else {
                throw .invalidRequest("the parameters of \(method) are not a JSON object")
            }
            params = compact
        }
        let id = await router.makeID()
        var line = Data(#"{"jsonrpc":"2.0","id":\#(id),"method":"#.utf8)
        line.append(Self.jsonString(method))
        line.append(Data(#","params":"#.utf8))
        line.append(params)
        line.append(Data("}\n".utf8))
        do {
            try await outbound.write(ByteBuffer(bytes: line))
        } catch {
            // The connection is going away; the reader reports why (with the daemon's last
            // words, if it sent any), so wait for that rather than guess here.
        }
        switch await router.outcome(for: id) {
        case .success(let result): return result
        case .failure(let error): throw error
        }
    }

    // MARK: - Calls with their own shape

    /// `hello`: who the daemon is and what this caller may do.
    public func hello() async throws(ClientError) -> HelloResult {
        try await call(Methods.hello, EmptyParams())
    }

    /// Applies a sync document given as the bytes of a JSON object (sent as is, compacted).
    public func syncApply(documentJSON: Data) async throws(ClientError) -> SyncApplyResult {
        let raw = try await callRaw(method: Methods.syncApply.name, paramsJSON: documentJSON)
        do {
            return try JSONDecoder().decode(SyncApplyResult.self, from: raw)
        } catch {
            throw .malformedReply("the result of sync.apply does not have the expected fields: \(Self.describe(error))")
        }
    }

    // MARK: - Reading

    private func readReplies(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async {
        do {
            for try await line in inbound {
                await handle(Array(line.readableBytesView))
            }
            await router.finish()
        } catch let error as LineDecoder.LineTooLong {
            await router.finish(.malformedReply(error.description))
        } catch {
            await router.finish()
        }
        onNotification?(.closed)
    }

    private func handle(_ bytes: [UInt8]) async {
        guard bytes.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { return }
        let envelope: ReplyEnvelope
        do {
            envelope = try JSONDecoder().decode(ReplyEnvelope.self, from: Data(bytes))
        } catch {
            await router.finish(.malformedReply("a reply line is not a JSON object"))
            return
        }
        switch envelope.id {
        case nil:
            // A notification: only `event` exists; its params go to the handler as written.
            if envelope.method == "event", let onNotification, let range = JSONText.memberValueRange("params", in: bytes) {
                onNotification(.event(Data(bytes[range])))
            }
        case .null?:
            if let error = envelope.error { await router.deliverUnaddressed(error.rpcError) }
        case .string?:
            return  // this client only sends integer ids
        case .number(let id)?:
            if let error = envelope.error {
                await router.deliver(.failure(.server(error.rpcError)), to: id)
            } else if envelope.hasResult, let range = JSONText.memberValueRange("result", in: bytes) {
                await router.deliver(.success(Data(bytes[range])), to: id)
            } else {
                await router.deliver(.failure(.malformedReply("the reply to request \(id) has neither a result nor an error")), to: id)
            }
        }
    }

    // MARK: - Helpers

    private static func jsonString(_ text: String) -> Data {
        (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
    }

    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return String(describing: error) }
        func path(_ keys: [CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let at = path(context.codingPath)
            return at.isEmpty ? context.debugDescription : "\(at): \(context.debugDescription)"
        @unknown default: return String(describing: error)
        }
    }

    /// The longest path a Unix socket may have (`sun_path` less its NUL): 107 bytes on Linux.
    public static let maximumSocketPathLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// nil when `path` can name a Unix socket; otherwise why not, as the end of a sentence
    /// ("the path is 130 bytes long; …"), for `--socket` checks before anything connects.
    public static func socketPathProblem(_ path: String) -> String? {
        let length = path.utf8.count
        guard length > maximumSocketPathLength else { return nil }
        return "the path is \(length) bytes long, but a Unix socket path may have at most \(maximumSocketPathLength) bytes; use a shorter --socket path"
    }

    static func connectionError(_ error: any Error, socketPath: String) -> ClientError {
        if let error = error as? IOError { return connectionError(errno: error.errnoCode, socketPath: socketPath) }
        if let error = error as? SocketAddressError, case .unixDomainSocketPathTooLong = error {
            return .cannotConnect(socketPath: socketPath, reason: socketPathProblem(socketPath) ?? "the path is too long for a Unix socket")
        }
        return .cannotConnect(socketPath: socketPath, reason: String(describing: error))
    }

    /// What a failed `connect(2)` means for the person at the terminal.
    static func connectionError(errno code: Int32, socketPath: String) -> ClientError {
        switch code {
        case ENOENT, ECONNREFUSED, ENOTDIR:
            return .daemonNotRunning(socketPath: socketPath)
        case EACCES, EPERM:
            return .permissionDenied(socketPath: socketPath)
        default:
            return .cannotConnect(socketPath: socketPath, reason: String(cString: strerror(code)))
        }
    }
}
