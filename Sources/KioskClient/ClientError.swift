import Foundation
import KioskProtocol

/// Everything that can go wrong talking to kioskd, each as a sentence a person can act on.
public enum ClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the path (no such file, or a stale socket file).
    case daemonNotRunning(socketPath: String)
    /// The socket (or its directory) is not accessible to this user.
    case permissionDenied(socketPath: String)
    /// Connecting failed for another reason (path too long, not a socket, …).
    case cannotConnect(socketPath: String, reason: String)
    /// The daemon closed the connection before replying. When it wrote an error line first
    /// (it does so when it refuses a peer without a role), that line's message is kept.
    case connectionClosed(daemonMessage: String?)
    /// The daemon answered with an error; its message is shown verbatim.
    case server(RPCError)
    /// A reply could not be read (not JSON, wrong shape, line too long).
    case malformedReply(String)
    /// The request could not be written as JSON (a programming error in the caller).
    case invalidRequest(String)

    public var description: String {
        switch self {
        case .daemonNotRunning(let path):
            return "kioskd is not running or the socket path is wrong: \(path) (start it with `systemctl start kioskd`, or pass --socket)"
        case .permissionDenied(let path):
            return "permission denied on \(path): the socket is for group kiosk; add your user to group kiosk and to kiosk-manager (managers) or kiosk-tech (technicians), then log in again"
        case .cannotConnect(let path, let reason):
            return "cannot connect to kioskd at \(path): \(reason)"
        case .connectionClosed(let message?):
            return "kioskd closed the connection: \(message)"
        case .connectionClosed(nil):
            return "kioskd closed the connection before replying (see its log: `journalctl -u kioskd`)"
        case .server(let error):
            return error.message
        case .malformedReply(let detail):
            return "kioskd sent a reply this kioskctl cannot read (\(detail)); check that kioskd and kioskctl are the same version"
        case .invalidRequest(let detail):
            return "could not write the request: \(detail)"
        }
    }

    /// The daemon's error, when the failure came from it.
    public var rpcError: RPCError? {
        if case .server(let error) = self { return error }
        return nil
    }
}

extension ClientError: LocalizedError {
    public var errorDescription: String? { description }
}
