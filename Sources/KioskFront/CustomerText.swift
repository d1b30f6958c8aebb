import Foundation
import KioskProtocol

/// Every sentence a customer reads is written for them (docs/DOMAIN-READINGS.md, "The
/// front"): capitalised and ending with a full stop, money in the kiosk's locale, and no
/// internal ids except the short payment id. kioskd's sentences are written for people too,
/// but for any reader (money as "120.00 USD"), so the front rewrites them here.
public enum CustomerText {
    /// A kioskd sentence as the customer reads it: amounts in the locale's money format, the
    /// first letter capitalised, a full stop at the end.
    public static func sentence(_ text: String, _ format: LocaleFormat) -> String {
        var body = text.trimmingCharacters(in: .whitespacesAndNewlines)
        // kioskd's "120.00 USD": an amount with its ISO currency.
        body = body.replacing(/(-?)(\d+)\.(\d{2,3}) ([A-Z]{3})\b/) { match in
            let (_, sign, whole, fraction, currency) = match.output
            let digits = LocaleFormat.fractionDigits(String(currency))
            guard fraction.count == digits, let units = Int(whole), let cents = Int(fraction) else { return String(match.output.0) }
            var scale = 1
            for _ in 0..<digits { scale *= 10 }
            let minor = (units * scale + cents) * (sign.isEmpty ? 1 : -1)
            return format.money(minor, String(currency))
        }
        return capitalised(body)
    }

    /// First letter upper-case, a full stop unless the text already ends a sentence.
    public static func capitalised(_ text: String) -> String {
        guard let first = text.first else { return text }
        let body = first.uppercased() + text.dropFirst()
        return [".", "!", "?", "…"].contains(body.last!) ? body : body + "."
    }

    /// The reason a store gives for a rejection, as the customer reads it.
    public static func rejectionReason(_ reason: String?) -> String {
        switch reason {
        case "account_issue_call": "Account issue – please call the store"
        case "payment_issue_call": "Payment issue – please call the store"
        default: "Please call the store"
        }
    }

    /// A payment's state as a short label (history, the done screen): the state, and the day
    /// a scheduled payment runs or the payment a waiting one waits for.
    public static func status(state: String, payOn: String?, waitingFor: String?, _ format: LocaleFormat) -> String {
        switch state {
        case "processed": return "Accepted"
        case "pending": return "Pending"
        case "scheduled": return payOn.map { "Scheduled for \(format.date($0))" } ?? "Scheduled"
        case "waiting": return waitingFor.map { "Waiting for \($0)" } ?? "Waiting"
        case "rejected": return "Rejected"
        case "deleted": return "Cancelled"
        default:
            let words = state.replacingOccurrences(of: "_", with: " ")
            return words.prefix(1).uppercased() + words.dropFirst()
        }
    }

    /// An item's kind as a customer reads it ("credit_memo": "Credit memo").
    public static func itemKind(_ kind: String) -> String {
        switch kind {
        case "payment": return "Payment"
        case "": return "Item"
        default:
            let words = kind.replacingOccurrences(of: "_", with: " ")
            return words.prefix(1).uppercased() + words.dropFirst()
        }
    }

    /// A payment method as the back office or the kiosk wrote it ("check", "CARD ENDING IN
    /// 4242"): capitalised, otherwise as written.
    public static func method(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    /// A failed request's sentence for the customer. Kinds whose kioskd sentence is written
    /// for the customer keep it (rewritten); the others get the front's own sentence, since
    /// their text is for staff (storage errors, device ids, parameter paths).
    public static func failure(_ failure: Failure, _ format: LocaleFormat, fallback: String) -> String {
        switch failure.kind {
        case ErrorKind.conflict.rawValue?, ErrorKind.invalidAmount.rawValue?, ErrorKind.notFound.rawValue?:
            return sentence(failure.message, format)
        case ErrorKind.paymentsDisabled.rawValue?:
            return storeTakesNoPayments
        case ErrorKind.storageUnavailable.rawValue?:
            return "The kiosk cannot save right now, so nothing was changed. Please ask a store employee."
        case ErrorKind.permissionDenied.rawValue?:
            return "Your access does not include this. Please ask the account's owner or a store employee."
        case ErrorKind.busy.rawValue?:
            return "The kiosk is busy. Please wait a moment and try again."
        default:
            return fallback
        }
    }

    static let storeTakesNoPayments = "This store does not take payments at the kiosk. Please pay at the counter."
}

/// Why "Pay" is not offered for the scope on show (DOMAIN.md "Paying": the branch must take
/// online payments; one pending payment per account, per job).
public enum PayBlock: Sendable, Equatable {
    case storeTakesNoPayments
    /// A payment of this scope is still pending: its short id and amount when known.
    case pending(id: String?, amount: Int?)

    func sentence(_ money: (Int) -> String) -> String {
        switch self {
        case .storeTakesNoPayments:
            return CustomerText.storeTakesNoPayments
        case .pending(let id?, let amount?):
            return "Your payment \(id) of \(money(amount)) is still being processed. You can pay again once the store has processed it."
        case .pending(let id?, nil):
            return "Your payment \(id) is still being processed. You can pay again once the store has processed it."
        case .pending(nil, _):
            return "A payment you made is still being processed. You can pay again once the store has processed it."
        }
    }
}
