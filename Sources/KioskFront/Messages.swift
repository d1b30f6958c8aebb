import Foundation
import KioskProtocol

/// Why a request was sent, so its reply can be read by the screen that asked.
public enum Purpose: String, Sendable, Equatable {
    case signIn, accountInfo, balances, summary, activity, openItems, options, quote
    case captureCard, captureSignature, captureFinish, captureCancel, emulate, submit, signOut, keepAlive, acknowledge
    case statements, credits, history
    case invoiceHistory, invoiceDetail, paymentDetail, currentStatement
    case scheduled, reschedule, cancelScheduled, calendarMonth, calendarDay
    /// A past statement's page, "Send me this", "My documents".
    case pastStatement, sendDocument, documents
    /// Home asks whether paying can succeed for the scope (a quote of nothing), and which
    /// pending payment blocks it (history).
    case payCheck, pendingPayment
    /// The customer changes their own PIN (`pin.change`).
    case pinChange
    /// Payment methods: the list, a change (default, remove), a save, a typed bank account.
    case methods, methodChange, saveMethod, captureBank
    /// Autopay: the rules, a change (move, on/off, delete), the editor's methods, a save, and
    /// the rules' positions for the payment history.
    case autopayList, autopayChange, autopayMethods, autopaySave, autopayPositions
    /// "Print a receipt" after paying (`receipt.print`).
    case printReceipt
}

/// A request for the runtime to send to kioskd. `generation` ties it to one sign-in: a reply
/// that comes back after the customer left is dropped.
public struct Request: Sendable, Equatable {
    public var purpose: Purpose
    public var generation: Int
    public var method: String
    public var params: Data
}

/// What the runtime must do after an update. The update itself touches nothing outside.
public enum Effect: Sendable, Equatable {
    case send(Request)
    /// Clear the whole terminal (after sign-out, so nothing of the customer stays drawn).
    case wipeScreen
    case quit
}

/// A failed request, as much as the front needs of it.
public struct Failure: Sendable, Equatable, Error {
    public var kind: String?
    public var message: String
    public var attemptsLeft: Int?
    public var retryAfter: Int?
    /// `invalid_pin`: the first PIN rule broken (`not_digits`, `length`, `same_digit`, `run`);
    /// `invalid_rule`: why the autopay rule cannot be saved.
    public var reason: String?
    /// `invalid_rule`: the 0-based criteria row at fault; nil for the rule itself.
    public var row: Int?
    /// `permission_denied` on a locked autopay rule: that rule's id.
    public var rule: String?
    /// The connection went away: the "service unavailable" screen handles it.
    public var connectionLost: Bool

    public init(kind: String? = nil, message: String, attemptsLeft: Int? = nil, retryAfter: Int? = nil, reason: String? = nil,
                row: Int? = nil, rule: String? = nil, connectionLost: Bool = false) {
        self.kind = kind; self.message = message; self.attemptsLeft = attemptsLeft; self.retryAfter = retryAfter
        self.reason = reason; self.row = row; self.rule = rule; self.connectionLost = connectionLost
    }
}

/// Everything that can happen to the front.
public enum Input: Sendable, Equatable {
    case key(Key)
    case reply(Purpose, generation: Int, Result<Data, Failure>)
    /// An `event` notification's params, undecoded (decoded leniently by the update).
    case event(Data)
    case connected
    case disconnected
    /// A connection attempt failed for a reason staff can fix (no socket, no permission…):
    /// like `.disconnected`, and the "Service unavailable" screen says which.
    case unreachable(LinkProblem)
    /// Time passes (idle countdowns); the clock itself comes with every update.
    case tick
}

/// Why the front cannot reach kioskd, for the staff line under "Service unavailable".
/// `user` is who runs kiosk-front ("kiosk (uid 999)"), since groups are about them.
public enum LinkProblem: Sendable, Equatable {
    /// Nothing at the socket path (kioskd not started, or `--socket` is wrong).
    case noSocket(path: String)
    /// The socket file is there but nothing answers (kioskd stopped and left it behind).
    case notListening(path: String)
    /// The socket (or a directory above it) is not accessible to this user.
    case permissionDenied(path: String, user: String)
    /// kioskd accepted the connection, then refused this user (no kiosk role).
    case refused(path: String, user: String)
    /// Connected, but kioskd has not answered `hello` for `seconds` (a socket systemd holds
    /// while kioskd.service fails to start, or a daemon that is stuck).
    case notAnswering(path: String, seconds: Int)
    /// Anything else connecting could fail with.
    case other(path: String, reason: String)

    /// Sentences for the technician, shown below the customer's "Service unavailable".
    public var staffText: String {
        switch self {
        case .noSocket(let path):
            return "For staff: no socket at \(path). Start kioskd, or give kiosk-front the right --socket."
        case .notListening(let path):
            return "For staff: kioskd is not running (nothing answers at \(path)). Start kioskd."
        case .permissionDenied(let path, let user):
            return "For staff: permission denied on \(path) for user \(user). Add it to the socket's group (kiosk) and restart kiosk-front."
        case .refused(_, let user):
            return "For staff: kioskd refused user \(user): it has no kiosk role. Add it to group kiosk-front and restart kiosk-front."
        case .notAnswering(let path, let seconds):
            return "For staff: kioskd is not answering (\(seconds) s) at \(path): it took the connection but is starting, failing to start or stuck. See systemctl status kioskd and journalctl -u kioskd."
        case .other(let path, let reason):
            return "For staff: cannot connect to kioskd at \(path): \(reason)."
        }
    }
}

enum Wire {
    static func encode<T: Encodable>(_ value: T) -> Data { (try? JSONEncoder().encode(value)) ?? Data("{}".utf8) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) -> T? { try? JSONDecoder().decode(type, from: data) }
    static let empty = Data("{}".utf8)
}
