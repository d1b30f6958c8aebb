import Foundation
import KioskJSON

/// `AutopayRules` (`POST …/autopay-rules`): a change to an account's autopay rules made at the
/// kiosk. It carries the account's whole list as it stands after the change (ids, order,
/// criteria), so the back office needs no earlier message to know the result; `rule` names
/// the rule the change was about. A customer's create or update carries the signed
/// authorisation (`authorization`); a manager's change carries none.
public struct AutopayRuleBody: Sendable, Equatable, Codable {
    public enum Change: String, Sendable, Codable, CaseIterable { case created, updated, moved, enabled, disabled, deleted }

    /// A rule as PROTOCOL.md "Autopay rules" has it.
    public struct Rule: Sendable, Equatable, Codable {
        public struct Criterion: Sendable, Equatable, Codable {
            public var field: String
            public var op: String
            public var values: [JSONValue]
            public init(field: String, op: String, values: [JSONValue]) { self.field = field; self.op = op; self.values = values }
        }
        public var id: String
        public var position: Int
        /// `{"card_on_file": id}` or `{"bank_account": id}`.
        public var method: [String: String]
        public var enabled: Bool
        public var locked: Bool
        public var criteria: [Criterion]
        public init(id: String, position: Int, method: [String: String], enabled: Bool, locked: Bool, criteria: [Criterion]) {
            self.id = id; self.position = position; self.method = method; self.enabled = enabled; self.locked = locked; self.criteria = criteria
        }
    }

    /// What the customer signed: the sealed signature, the hash of the autopay terms shown, and
    /// the binding of (rule, account, terms, signature, time) the kiosk computed.
    public struct Authorization: Sendable, Equatable, Codable {
        public var contact: String
        public var signature: SealedEnvelope
        public var termsSHA256: String
        public var signatureBinding: String
        /// RFC 3339 instant of the binding.
        public var signedAt: String
        public init(contact: String, signature: SealedEnvelope, termsSHA256: String, signatureBinding: String, signedAt: String) {
            self.contact = contact; self.signature = signature; self.termsSHA256 = termsSHA256
            self.signatureBinding = signatureBinding; self.signedAt = signedAt
        }
        enum CodingKeys: String, CodingKey {
            case contact, signature, termsSHA256 = "terms_sha256", signatureBinding = "signature_binding", signedAt = "signed_at"
        }
    }

    public var kiosk: String
    public var account: String
    public var change: Change
    /// The rule changed (created, updated, moved, enabled, disabled or deleted).
    public var rule: String
    /// The account's rules after the change, in position order.
    public var rules: [Rule]
    public var authorization: Authorization?
    /// Who: `manager`, `technician` or `contact`.
    public var by: String
    /// RFC 3339 instant the change was made.
    public var madeAt: String

    public init(kiosk: String, account: String, change: Change, rule: String, rules: [Rule], authorization: Authorization?, by: String, madeAt: String) {
        self.kiosk = kiosk; self.account = account; self.change = change; self.rule = rule; self.rules = rules
        self.authorization = authorization; self.by = by; self.madeAt = madeAt
    }

    enum CodingKeys: String, CodingKey { case kiosk, account, change, rule, rules, authorization, by, madeAt = "made_at" }
}
