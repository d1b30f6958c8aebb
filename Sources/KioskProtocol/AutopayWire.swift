import Foundation
import KioskJSON

/// The method a rule pays with: exactly one of a card or a bank account on file.
public struct AutopayMethodWire: Codable, Sendable, Equatable {
    public var cardOnFile: String?
    public var bankAccount: String?
    public init(cardOnFile: String? = nil, bankAccount: String? = nil) { self.cardOnFile = cardOnFile; self.bankAccount = bankAccount }
    enum CodingKeys: String, CodingKey { case cardOnFile = "card_on_file", bankAccount = "bank_account" }
}

/// One criteria row (`field op values`). Values are kept as JSON so that a value of the wrong
/// type reaches validation and is refused as `invalid_rule` naming its row, not as a decoding error.
public struct AutopayCriterionWire: Codable, Sendable, Equatable {
    public var field: String
    public var op: String
    public var values: [JSONValue]
    public init(field: String, op: String, values: [JSONValue]) { self.field = field; self.op = op; self.values = values }
}

/// A rule as every `autopay.*` method answers it (PROTOCOL.md "Autopay rules").
public struct AutopayRuleWire: Codable, Sendable, Equatable {
    public var id: String
    public var position: Int
    public var method: AutopayMethodWire
    public var enabled: Bool
    public var locked: Bool
    public var criteria: [AutopayCriterionWire]
    /// How the method reads ("CARD ENDING IN 4242").
    public var methodDescription: String
    /// `backoffice` or `kiosk`.
    public var source: String
    /// A change made here the back office has not acknowledged yet.
    public var pendingSync: Bool
    /// Why a kept rule cannot run: `method_expired`, `method_not_found`, `method_not_ready`.
    public var problem: String?
    public init(id: String, position: Int, method: AutopayMethodWire, enabled: Bool, locked: Bool, criteria: [AutopayCriterionWire],
                methodDescription: String, source: String, pendingSync: Bool, problem: String?) {
        self.id = id; self.position = position; self.method = method; self.enabled = enabled; self.locked = locked
        self.criteria = criteria; self.methodDescription = methodDescription; self.source = source
        self.pendingSync = pendingSync; self.problem = problem
    }
    enum CodingKeys: String, CodingKey {
        case id, position, method, enabled, locked, criteria, methodDescription = "method_description", source
        case pendingSync = "pending_sync", problem
    }
}

/// `autopay.list` params.
public struct AutopayListParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public init(account: String? = nil) { self.account = account }
}

/// The autopay terms a customer accepts to create or change a rule.
public struct AutopayTermsWire: Codable, Sendable, Equatable {
    public var text: String
    public var sha256: String
    public init(text: String, sha256: String) { self.text = text; self.sha256 = sha256 }
}

public struct AutopayListResult: Codable, Sendable, Equatable {
    public var rules: [AutopayRuleWire]
    public var terms: AutopayTermsWire
    public init(rules: [AutopayRuleWire], terms: AutopayTermsWire) { self.rules = rules; self.terms = terms }
}

/// `autopay.create` params. A session gives `signature` and `terms_sha256`; only staff give `locked`.
public struct AutopayCreateParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var method: AutopayMethodWire
    public var criteria: [AutopayCriterionWire]
    public var enabled: Bool?
    public var position: Int?
    public var locked: Bool?
    public var signature: String?
    public var termsSHA256: String?
    public init(account: String? = nil, method: AutopayMethodWire, criteria: [AutopayCriterionWire], enabled: Bool? = nil, position: Int? = nil,
                locked: Bool? = nil, signature: String? = nil, termsSHA256: String? = nil) {
        self.account = account; self.method = method; self.criteria = criteria; self.enabled = enabled; self.position = position
        self.locked = locked; self.signature = signature; self.termsSHA256 = termsSHA256
    }
    enum CodingKeys: String, CodingKey { case account, method, criteria, enabled, position, locked, signature, termsSHA256 = "terms_sha256" }
}

/// `autopay.update` params: what is given is replaced.
public struct AutopayUpdateParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var id: String
    public var method: AutopayMethodWire?
    public var criteria: [AutopayCriterionWire]?
    public var locked: Bool?
    public var signature: String?
    public var termsSHA256: String?
    public init(account: String? = nil, id: String, method: AutopayMethodWire? = nil, criteria: [AutopayCriterionWire]? = nil, locked: Bool? = nil,
                signature: String? = nil, termsSHA256: String? = nil) {
        self.account = account; self.id = id; self.method = method; self.criteria = criteria; self.locked = locked
        self.signature = signature; self.termsSHA256 = termsSHA256
    }
    enum CodingKeys: String, CodingKey { case account, id, method, criteria, locked, signature, termsSHA256 = "terms_sha256" }
}

/// `autopay.move` params.
public struct AutopayMoveParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var id: String
    public var position: Int
    public init(account: String? = nil, id: String, position: Int) { self.account = account; self.id = id; self.position = position }
}

/// `autopay.enable` / `autopay.disable` / `autopay.delete` params.
public struct AutopayIDParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var id: String
    public init(account: String? = nil, id: String) { self.account = account; self.id = id }
}

/// `autopay.move`'s answer: the account's rules in their new order.
public struct AutopayRulesResult: Codable, Sendable, Equatable {
    public var rules: [AutopayRuleWire]
    public init(rules: [AutopayRuleWire]) { self.rules = rules }
}
