import Foundation
import KioskClient
import KioskFront
import KioskProtocol

/// The front's one connection to kioskd, kept up for as long as the program runs: it
/// reconnects by itself (once a second) when kioskd restarts, and reports `.connected` /
/// `.disconnected` so the screen can say "Service unavailable, please wait".
final class Link: @unchecked Sendable {
    let socketPath: String
    let inbox: Inbox
    private let lock = NSLock()
    private var current: AsyncStream<Request>.Continuation?

    init(socketPath: String, inbox: Inbox) {
        self.socketPath = socketPath
        self.inbox = inbox
    }

    /// Sends a request; while disconnected it fails at once (the screen already says so).
    func send(_ request: Request) {
        let continuation = lock.withLock { current }
        if let continuation, case .enqueued = continuation.yield(request) { return }
        inbox.post(.reply(request.purpose, generation: request.generation,
                          .failure(Failure(message: "kioskd is not connected", connectionLost: true))))
    }

    func run() async {
        while !Task.isCancelled {
            let (stream, continuation) = AsyncStream<Request>.makeStream()
            let inbox = self.inbox
            var problem: LinkProblem?
            do {
                try await KioskClient.withConnection(socketPath: socketPath, onNotification: { note in
                    switch note {
                    case .event(let data): inbox.post(.event(data))
                    case .closed: continuation.finish()
                    }
                }) { client in
                    // The daemon really answers (and lets us in). A socket systemd holds for a
                    // kioskd that does not start takes the connection and never answers: say so
                    // after a while instead of "please wait" forever, and keep waiting.
                    let silence = Task {
                        try await Task.sleep(for: .seconds(Self.answerWithinSeconds))
                        inbox.post(.unreachable(.notAnswering(path: self.socketPath, seconds: Self.answerWithinSeconds)))
                    }
                    defer { silence.cancel() }
                    _ = try await client.hello()
                    silence.cancel()
                    // A card swiped with no capture running (on the welcome screen) is told
                    // to us, never its data, so the screen can say what to do instead.
                    _ = try? await client.call(Methods.eventsSubscribe, SubscribeParams(types: ["swipe.unclaimed"]))
                    self.lock.withLock { self.current = continuation }
                    inbox.post(.connected)
                    await withTaskGroup(of: Void.self) { group in
                        for await request in stream {
                            group.addTask { inbox.post(await Self.perform(request, on: client)) }
                        }
                    }
                }
            } catch {
                // Not running, refused, or gone: say which (for staff), wait and try again.
                problem = Self.problem(error, socketPath: socketPath)
            }
            lock.withLock { current = nil }
            continuation.finish()
            inbox.post(problem.map(Input.unreachable) ?? .disconnected)
            try? await Task.sleep(for: .seconds(1))
        }
    }

    private static func perform(_ request: Request, on client: KioskClient) async -> Input {
        do {
            let data = try await client.callRaw(method: request.method, paramsJSON: request.params)
            return .reply(request.purpose, generation: request.generation, .success(data))
        } catch {
            return .reply(request.purpose, generation: request.generation, .failure(failure(error)))
        }
    }

    /// How long `hello` may take before the screen tells staff kioskd is not answering.
    static let answerWithinSeconds = 10

    /// Why connecting failed, in the terms staff fix it by: no socket at the path, nothing
    /// listening, permission denied on the socket, or kioskd refusing this user (no role).
    /// nil for an established connection that ended (kioskd stopped or restarted).
    static func problem(_ error: any Error, socketPath: String) -> LinkProblem? {
        guard let error = error as? ClientError else { return nil }
        switch error {
        case .daemonNotRunning:
            return FileManager.default.fileExists(atPath: socketPath) ? .notListening(path: socketPath) : .noSocket(path: socketPath)
        case .permissionDenied:
            return .permissionDenied(path: socketPath, user: currentUser)
        case .cannotConnect(_, let reason):
            return .other(path: socketPath, reason: reason)
        case .connectionClosed(let message?) where message.hasPrefix("permission denied"):
            return .refused(path: socketPath, user: currentUser)
        default:
            return nil
        }
    }

    /// "kiosk (uid 999)": who runs the front, since the groups to fix are theirs.
    static var currentUser: String {
        let uid = getuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return "\(String(cString: name)) (uid \(uid))"
    }

    /// A client error as the models see it; connection losses are marked as such.
    static func failure(_ error: ClientError) -> Failure {
        switch error {
        case .server(let rpc):
            return Failure(kind: rpc.data?.kind?.rawValue, message: rpc.message,
                           attemptsLeft: rpc.data?.attemptsLeft, retryAfter: rpc.data?.retryAfter, reason: rpc.data?.reason,
                           row: rpc.data?.row, rule: rpc.data?.rule)
        case .connectionClosed, .daemonNotRunning, .cannotConnect, .permissionDenied:
            return Failure(message: "kioskd is not connected", connectionLost: true)
        case .malformedReply, .invalidRequest:
            return Failure(message: "The kiosk could not understand kioskd's reply. Please ask a store employee.")
        }
    }
}
