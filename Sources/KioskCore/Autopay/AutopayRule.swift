import Foundation

/// An autopay rule (PROTOCOL.md "Autopay rules", DOMAIN.md "Autopay rules"): a payment method
/// and criteria rows that must all hold for an invoice to be paid by it. Rules are tried in
/// `position` order; disabled ones are kept and never run; locked ones a customer cannot
/// change.
public struct AutopayRule: Sendable, Equatable, Codable {
    public var id: String
    /// 1-based; an account's rules hold 1…n without gaps.
    public var position: Int
    public var method: AutopayMethod
    public var enabled: Bool
    public var locked: Bool
    public var criteria: [AutopayCriterion]

    public init(id: String, position: Int, method: AutopayMethod, enabled: Bool = true, locked: Bool = false, criteria: [AutopayCriterion]) {
        self.id = id; self.position = position; self.method = method; self.enabled = enabled; self.locked = locked; self.criteria = criteria
    }

    enum CodingKeys: String, CodingKey { case id, position, method, enabled, locked, criteria }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        position = try c.decodeIfPresent(Int.self, forKey: .position) ?? 0
        method = try c.decode(AutopayMethod.self, forKey: .method)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        locked = try c.decodeIfPresent(Bool.self, forKey: .locked) ?? false
        criteria = try c.decode([AutopayCriterion].self, forKey: .criteria)
    }
}

/// The method a rule pays with: exactly one of a card or a bank account on file.
public enum AutopayMethod: Sendable, Equatable, Codable {
    case cardOnFile(String)
    case bankAccount(String)

    public var id: String {
        switch self { case .cardOnFile(let id), .bankAccount(let id): id }
    }

    enum CodingKeys: String, CodingKey { case cardOnFile = "card_on_file", bankAccount = "bank_account" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let card = try c.decodeIfPresent(String.self, forKey: .cardOnFile), bank = try c.decodeIfPresent(String.self, forKey: .bankAccount)
        switch (card, bank) {
        case (let id?, nil): self = .cardOnFile(id)
        case (nil, let id?): self = .bankAccount(id)
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "exactly one of card_on_file and bank_account"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .cardOnFile(let id): try c.encode(id, forKey: .cardOnFile)
        case .bankAccount(let id): try c.encode(id, forKey: .bankAccount)
        }
    }
}

/// One criteria row: `field op values`. Kept as sent (field and op as text, values as any JSON
/// scalar) so that a bad row can be refused with the reason, not lost in decoding.
public struct AutopayCriterion: Sendable, Equatable, Codable {
    public var field: String
    public var op: String
    public var values: [AutopayValue]
    public init(field: String, op: String, values: [AutopayValue]) { self.field = field; self.op = op; self.values = values }
}

/// A criteria value: a whole number or a string; anything else is kept to be refused.
public enum AutopayValue: Sendable, Equatable, Codable {
    case number(Int)
    case text(String)
    /// A JSON value of another type (a fraction, a bool, null, an array…).
    case other

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .text(s) }
        else { self = .other }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let n): try c.encode(n)
        case .text(let s): try c.encode(s)
        case .other: try c.encodeNil()
        }
    }
}
