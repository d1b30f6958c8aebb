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
            do {
                try await KioskClient.withConnection(socketPath: socketPath, onNotification: { note in
                    switch note {
                    case .event(let data): inbox.post(.event(data))
                    case .closed: continuation.finish()
                    }
                }) { client in
                    _ = try await client.hello()  // the daemon really answers (and lets us in)
                    // A card swiped with no capture running (on the welcome screen) is told
                    // to us, never its data, so the screen can say what to do instead.
                    _ = try? await client.callRaw(method: "events.subscribe", paramsJSON: Data(#"{"types":["swipe.unclaimed"]}"#.utf8))
                    self.lock.withLock { self.current = continuation }
                    inbox.post(.connected)
                    await withTaskGroup(of: Void.self) { group in
                        for await request in stream {
                            group.addTask { inbox.post(await Self.perform(request, on: client)) }
                        }
                    }
                }
            } catch {
                // Not running, refused, or gone: wait and try again.
            }
            lock.withLock { current = nil }
            continuation.finish()
            inbox.post(.disconnected)
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

    /// A client error as the models see it; connection losses are marked as such.
    static func failure(_ error: ClientError) -> Failure {
        switch error {
        case .server(let rpc):
            return Failure(kind: rpc.data?.kind?.rawValue, message: rpc.message,
                           attemptsLeft: rpc.data?.attemptsLeft, retryAfter: rpc.data?.retryAfter)
        case .connectionClosed, .daemonNotRunning, .cannotConnect, .permissionDenied:
            return Failure(message: "kioskd is not connected", connectionLost: true)
        case .malformedReply, .invalidRequest:
            return Failure(message: "The kiosk could not understand kioskd's reply. Please ask a store employee.")
        }
    }
}
