import Foundation

/// `payment_methods.list` params.
public struct PaymentMethodsListParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var job: Int?
    public init(account: String? = nil, job: Int? = nil) { self.account = account; self.job = job }
}

/// One card or bank account of the account (PROTOCOL.md "Payment methods").
public struct PaymentMethodWire: Codable, Sendable, Equatable {
    public var id: String
    /// `card` or `bank_account`.
    public var type: String
    public var description: String
    public var last4: String
    public var brand: String?
    /// `YYYY-MM` (cards).
    public var expiry: String?
    public var accountType: String?
    public var job: Int?
    public var isDefault: Bool
    /// `active`, `expired`, `saving` or `failed`.
    public var state: String
    /// Why the back office refused it (`failed` only).
    public var error: String?
    public init(id: String, type: String, description: String, last4: String, brand: String?, expiry: String?, accountType: String?,
                job: Int?, isDefault: Bool, state: String, error: String?) {
        self.id = id; self.type = type; self.description = description; self.last4 = last4; self.brand = brand; self.expiry = expiry
        self.accountType = accountType; self.job = job; self.isDefault = isDefault; self.state = state; self.error = error
    }
    enum CodingKeys: String, CodingKey {
        case id, type, description, last4, brand, expiry, accountType = "account_type", job, isDefault = "default", state, error
    }
}

public struct PaymentMethodsListResult: Codable, Sendable, Equatable {
    public var methods: [PaymentMethodWire]
    public init(methods: [PaymentMethodWire]) { self.methods = methods }
}

/// `payment_method.save` params: a card or bank capture of this connection.
public struct PaymentMethodSaveParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var capture: String
    /// The friendly name ("Bob's primary card"): 1–40 characters, no run of 6 or more digits.
    public var name: String?
    public var job: Int?
    /// Make it the default of its scope once it is active.
    public var isDefault: Bool?
    public init(account: String? = nil, capture: String, name: String? = nil, job: Int? = nil, isDefault: Bool? = nil) {
        self.account = account; self.capture = capture; self.name = name; self.job = job; self.isDefault = isDefault
    }
    enum CodingKeys: String, CodingKey { case account, capture, name, job, isDefault = "default" }
}

/// `payment_method.remove` / `payment_method.set_default` params.
public struct PaymentMethodIDParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var id: String
    public init(account: String? = nil, id: String) { self.account = account; self.id = id }
}

/// The checks on a bank account typed at the kiosk (`device.capture.begin` with `kind:
/// "bank"`), shared by the daemon and the front. A sentence never repeats the value.
public enum BankAccountEntry {
    /// Why `routing` is not a US routing number (9 digits whose ABA check holds:
    /// 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 mod 10), or nil.
    public static func routingProblem(_ routing: String) -> String? {
        let digits = routing.utf8.map { Int($0) - 48 }
        guard digits.count == 9, digits.allSatisfy({ (0...9).contains($0) }) else {
            return "routing_number must be the 9 digits of the bank's routing number"
        }
        let sum = 3 * (digits[0] + digits[3] + digits[6]) + 7 * (digits[1] + digits[4] + digits[7]) + (digits[2] + digits[5] + digits[8])
        guard sum % 10 == 0 else {
            return "routing_number is not a valid routing number (its check digit does not match); check the 9 digits and type them again"
        }
        return nil
    }

    /// Why `account` is not a bank account number (4–17 digits), or nil.
    public static func accountNumberProblem(_ account: String) -> String? {
        guard (4...17).contains(account.utf8.count), account.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            return "account_number must be 4 to 17 digits"
        }
        return nil
    }

    public static let accountTypes: Set<String> = ["checking", "savings"]
}
