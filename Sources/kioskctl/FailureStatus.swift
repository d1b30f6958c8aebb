import ArgumentParser
import KioskClient
import KioskProtocol
import KioskSystem

/// The one place kioskctl decides its exit status (README "Command line", kioskctl(1)).
enum FailureStatus {
    /// What `kioskctl --help` and the manual page say about each status.
    static let causes: [ExitStatus: String] = [
        .usage: "bad command line: unknown option or subcommand, a value that does not parse",
        .dataError: "kioskd refused the request's data: unknown account, contact or payment (not_found), invalid parameters, conflict, invalid amount, PIN or autopay rule; or a local file (sync document, strokes, key file) that is not what it must be",
        .noInput: "a file named on the command line does not exist or cannot be read",
        .unavailable: "kioskd cannot be reached (not running, wrong --socket) or said it cannot do it now: storage_unavailable, busy, device_unavailable, not_provisioned, payments_disabled",
        .software: "an internal error in kioskd or kioskctl, or a kioskd whose replies this kioskctl cannot read",
        .noPermission: "your groups do not allow it: no access to the socket, no role, or a role without this command (permission_denied, not_signed_in, session_expired, locked_out)",
        .cannotCreate: "backup, diagnose: the output file exists (use --force) or its directory cannot be written",
        .ioError: "backup: the copy received does not match kioskd's, or cannot be written in full",
    ]

    /// The status for a failure kioskctl reports as one sentence.
    static func of(_ error: any Error) -> ExitStatus {
        switch error {
        case let error as ClientError: return of(error)
        case let error as CommandFailure: return error.status
        case let error as RPCError: return of(error)
        case is ValidationError: return .usage
        default: return .software
        }
    }

    static func of(_ error: ClientError) -> ExitStatus {
        switch error {
        case .daemonNotRunning, .cannotConnect: return .unavailable
        case .permissionDenied: return .noPermission
        // kioskd writes a line before closing only when it refuses a peer without a role.
        case .connectionClosed(let message): return message == nil ? .unavailable : .noPermission
        case .server(let rpc): return of(rpc)
        case .malformedReply, .invalidRequest: return .software
        }
    }

    static func of(_ error: RPCError) -> ExitStatus {
        if let kind = error.data?.kind {
            switch kind {
            case .permissionDenied, .notSignedIn, .sessionExpired, .lockedOut: return .noPermission
            case .notFound, .conflict, .invalidAmount, .invalidPIN, .invalidRule: return .dataError
            case .notProvisioned, .deviceUnavailable, .paymentsDisabled, .storageUnavailable, .busy: return .unavailable
            }
        }
        switch error.code {
        case RPCError.invalidParamsCode: return .dataError
        // An unknown method is a kioskd of another version; the rest are bugs on one side.
        default: return .software
        }
    }
}
