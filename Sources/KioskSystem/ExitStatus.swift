/// The exit statuses every kioskpay binary uses, from BSD's sysexits.h, so a script or a unit's
/// `RestartPreventExitStatus=` can tell a typo in a command from a daemon that is down.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    /// EX_USAGE: the command line is wrong (unknown option, bad value, missing argument).
    case usage = 64
    /// EX_DATAERR: the input was read but is wrong (unknown account, bad amount, refused PIN).
    case dataError = 65
    /// EX_NOINPUT: an input file does not exist or cannot be read.
    case noInput = 66
    /// EX_UNAVAILABLE: a service needed is not there (kioskd down, storage or device unavailable).
    case unavailable = 69
    /// EX_SOFTWARE: an internal error (a bug, or a kioskd of another version).
    case software = 70
    /// EX_CANTCREAT: an output file cannot be created.
    case cannotCreate = 73
    /// EX_IOERR: the database or another file could not be read or written.
    case ioError = 74
    /// EX_NOPERM: the caller's role or groups do not allow it.
    case noPermission = 77
    /// EX_CONFIG: the configuration is refused.
    case config = 78

    /// The six every manual page lists, whether or not that binary can return each one.
    public static let documented: [ExitStatus] = [.usage, .dataError, .unavailable, .software, .noPermission, .config]

    /// The status's name in sysexits.h, e.g. `EX_USAGE`.
    public var symbol: String {
        switch self {
        case .success: return "EX_OK"
        case .usage: return "EX_USAGE"
        case .dataError: return "EX_DATAERR"
        case .noInput: return "EX_NOINPUT"
        case .unavailable: return "EX_UNAVAILABLE"
        case .software: return "EX_SOFTWARE"
        case .cannotCreate: return "EX_CANTCREAT"
        case .ioError: return "EX_IOERR"
        case .noPermission: return "EX_NOPERM"
        case .config: return "EX_CONFIG"
        }
    }

    /// The "Exit status:" block of a command's help and manual page: every documented status,
    /// with `causes` saying what makes this binary return it (a status it never returns says so),
    /// plus the extra statuses `causes` names.
    public static func helpText(program: String, causes: [ExitStatus: String]) -> String {
        let shown = ([.success] + documented + causes.keys.filter { !documented.contains($0) && $0 != .success })
            .sorted { $0.rawValue < $1.rawValue }
        var lines = ["Exit status (sysexits.h):"]
        for status in shown {
            let cause = causes[status] ?? (status == .success ? "success" : "not returned by \(program)")
            let code = String(status.rawValue)
            lines.append("  \(code)\(String(repeating: " ", count: 4 - code.count))\(status.symbol): \(cause)")
        }
        return lines.joined(separator: "\n")
    }
}
