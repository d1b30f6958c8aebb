import Foundation
import KioskCore
import KioskDevices
import KioskProtocol
import KioskStore

/// A payment's receipt as the printer prints it, from what the kiosk keeps: the payment row
/// (the card only masked), the account (invoice numbers, job names), the branch (its zone and
/// name) and `[receipt]` (the store's name, address and footer).
enum ReceiptContent {
    static func make(_ payment: PaymentRecord, card: (brand: String?, last4: String?), stored: StoredAccount,
                     settings: ReceiptSettings) -> Receipt {
        let money = { (minor: Int) in MoneyFormat.format(minor, currency: payment.currency) }
        let zone = TimeZone(identifier: stored.branch.timeZone) ?? TimeZone(identifier: "UTC")!
        let items = Dictionary(stored.account.items.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let invoices = payment.lines.map { line -> Receipt.Invoice in
            let name = switch line.id {
            case QuoteLine.financeChargesID: "Finance charges"
            case QuoteLine.balanceID: "On account"
            default: items[line.id].map { "Invoice \($0.number)" } ?? "Item \(line.id)"
            }
            return Receipt.Invoice(number: name, amount: money(line.amount))
        }
        let job = payment.job.map { number in
            stored.account.jobs.first { $0.number == number }.map { "\(number) \($0.name)" } ?? "\(number)"
        }
        let who = stored.account.company ?? stored.account.name
        return Receipt(storeName: settings.storeName ?? stored.branch.name, addressLines: settings.address,
                       printedAt: DocumentHandlers.localTime(payment.createdAt, in: zone),
                       account: "\(stored.account.number) \(who)", job: job, paymentID: payment.id,
                       amount: money(payment.amount), method: method(payment, card: card), invoices: invoices,
                       stateLine: stateLine(payment), footerLines: settings.footer)
    }

    /// "VISA •••• 1111" from the masked card, else the payment's own description (a bank
    /// account's "ACCOUNT ENDING 6789"). Only a brand and four digits ever reach the printer.
    /// (CP858 has no bullet: the encoder prints asterisks there.)
    static func method(_ payment: PaymentRecord, card: (brand: String?, last4: String?)) -> String {
        if let last4 = card.last4, last4.count == 4, last4.allSatisfy(\.isNumber) {
            let brand = (card.brand ?? "card").uppercased().filter { $0.isLetter || $0 == " " }
            return "\(brand.isEmpty ? "CARD" : brand) •••• \(last4)"
        }
        return payment.methodDescription
    }

    static func stateLine(_ payment: PaymentRecord) -> String {
        switch payment.state {
        case .pending, .waiting: Receipt.pendingApproval
        case .scheduled: "Scheduled for \(payment.payOn ?? "a later day"), pending approval by the store"
        case .processed: "Processed by the store"
        case .rejected: "Not accepted by the store"
        case .deleted: "Cancelled"
        }
    }
}
