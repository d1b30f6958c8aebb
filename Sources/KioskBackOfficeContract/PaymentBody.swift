import Foundation

/// `POST /v1/kiosks/{kiosk}/payments` (outbox topic `payment`): a payment taken at the kiosk,
/// schema `Payment` in docs/backoffice-api.yaml. Written once, in the submit's transaction,
/// and sent as written on every attempt.
public struct PaymentBody: Sendable, Equatable, Codable {
    /// An invoice (or `finance_charges`, or `balance`) and the amount paid on it, minor units.
    public struct Line: Sendable, Equatable, Codable {
        public var id: String
        public var amount: Int
        public init(id: String, amount: Int) { self.id = id; self.amount = amount }
    }

    /// How the customer paid: `{"card_on_file": id}`, `{"bank_account": id}` (a bank account
    /// on file) or `{"capture": id}` (then `card` holds a swiped card, or `bank_account` a
    /// typed bank account).
    public enum Method: Sendable, Equatable, Codable {
        case cardOnFile(String)
        case capture(String)
        case bankAccount(String)

        enum CodingKeys: String, CodingKey { case cardOnFile = "card_on_file", capture, bankAccount = "bank_account" }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let id = try c.decodeIfPresent(String.self, forKey: .cardOnFile) { self = .cardOnFile(id) }
            else if let id = try c.decodeIfPresent(String.self, forKey: .bankAccount) { self = .bankAccount(id) }
            else { self = .capture(try c.decode(String.self, forKey: .capture)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .cardOnFile(let id): try c.encode(id, forKey: .cardOnFile)
            case .capture(let id): try c.encode(id, forKey: .capture)
            case .bankAccount(let id): try c.encode(id, forKey: .bankAccount)
            }
        }
    }

    /// The kiosk's temporary id (6 characters, no 0/O/1/I).
    public var payment: String
    public var kiosk: String
    public var account: String
    public var job: Int?
    /// Who signed. A payment an autopay rule made: the contact who authorised the rule here,
    /// absent for a rule the back office made.
    public var contact: String?
    /// Minor units.
    public var amount: Int
    public var currency: String
    /// `pending` or `scheduled`.
    public var state: String
    /// YYYY-MM-DD, for a payment dated at submit.
    public var payOn: String?
    /// RFC 3339 instant.
    public var createdAt: String
    public var lines: [Line]
    public var method: Method
    public var methodDescription: String?
    /// The sealed card swipe, when `method` is a card capture.
    public var card: SealedEnvelope?
    /// The sealed bank account (routing and account number), when `method` is a bank capture.
    public var bankAccount: SealedEnvelope?
    /// The customer's signature, the terms' hash and the binding. Always present on a
    /// customer's payment; on an autopay payment, those of the rule's authorisation made here
    /// (the binding binds the rule, see ``AutopayRuleBody``), absent for a back-office rule.
    public var signature: SealedEnvelope?
    public var termsSHA256: String?
    public var signatureBinding: String?
    /// The autopay rule that made this payment (none for a customer's payment).
    public var autopayRule: String?

    public init(payment: String, kiosk: String, account: String, job: Int?, contact: String?, amount: Int, currency: String,
                state: String, payOn: String?, createdAt: String, lines: [Line], method: Method, methodDescription: String?,
                card: SealedEnvelope?, signature: SealedEnvelope?, termsSHA256: String?, signatureBinding: String?, autopayRule: String? = nil) {
        self.payment = payment; self.kiosk = kiosk; self.account = account; self.job = job; self.contact = contact
        self.amount = amount; self.currency = currency; self.state = state; self.payOn = payOn; self.createdAt = createdAt
        self.lines = lines; self.method = method; self.methodDescription = methodDescription; self.card = card
        self.signature = signature; self.termsSHA256 = termsSHA256; self.signatureBinding = signatureBinding
        self.autopayRule = autopayRule
    }

    /// What a back office refuses before reading further: a customer's payment (no
    /// `autopay_rule`) without its contact, signature, terms hash or binding. Nil: complete.
    public var missingAuthorization: String? {
        guard autopayRule == nil else { return nil }
        let missing = [("contact", contact == nil), ("signature", signature == nil), ("terms_sha256", termsSHA256 == nil),
                       ("signature_binding", signatureBinding == nil)].filter(\.1).map(\.0)
        return missing.isEmpty ? nil : "a payment without autopay_rule must carry " + missing.joined(separator: ", ")
    }

    enum CodingKeys: String, CodingKey {
        case payment, kiosk, account, job, contact, amount, currency, state, lines, method, card, signature, bankAccount = "bank_account"
        case payOn = "pay_on", createdAt = "created_at", methodDescription = "method_description"
        case termsSHA256 = "terms_sha256", signatureBinding = "signature_binding", autopayRule = "autopay_rule"
    }
}

/// What the back office says about a payment: the answer to its POST (201) and to
/// `GET …/payments/{payment}`, schema `PaymentStatus`.
public struct PaymentStatusBody: Sendable, Equatable, Codable {
    public var payment: String
    /// `received`, `processed`, `rejected` or `deleted`.
    public var status: String
    /// For `rejected`: `account_issue_call` or `payment_issue_call`.
    public var reason: String?
    /// For `rejected`: what the customer is told.
    public var message: String?

    public init(payment: String, status: String, reason: String? = nil, message: String? = nil) {
        self.payment = payment; self.status = status; self.reason = reason; self.message = message
    }
}
