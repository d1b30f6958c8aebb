import Foundation

/// Where a kiosk payment is in its life (DOMAIN.md "Paying"). The raw values are the words
/// the database and the protocol use.
///
/// ```
/// submit ─┬─ today ─────────→ pending ──process──→ processed
///         └─ later day ─────→ scheduled ─(its day)─→ pending, or waiting while another
///                                                    payment of its scope is pending
/// pending, scheduled, waiting ──reject──→ rejected ──process──→ processed
/// pending, scheduled, waiting, rejected ──delete──→ deleted (gone for the customer)
/// ```
public enum PaymentState: String, Sendable, Codable, CaseIterable {
    case pending, scheduled, waiting, processed, rejected, deleted

    /// Not yet decided: the states `PaymentQueue` settles (one pending per scope).
    public static let undecided: Set<PaymentState> = [.pending, .scheduled, .waiting]

    /// The states in which a payment covers its lines, so they cannot be paid again.
    public static let covering: Set<PaymentState> = [.pending, .scheduled, .waiting, .processed]

    /// Sent to the back office and not settled there yet: whose status the relay polls.
    public static let awaitingOutcome: Set<PaymentState> = [.pending, .scheduled, .waiting, .rejected]

    /// Whether the payment has a day of its own still to come (its `pay_on` is shown).
    public var isDated: Bool { self == .scheduled || self == .waiting }

    /// Listed only when asked for by state; everywhere else it is gone.
    public var isHidden: Bool { self == .deleted }
}

/// What a manager, a customer or the back office may do to a payment once submitted, and from
/// which states (one table instead of a set per store function).
public enum PaymentChange: Sendable, Equatable {
    /// Fixes the amount: it becomes an unapplied credit on the account.
    case process
    /// Shown to the customer with a reason and a message until acknowledged.
    case reject
    /// Gone for the customer; the audit log keeps that it happened.
    case delete
    /// The customer's delete of their own payment that has not run yet.
    case cancel
    /// Moved to another day.
    case reschedule(to: LocalDate)

    /// The states this change may start from.
    public var allowedFrom: Set<PaymentState> {
        switch self {
        case .process: [.pending, .rejected]
        case .reject, .delete: [.pending, .scheduled, .waiting, .rejected]
        case .cancel, .reschedule: [.scheduled, .waiting]
        }
    }

    /// The word for the audit log: "payment P processed", "… rescheduled to 2026-12-05".
    public var verb: String {
        switch self {
        case .process: "processed"
        case .reject: "rejected"
        case .delete: "deleted"
        case .cancel: "cancelled"
        case .reschedule(let day): "rescheduled to \(day)"
        }
    }

    /// Why `payment` (in `state`) cannot take this change, or nil when it can.
    public func problem(payment: String, state: PaymentState) -> PaymentProblem? {
        guard !allowedFrom.contains(state) else { return nil }
        let word = verb.split(separator: " ").first.map(String.init) ?? "changed"
        return PaymentProblem(.conflict, "payment \(payment) is \(state.rawValue), so it cannot be \(word)")
    }
}
