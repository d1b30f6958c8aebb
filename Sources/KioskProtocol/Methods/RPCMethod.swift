import Foundation

/// One socket method, declared once and shared by the daemon (which serves it), the client
/// (which calls it) and the docs (whose method table is tested against ``Methods/all``).
///
/// A declaration names the method, its parameter and result types and who may call it; the
/// daemon checks ``access`` in one place before its handler runs, so a handler never checks
/// roles, sessions or permissions itself. Every declaration is a ``MethodDeclaration`` value
/// in its area's file under `Methods/`; the protocol is what a list of them has in common.
public protocol RPCMethod: Sendable {
    /// What `params` decodes to.
    associatedtype Params: Codable & Sendable
    /// What `result` holds on success.
    associatedtype Result: Codable & Sendable
    /// The wire name (`payment.submit`).
    var name: String { get }
    /// Who may call it, and inside which session.
    var access: MethodAccess { get }
    /// The parameters whose text may be wrapped over lines (`\n`, `\r`, `\t`); every other
    /// string parameter refuses every control character (PROTOCOL.md "Strings").
    var lineBreakParams: Set<String> { get }
}

/// A socket method: `MethodDeclaration<AccountParams, AccountInfo>("account.get", .customer())`.
public struct MethodDeclaration<Params: Codable & Sendable, Result: Codable & Sendable>: RPCMethod {
    public let name: String
    public let access: MethodAccess
    public let lineBreakParams: Set<String>

    public init(_ name: String, _ access: MethodAccess, lineBreaks: Set<String> = []) {
        self.name = name; self.access = access; lineBreakParams = lineBreaks
    }
}

/// Who may call a method, and whether it acts for a signed-in customer.
public struct MethodAccess: Sendable, Equatable {
    /// The roles admitted at all.
    public enum Callers: Sendable, Equatable {
        /// The front, managers and technicians.
        case everyone
        /// Managers and technicians.
        case staff
        /// Technicians only.
        case technicians
    }

    /// What a call needs from the connection's session.
    public enum Session: Sendable, Equatable {
        /// Nothing: the method is not about a customer's account.
        case none
        /// About one account: the front only inside a signed-in session (for that account,
        /// with any one of `permissions` when some are named); staff for the account they
        /// name, or for their own session's account when they name none.
        case customer([ContactPermission])
        /// Only inside a signed-in session, whoever calls (a customer's own act: paying,
        /// acknowledging a notice), with any one of `permissions` when some are named.
        case signedIn([ContactPermission])
    }

    public var callers: Callers
    public var session: Session

    public init(callers: Callers, session: Session = .none) { self.callers = callers; self.session = session }

    /// Anyone with a role, no session involved (hello, sign-in, the front's captures).
    public static let everyone = MethodAccess(callers: .everyone)
    /// Managers and technicians.
    public static let staff = MethodAccess(callers: .staff)
    /// Technicians only.
    public static let technicians = MethodAccess(callers: .technicians)
    /// A read or act on one customer's account (see ``Session/customer(_:)``); a contact
    /// needs one of `permissions` (none named: any signed-in contact).
    public static func customer(_ permissions: ContactPermission...) -> MethodAccess {
        MethodAccess(callers: .everyone, session: .customer(permissions))
    }
    /// Inside a signed-in session only, with one of `permissions` when some are named.
    public static func signedIn(_ permissions: ContactPermission...) -> MethodAccess {
        MethodAccess(callers: .everyone, session: .signedIn(permissions))
    }

    /// Whether `role` is admitted (sessions are checked after this, with the params).
    public func admits(_ role: Role) -> Bool {
        switch callers {
        case .everyone: return true
        case .staff: return role >= .manager
        case .technicians: return role == .technician
        }
    }

    /// The lowest role admitted, for "add the user to group …" sentences.
    public var lowestRole: Role {
        switch callers {
        case .everyone: return .front
        case .staff: return .manager
        case .technicians: return .technician
        }
    }
}

/// What a signed-in contact's profile lets them do (the sync document's permission names).
public enum ContactPermission: String, Codable, Sendable, CaseIterable {
    case viewBalances = "view_balances"
    case viewOpenItems = "view_open_items"
    case viewStatements = "view_statements"
    case viewCredits = "view_credits"
    case viewHistory = "view_history"
    case pay
    case receiveReceipts = "receive_receipts"
    case manageAutopay = "manage_autopay"

    /// The sentence a contact without this permission reads.
    public var refusal: String {
        switch self {
        case .pay: return "your access does not include paying; ask the account's owner or the store"
        default: return "your access does not include this; ask the account's owner or the store"
        }
    }
}

/// Parameters that may name the account a call is about (the front never needs to: its
/// session decides).
public protocol NamesAccount {
    var account: String? { get }
}

/// Parameters whose other members find the account for staff (a kiosk payment's id), so
/// staff may leave `account` out; the front still acts as its session.
public protocol StaffMayOmitAccount: NamesAccount {}

/// `params` of a method that takes none. Any members sent are ignored, as they always were.
public struct EmptyParams: Codable, Sendable, Equatable {
    public init() {}
}
