#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProtocol
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// `struct ucred` as the kernel writes it for SO_PEERCRED (Glibc's is not visible to Swift).
struct PeerCredential: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// The JSON-RPC server on the Unix socket: one task per connection, requests answered in order.
public final class SocketServer: Service, Sendable {
    let path: String
    let group: String?
    let router: RequestRouter
    let roles: RoleTable
    let logger: Logger
    let onReady: @Sendable () -> Void
    let onStopping: @Sendable () -> Void
    /// How much a connection may leave unread, and for how long (PROTOCOL.md "Back-pressure").
    let limits: OutboundQueue.Limits

    public init(path: String, group: String?, router: RequestRouter, roles: RoleTable, logger: Logger,
                onReady: @escaping @Sendable () -> Void = {}, onStopping: @escaping @Sendable () -> Void = {}) {
        self.path = path; self.group = group; self.router = router; self.roles = roles; self.logger = logger
        self.onReady = onReady; self.onStopping = onStopping; self.limits = .standard
    }

    enum Accepted: Sendable {
        case connection(NIOAsyncChannel<Frame, ByteBuffer>, Caller)
        case refused
    }

    public func run() async throws {
        // Started by kioskd.socket: systemd bound the socket (mode and group from the unit) and
        // owns its file. Run by hand: kioskd binds its own and removes it at exit.
        let activated = try SocketActivation.listeningSocket()
        let path = activated?.path ?? self.path
        if activated == nil { try SocketFile.prepare(path: path) }
        // The socket is born 0660: no window in which another user could connect.
        let previous = umask(0o117)
        let roles = self.roles
        let logger = self.logger
        let server: NIOAsyncChannel<Accepted, Never>
        do {
            defer { umask(previous) }
            let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.backlog, value: 256)
                // Bounded reads: one read of at most 16 KiB per wake-up, so a client the daemon
                // has stopped reading (back-pressure) holds little in the daemon.
                .childChannelOption(.maxMessagesPerRead, value: 1)
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 4096, maximum: 16 * 1024))
            let accept: @Sendable (Channel) -> EventLoopFuture<Accepted> = { channel in SocketServer.accept(channel, roles: roles, logger: logger) }
            if let activated {
                server = try await bootstrap.bind(activated.descriptor, childChannelInitializer: accept)
            } else {
                server = try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false, childChannelInitializer: accept)
            }
        }
        if activated == nil { try SocketFile.setGroup(path: path, group: group) }
        if let activated, activated.path != self.path {
            logger.notice("systemd's socket is not the configured one; serving systemd's", metadata: ["socket": "\(activated.path)", "configured": "\(self.path)"])
        }
        logger.info("listening", metadata: ["socket": "\(path)", "activation": "\(activated == nil ? "none" : "systemd")"])
        onReady()

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { tasks in
                try await server.executeThenClose { inbound in
                    for try await accepted in inbound {
                        guard case .connection(let channel, let caller) = accepted else { continue }
                        tasks.addTask { await self.serve(channel, caller: caller) }
                    }
                }
            }
        } onGracefulShutdown: {
            self.onStopping()
            server.channel.close(promise: nil)
        }
        if activated == nil { unlink(path) }
        logger.info("socket closed", metadata: ["socket": "\(path)"])
    }

    /// Runs on the event loop at accept: who is it, may they connect, how long may their lines be.
    private static func accept(_ channel: Channel, roles: RoleTable, logger: Logger) -> EventLoopFuture<Accepted> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.close().map { .refused }
        }
        let credential: EventLoopFuture<PeerCredential> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return credential.flatMap { credential -> EventLoopFuture<Accepted> in
            let peer = PeerIdentity.resolve(pid: credential.pid, uid: credential.uid, gid: credential.gid)
            guard let role = roles.role(for: peer) else {
                logger.notice("connection refused: no role", metadata: ["uid": "\(peer.uid)", "user": "\(peer.userName)", "pid": "\(peer.pid)"])
                let refusal = RPCFailure(id: .null, error: .app(.permissionDenied,
                    "permission denied: user \(peer.userName) has no kiosk role; add it to group \(roles.groupName(for: .manager)) (managers), \(roles.groupName(for: .technician)) (technicians) or \(roles.groupName(for: .front)) (the kiosk front)"))
                var buffer = channel.allocator.buffer(capacity: 256)
                buffer.writeBytes((try? JSONEncoder().encode(refusal)) ?? Data())
                buffer.writeInteger(UInt8(ascii: "\n"))
                // The child is not active yet while it is being initialised: the refusal is
                // written (and the connection closed) once it is.
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RefusalHandler(line: buffer))
                    return .refused
                }
            }
            return channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineFrameDecoder(maximumLength: role.maximumLineLength)))
                let wrapped = try NIOAsyncChannel<Frame, ByteBuffer>(wrappingChannelSynchronously: channel)
                return .connection(wrapped, Caller(peer: peer, role: role))
            }
        }
    }

    /// Serves one connection: requests in order, replies and pushed events through one
    /// outbound queue so their bytes never interleave. The queue is bounded (OutboundQueue):
    /// while too much is unsent the next request is not read, and a client that reads nothing
    /// for the grace period is disconnected.
    private func serve(_ channel: NIOAsyncChannel<Frame, ByteBuffer>, caller: Caller) async {
        let logger = self.logger
        let id = ConnectionID.next()
        let limits = self.limits
        let queue = OutboundQueue(limits: limits) { unsent in
            logger.warning("closing a connection that does not read its replies", metadata: [
                "connection": "\(id)", "uid": "\(caller.peer.uid)", "pid": "\(caller.peer.pid)", "role": "\(caller.role.rawValue)",
                "unsent_bytes": "\(unsent)", "grace_seconds": "\(limits.grace.components.seconds)",
            ])
            channel.channel.close(promise: nil)
        }
        // However the connection ends, nothing waits on its queue any more.
        channel.channel.closeFuture.whenComplete { _ in queue.abort() }
        await router.devices.register(id, output: queue)
        do {
            try await channel.executeThenClose { inbound, outbound in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        while let lines = await queue.nextBatch() {
                            try await outbound.write(ByteBuffer(bytes: lines))
                            queue.written(lines.count)
                        }
                    }
                    try await withGracefulShutdownHandler {
                        var state = ConnectionState(id: id)
                        for try await frame in inbound {
                            var reply: [UInt8]
                            switch frame {
                            case .line(let line):
                                if line.readableBytes == 0 { continue }  // blank lines are keep-alives
                                reply = await router.reply(to: Array(line.readableBytesView), from: caller, state: &state)
                            case .tooLong:
                                let limit = caller.role.maximumLineLength
                                let failure = RPCFailure(id: .null, error: .invalidRequest(
                                    "the request line is longer than \(limit) bytes, the limit for the \(caller.role.rawValue) role; it was discarded"))
                                reply = [UInt8]((try? JSONEncoder().encode(failure)) ?? Data())
                            }
                            reply.append(UInt8(ascii: "\n"))
                            queue.pushReply(reply)
                            // Back-pressure: the next request waits until this client reads.
                            if await queue.waitForRoom() != .available { break }
                        }
                    } onGracefulShutdown: {
                        channel.channel.close(promise: nil)
                    }
                    queue.finish()
                    try await group.waitForAll()
                }
            }
        } catch {
            logger.debug("connection ended", metadata: ["uid": "\(caller.peer.uid)", "reason": "\(type(of: error))"])
        }
        queue.abort()
        await router.devices.connectionClosed(id)
        await router.sessions.end(id)
    }
}

/// Sends a refused peer its one error line, then closes; anything it sends is ignored.
final class RefusalHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private let line: ByteBuffer
    private var sent = false

    init(line: ByteBuffer) { self.line = line }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}

    private func refuse(_ context: ChannelHandlerContext) {
        guard !sent else { return }
        sent = true
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(line)).whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}

/// The socket file's life: refuse to steal a live daemon's socket, replace a stale one.
enum SocketFile {
    static func prepare(path: String) throws(DaemonError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o755])
            } catch { throw .socket("cannot create the socket directory \(directory): \(error.localizedDescription)") }
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw .socket("\(path) exists and is not a socket; remove it or choose another --socket path")
        }
        if isLive(path) {
            throw .socket("another kioskd is already listening on \(path); stop it first (systemctl stop kioskd)")
        }
        // A socket nobody answers: left by a crashed daemon. Safe to replace.
        unlink(path)
    }

    /// True when something accepts connections on the socket.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let address = UnixSocketAddress(path: path) else { return false }
        let result = address.withSockaddr { connect(fd, $0, $1) }
        return result == 0
    }

    static func setGroup(path: String, group: String?) throws(DaemonError) {
        _ = chmod(path, 0o660)
        guard let group else { return }
        guard let gid = UInt32(group) ?? groupID(named: group) else {
            throw .socket("socket_group \"\(group)\" is not a group on this system; create it (groupadd \(group)) or fix the config")
        }
        guard chown(path, uid_t.max, gid) == 0 else {
            throw .socket("cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
        }
    }
}

/// Why the daemon could not start or keep running.
public enum DaemonError: Error, CustomStringConvertible, Sendable {
    case socket(String)
    case configuration(String)
    case storage(String)

    public var description: String {
        switch self {
        case .socket(let text), .configuration(let text), .storage(let text): return text
        }
    }
}
