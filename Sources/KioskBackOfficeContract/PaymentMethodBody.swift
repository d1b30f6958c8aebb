import Foundation

/// `POST /v1/kiosks/{kiosk}/payment-methods` (outbox topic `payment_method`), schema
/// `PaymentMethod`: a change to an account's cards and bank accounts made at the kiosk.
/// `save` is a tokenize request carrying the sealed capture; `remove` and `set_default` name
/// the method by the id the kiosk made (or the back office's id for a method it sent).
public struct PaymentMethodBody: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable { case save, remove, setDefault = "set_default" }

    /// The method's id (made at the kiosk for a save; the back office keeps it).
    public var method: String
    public var kiosk: String
    public var account: String
    public var job: Int?
    /// The signed-in contact who asked, when a customer did.
    public var contact: String?
    public var action: Action
    /// `card` or `bank_account`.
    public var type: String
    /// The friendly name, else the masked description (save only).
    public var description: String?
    public var last4: String?
    public var brand: String?
    /// `YYYY-MM` (cards, save only).
    public var expiry: String?
    /// `checking` or `savings` (bank accounts, save only).
    public var accountType: String?
    /// The sealed card swipe or bank account (save only).
    public var capture: SealedEnvelope?
    /// RFC 3339 instant the change was made.
    public var madeAt: String

    public init(method: String, kiosk: String, account: String, job: Int?, contact: String?, action: Action, type: String,
                description: String? = nil, last4: String? = nil, brand: String? = nil, expiry: String? = nil, accountType: String? = nil,
                capture: SealedEnvelope? = nil, madeAt: String) {
        self.method = method; self.kiosk = kiosk; self.account = account; self.job = job; self.contact = contact; self.action = action
        self.type = type; self.description = description; self.last4 = last4; self.brand = brand; self.expiry = expiry
        self.accountType = accountType; self.capture = capture; self.madeAt = madeAt
    }

    enum CodingKeys: String, CodingKey {
        case method, kiosk, account, job, contact, action, type, description, last4, brand, expiry, capture
        case accountType = "account_type", madeAt = "made_at"
    }
}

/// The back office's answer (201) to a payment-method change, schema `PaymentMethodStatus`:
/// a save becomes `active` with the vault `token`, or `failed` with an `error` the customer
/// is shown; a remove or set_default is `accepted`.
public struct PaymentMethodStatusBody: Sendable, Equatable, Codable {
    public var method: String
    /// `active`, `failed` or `accepted`.
    public var status: String
    public var token: String?
    public var error: String?
    public init(method: String, status: String, token: String? = nil, error: String? = nil) {
        self.method = method; self.status = status; self.token = token; self.error = error
    }
}
