import Foundation

/// Why a manager rejects a payment: the customer is asked to call about the account or about
/// the payment (PROTOCOL.md `payment.reject`).
public enum RejectionReason: String, Sendable, CaseIterable {
    case accountIssueCall = "account_issue_call"
    case paymentIssueCall = "payment_issue_call"
}

/// A manager's rejection as the customer will see it: a reason from the list and a message,
/// trimmed, 1–500 characters, with nothing that looks like a card number (the message is
/// stored, shown on the kiosk and sent to the back office).
public struct PaymentRejection: Sendable, Equatable {
    public static let messageLength = 1...500

    public var reason: RejectionReason
    public var message: String

    /// Checks a manager's reason and message. `looksLikeCardNumber` is the protocol's screen
    /// for card-like text (Core does not duplicate it).
    public init(reason: String, message: String, looksLikeCardNumber: (String) -> Bool) throws(PaymentRefusal) {
        guard let reason = RejectionReason(rawValue: reason) else {
            let names = RejectionReason.allCases.map(\.rawValue).joined(separator: " or ")
            throw PaymentRefusal(PaymentProblem(.invalidParams, "reason must be \(names)", parameter: "reason"))
        }
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Self.messageLength.contains(text.count), !looksLikeCardNumber(text) else {
            throw PaymentRefusal(PaymentProblem(.invalidParams, "the message must be 1–500 characters the customer can read, with no card number",
                                                parameter: "message"))
        }
        self.reason = reason
        self.message = text
    }
}
