import Foundation
import GRDB
import KioskCore

/// A row of `payment`: what a customer submitted and where it is now. Card data is never
/// here: a card swiped now is a sealed capture (by id), a card on file the back office's id.
struct StoredPayment: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "payment"

    /// How the customer pays.
    enum MethodKind: String, Codable, Sendable { case cardOnFile = "card_on_file", capture }

    var id: String
    var account: String
    var job: Int?
    /// Who signed; nil for a payment an autopay rule made.
    var contact: String?
    var amount: Int
    var currency: String
    var state: PaymentState
    /// RFC 3339, whole seconds (text comparison is time order).
    var createdAt: String
    var updatedAt: String
    /// The day it is to run (YYYY-MM-DD); nil: now.
    var payOn: String?
    var methodKind: MethodKind
    var cardOnFile: String?
    var cardCapture: String?
    var methodDescription: String
    /// The customer's signature, terms and binding; nil for a payment an autopay rule made
    /// (its authorisation is the rule's, `autopayAuthorization`).
    var signatureCapture: String?
    var termsSHA256: String?
    var signatureBinding: String?
    var reason: String?
    var message: String?
    var rejectionSeen: Bool = false
    /// For a waiting payment: the pending one it waits for.
    var waitingFor: String?
    /// A manager here confirmed processing over another payment's invoices.
    var overlapConfirmed: Bool = false
    /// A payment an autopay rule made: the rule's id, the authorisation signed here for it
    /// (nil for a back-office rule), and its once-only key (`day|rule|scope`).
    var autopayRule: String? = nil
    var autopayAuthorization: Int64? = nil
    var autopayKey: String? = nil
    /// How it pays, for reports by method: `card_on_file`, `bank_account_on_file`,
    /// `card_swiped` or `bank_account_typed` (migration 014).
    var methodType: String? = nil

    enum CodingKeys: String, CodingKey {
        case id, account, job, contact, amount, currency, state
        case createdAt = "created_at", updatedAt = "updated_at", payOn = "pay_on", methodKind = "method_kind"
        case cardOnFile = "card_on_file", cardCapture = "card_capture", methodDescription = "method_description"
        case signatureCapture = "signature_capture", termsSHA256 = "terms_sha256", signatureBinding = "signature_binding"
        case reason, message, rejectionSeen = "rejection_seen", waitingFor = "waiting_for", overlapConfirmed = "overlap_confirmed"
        case autopayRule = "autopay_rule", autopayAuthorization = "autopay_authorization", autopayKey = "autopay_key"
        case methodType = "method_type"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let account = Column(CodingKeys.account)
        static let state = Column(CodingKeys.state)
        static let createdAt = Column(CodingKeys.createdAt)
        static let updatedAt = Column(CodingKeys.updatedAt)
        static let waitingFor = Column(CodingKeys.waitingFor)
        static let cardCapture = Column(CodingKeys.cardCapture)
        static let signatureCapture = Column(CodingKeys.signatureCapture)
        static let rejectionSeen = Column(CodingKeys.rejectionSeen)
    }

    /// The capture column a capture of `kind` is recorded in.
    /// A card or bank capture pays (card_capture); a signature signs.
    static func column(for kind: PaymentCaptureRule.Kind) -> Column { kind == .signature ? Columns.signatureCapture : Columns.cardCapture }

    /// The payment as managers and customers see it, with its lines.
    func record(_ db: Database) throws -> PaymentRecord {
        let lines = try StoredPaymentLine.filter(StoredPaymentLine.Columns.payment == id)
            .order(StoredPaymentLine.Columns.position).fetchAll(db)
            .map { QuoteLine(id: $0.item, amount: $0.amount, locked: $0.locked) }
        return PaymentRecord(id: id, account: account, job: job, contact: contact, amount: amount, currency: currency,
                             state: state, createdAt: createdAt, payOn: payOn, methodDescription: methodDescription,
                             reason: reason, message: message, rejectionSeen: rejectionSeen, waitingFor: waitingFor, autopayRule: autopayRule, lines: lines)
    }
}

/// A row of `payment_line`: one invoice (item id), `finance_charges` or `balance`.
struct StoredPaymentLine: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "payment_line"

    var payment: String
    var item: String
    var amount: Int
    var locked: Bool
    var position: Int

    enum Columns {
        static let payment = Column(CodingKeys.payment)
        static let item = Column(CodingKeys.item)
        static let amount = Column(CodingKeys.amount)
        static let position = Column(CodingKeys.position)
    }
}

extension PaymentState: DatabaseValueConvertible {}
