import Dispatch
import KioskClient
import KioskProtocol
import KioskSystem

/// `kiosk-front --check`: connect to kioskd once, without the screen, and say in one sentence
/// whether the front would be served, so a technician (or the unit's ExecStartPre) learns
/// which of "nothing listens" and "not in the socket's group" it is instead of watching
/// "Service unavailable" forever.
enum StartupCheck {
    /// What `kiosk-front --help` and kiosk-front(1) say about each exit status.
    static let causes: [ExitStatus: String] = [
        .usage: "bad command line: unknown option, a bad --exit-sequence, --kiosk without --exit-sequence, a --socket path too long for a Unix socket",
        .unavailable: "with --check: kioskd cannot be reached at --socket (not running, wrong path)",
        .software: "with --check: kioskd's answer cannot be read (another version), or an internal error",
        .noPermission: "with --check: the user is not in the socket's group, or kioskd gives it no role",
        .config: "no UTF-8 locale is installed, so the screen cannot be drawn",
    ]

    /// The result of one connection: the exit status and the sentence to print.
    static func run(socketPath: String) -> (status: ExitStatus, sentence: String) {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            defer { done.signal() }
            do {
                let hello = try await KioskClient.withConnection(socketPath: socketPath) { client in try await client.hello() }
                outcome.set(.success, "kioskd \(hello.version) answers at \(socketPath); role \(hello.role.rawValue)")
            } catch let error as ClientError {
                outcome.set(status(of: error), error.description)
            } catch {
                outcome.set(.software, String(describing: error))
            }
        }
        done.wait()
        return outcome.value
    }

    static func status(of error: ClientError) -> ExitStatus {
        switch error {
        case .daemonNotRunning, .cannotConnect: return .unavailable
        case .permissionDenied: return .noPermission
        // kioskd writes a line before closing only when it refuses a peer without a role.
        case .connectionClosed(let message): return message == nil ? .unavailable : .noPermission
        case .server(let rpc): return rpc.data?.kind == .permissionDenied ? .noPermission : .software
        case .malformedReply, .invalidRequest: return .software
        }
    }

    /// Written once by the task, read after the semaphore: the lock orders the two.
    private final class Outcome: @unchecked Sendable {
        private let lock = DispatchSemaphore(value: 1)
        private var stored: (ExitStatus, String) = (.software, "no answer")
        func set(_ status: ExitStatus, _ sentence: String) { lock.wait(); stored = (status, sentence); lock.signal() }
        var value: (status: ExitStatus, sentence: String) { lock.wait(); defer { lock.signal() }; return stored }
    }
}
