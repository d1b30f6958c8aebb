import Foundation

/// When a sealed capture may pay for a payment: it is of the kind asked for, at most
/// `maximumAge` old, and no payment has used it yet (a swipe or a signature pays once).
public enum PaymentCaptureRule {
    /// The captures a payment is made with: a card swiped now and the customer's signature.
    public enum Kind: String, Sendable, CaseIterable {
        /// `bank`: a bank account typed at the kiosk pays as a swiped card does.
        case card, signature, bank
    }

    /// A capture older than this is refused: the customer swipes or signs again.
    public static let maximumAge: TimeInterval = 15 * 60

    /// What is known of the capture named by the request (nil: no such capture).
    public struct Found: Sendable, Equatable {
        public var kind: String
        public var capturedAt: Date?
        public var usedByAPayment: Bool
        public init(kind: String, capturedAt: Date?, usedByAPayment: Bool) {
            self.kind = kind; self.capturedAt = capturedAt; self.usedByAPayment = usedByAPayment
        }
    }

    /// Why `found` cannot be the payment's `expected` capture at `now`, or nil when it can.
    /// A capture whose time cannot be read counts as too old.
    public static func problem(expected: Kind, found: Found?, now: Date) -> PaymentProblem? {
        let card = expected != .signature
        guard let found else { return missing(expected) }
        guard found.kind == expected.rawValue else {
            return PaymentProblem(.invalidParams, card ? "that capture is not a card swipe" : "that capture is not a signature")
        }
        guard let at = found.capturedAt, now.timeIntervalSince(at) <= maximumAge else {
            return PaymentProblem(.conflict, card ? "the card swipe is too old; please swipe again" : "the signature is too old; please sign again")
        }
        guard !found.usedByAPayment else {
            return PaymentProblem(.conflict, card ? "that card swipe was already used for a payment; please swipe again"
                                                  : "that signature was already used for a payment; please sign again")
        }
        return nil
    }

    /// The request names a capture that is not stored.
    public static func missing(_ expected: Kind) -> PaymentProblem {
        PaymentProblem(.notFound, expected != .signature ? "the card swipe was not found; please swipe again" : "the signature was not found; please sign again")
    }

    /// How a swiped card is named on the payment: by its last four digits from the masked view.
    public static func methodDescription(masked: [String: String]?) -> String {
        if let masked, masked["account_type"] != nil { return PaymentMethodRules.bankDescription(last4: masked["last4"] ?? "????") }
        return masked.map { "CARD ENDING IN \($0["last4"] ?? "????")" } ?? "CARD SWIPED AT THE KIOSK"
    }
}
