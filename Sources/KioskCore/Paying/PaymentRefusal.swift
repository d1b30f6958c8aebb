import Foundation

/// A refused payment request or change, as thrown by the store: the typed problem (its kind
/// and the customer's sentence) and, for a rejected payment whose lines are paid again, what
/// overlaps. The daemon maps `problem.kind` to the protocol's error kind; nothing on the way
/// turns it into a string and back.
public struct PaymentRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var problem: PaymentProblem
    /// Processing a rejected payment would pay these again (the refusal's `data`).
    public var overlap: PaymentOverlap?

    public init(_ problem: PaymentProblem, overlap: PaymentOverlap? = nil) { self.problem = problem; self.overlap = overlap }

    public var kind: PaymentProblem.Kind { problem.kind }
    public var message: String { problem.message }
    public var description: String { problem.message }
}

/// Another payment already covers some of what a rejected payment paid for.
public struct PaymentOverlap: Sendable, Equatable {
    public var payments: [String]
    /// Item ids (or `finance_charges`).
    public var items: [String]
    /// "invoice 40117", "the finance charges", in the order of `items`.
    public var described: [String]

    public init(payments: [String], items: [String], described: [String]) {
        self.payments = payments; self.items = items; self.described = described
    }

    /// How an overlapping line is named to a manager: an invoice by its number (`nil` when
    /// the item is not on the account any more), the finance charges by name.
    public static func describe(item: String, number: String?) -> String {
        if item == QuoteLine.financeChargesID { return "the finance charges" }
        return number.map { "invoice \($0)" } ?? "item \(item)"
    }
}

/// The sentences of the store's refusals, in one place (the store only picks one).
extension PaymentProblem {
    // Submit.
    public static let accountGone = PaymentProblem(.notFound, "this account is not on the kiosk any more; please see the store")
    public static let contactRevoked = PaymentProblem(.permissionDenied, "you can no longer pay on this account; please see the store")
    public static let mayNotPay = PaymentProblem(.permissionDenied, "your access does not include paying; ask the account's owner or the store")
    public static let nothingToPay = PaymentProblem(.invalidAmount, "there is nothing to pay")
    public static let termsChanged = PaymentProblem(.conflict, "the terms have changed since they were shown; please read and accept them again")
    public static let cardOnFileUnusable = PaymentProblem(.notFound, "that card on file cannot be used for this payment; choose another method")
    public static let bankAccountUnusable = PaymentProblem(.notFound, "that bank account on file cannot be used for this payment; choose another method")
    public static let noPaymentNumber = PaymentProblem(.busy, "the kiosk could not make a payment number; please try again")

    /// The job asked for does not fit the account (`FigureScope`'s own sentence).
    public static func scope(_ error: ScopeError) -> PaymentProblem { PaymentProblem(.notFound, error.description) }

    // Post-processing.
    public static let noSuchPayment = PaymentProblem(.notFound, "there is no payment with that id; check the id in the list")
    public static let paymentVanished = PaymentProblem(.notFound, "there is no payment with that id")
    public static let noSuchRejection = PaymentProblem(.notFound, "there is no rejected payment with that id on this account")
    /// Rescheduling a payment whose account (or branch) a sync removed.
    public static let accountGoneForReschedule = PaymentProblem(.notFound, "This account is not on the kiosk any more.")

    /// Processing rejected payment `payment` would charge its lines twice.
    public static func overlap(_ payment: String, _ overlap: PaymentOverlap) -> PaymentProblem {
        PaymentProblem(.conflict, "Payment \(payment) was rejected, and \(overlap.described.joined(separator: ", ")) "
            + "\(overlap.items.count == 1 ? "is" : "are") now being paid by payment \(overlap.payments.joined(separator: ", ")): "
            + "processing it would charge twice. Confirm the overlap to process it anyway.")
    }

    // Outbox.
    public static let noDeadOutboxEntry = PaymentProblem(.notFound, "there is no dead outbox entry with that id")
}
