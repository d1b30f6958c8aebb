import Foundation

/// The payment a notification or receipt is about; its members sit at the top level of the
/// body (`payment`, `account`, `amount`, `currency`, `state`, `created_at`).
public struct PaymentSummary: Sendable, Equatable, Codable {
    public var payment: String
    public var account: String
    /// Minor units.
    public var amount: Int
    public var currency: String
    public var state: String
    /// RFC 3339 instant.
    public var createdAt: String

    public init(payment: String, account: String, amount: Int, currency: String, state: String, createdAt: String) {
        self.payment = payment; self.account = account; self.amount = amount; self.currency = currency
        self.state = state; self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case payment, account, amount, currency, state, createdAt = "created_at" }
}

/// `POST …/notifications` with `Kiosk-Topic: notification`: a store person to tell about a
/// payment (one body per person), schema `Notification`.
public struct NotificationBody: Sendable, Equatable, Codable {
    /// Who is told: a user of the store (email and cell null when unknown) or the branch's address.
    public enum Recipient: Sendable, Equatable, Codable {
        case user(id: String, name: String, email: String?, cell: String?)
        case address(email: String)

        enum CodingKeys: String, CodingKey { case user, name, email, cell }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let id = try c.decodeIfPresent(String.self, forKey: .user) {
                self = .user(id: id, name: try c.decode(String.self, forKey: .name),
                             email: try c.decodeIfPresent(String.self, forKey: .email), cell: try c.decodeIfPresent(String.self, forKey: .cell))
            } else {
                self = .address(email: try c.decode(String.self, forKey: .email))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .user(let id, let name, let email, let cell):
                // A user's email and cell are sent as null when unknown, not left out.
                try c.encode(id, forKey: .user); try c.encode(name, forKey: .name)
                try c.encode(email, forKey: .email); try c.encode(cell, forKey: .cell)
            case .address(let email):
                try c.encode(email, forKey: .email)
            }
        }
    }

    public var summary: PaymentSummary
    public var to: Recipient
    /// How the person wants to be told (`queue`, `email`, `text`).
    public var methods: [String]
    /// Why this person is told (their roles: assigned user, receivables manager, branch …).
    public var because: [String]

    public init(summary: PaymentSummary, to: Recipient, methods: [String], because: [String]) {
        self.summary = summary; self.to = to; self.methods = methods; self.because = because
    }

    enum CodingKeys: String, CodingKey { case to, methods, because }

    public init(from decoder: Decoder) throws {
        summary = try PaymentSummary(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        to = try c.decode(Recipient.self, forKey: .to)
        methods = try c.decode([String].self, forKey: .methods)
        because = try c.decode([String].self, forKey: .because)
    }

    public func encode(to encoder: Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(to, forKey: .to); try c.encode(methods, forKey: .methods); try c.encode(because, forKey: .because)
    }
}

/// `POST …/notifications` with `Kiosk-Topic: receipt`: a receipt for a contact of the
/// account, schema `Receipt`.
public struct ReceiptBody: Sendable, Equatable, Codable {
    /// The contact (email empty when the account has none for them).
    public struct Recipient: Sendable, Equatable, Codable {
        public var contact: String
        public var name: String
        public var email: String
        public init(contact: String, name: String, email: String) { self.contact = contact; self.name = name; self.email = email }
    }

    public var summary: PaymentSummary
    public var to: Recipient
    public var lines: [PaymentBody.Line]
    public var methodDescription: String

    public init(summary: PaymentSummary, to: Recipient, lines: [PaymentBody.Line], methodDescription: String) {
        self.summary = summary; self.to = to; self.lines = lines; self.methodDescription = methodDescription
    }

    enum CodingKeys: String, CodingKey { case to, lines, methodDescription = "method_description" }

    public init(from decoder: Decoder) throws {
        summary = try PaymentSummary(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        to = try c.decode(Recipient.self, forKey: .to)
        lines = try c.decode([PaymentBody.Line].self, forKey: .lines)
        methodDescription = try c.decode(String.self, forKey: .methodDescription)
    }

    public func encode(to encoder: Encoder) throws {
        try summary.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(to, forKey: .to); try c.encode(lines, forKey: .lines); try c.encode(methodDescription, forKey: .methodDescription)
    }
}

/// `POST …/notifications` with `Kiosk-Topic: payment.outcome`: a decision a manager made at
/// the kiosk, schema `PaymentOutcome`. The reference server mirrors it.
public struct OutcomeBody: Sendable, Equatable, Codable {
    public var payment: String
    /// `processed`, `rejected` or `deleted`.
    public var state: String
    /// For `rejected`.
    public var reason: String?
    /// For `rejected`.
    public var message: String?
    /// Who decided: always `kiosk`.
    public var by: String

    public init(payment: String, state: String, reason: String? = nil, message: String? = nil, by: String = "kiosk") {
        self.payment = payment; self.state = state; self.reason = reason; self.message = message; self.by = by
    }
}
