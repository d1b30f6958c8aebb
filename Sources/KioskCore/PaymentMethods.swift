import Foundation

/// A bank account the back office holds for the account (SYNC.md `bank_accounts_on_file`).
/// The kiosk holds only its vault token and a masked description, never the numbers.
public struct BankAccountOnFile: Codable, Sendable, Equatable {
    public var id: String
    /// nil: for the whole account; otherwise for that job.
    public var job: Int?
    public var description: String
    /// The gateway's vault token: never shown, never logged.
    public var token: String
    public var last4: String
    /// `checking` or `savings`, when the back office says.
    public var accountType: String?

    public init(id: String, job: Int? = nil, description: String, token: String, last4: String, accountType: String? = nil) {
        self.id = id; self.job = job; self.description = description; self.token = token; self.last4 = last4; self.accountType = accountType
    }

    enum CodingKeys: String, CodingKey { case id, job, description, token, last4, accountType = "account_type" }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        job = try c.decodeWholeIfPresent(forKey: .job)
        description = try c.decode(String.self, forKey: .description)
        token = try c.decode(String.self, forKey: .token)
        last4 = try c.decode(String.self, forKey: .last4)
        accountType = try c.decodeIfPresent(String.self, forKey: .accountType)
    }
}

/// One payment method of an account as the customer sees it: a card or bank account from the
/// back office, or one saved at this kiosk (PROTOCOL.md "Payment methods").
public struct MethodOnFile: Sendable, Equatable {
    public enum Kind: String, Sendable { case card, bankAccount = "bank_account" }
    public enum State: String, Sendable { case active, expired, saving, failed }

    public var id: String
    public var kind: Kind
    public var job: Int?
    public var description: String
    public var last4: String
    public var brand: String?
    /// `YYYY-MM` (cards).
    public var expiry: String?
    public var accountType: String?
    /// `saving`/`failed` for a method saved here and not yet (or never) tokenized; `active`
    /// otherwise. ``state(today:)`` adds `expired`.
    public var savedState: State
    /// The back office's sentence when it refused a saved method.
    public var error: String?

    public init(id: String, kind: Kind, job: Int?, description: String, last4: String, brand: String? = nil, expiry: String? = nil,
                accountType: String? = nil, savedState: State = .active, error: String? = nil) {
        self.id = id; self.kind = kind; self.job = job; self.description = description; self.last4 = last4; self.brand = brand
        self.expiry = expiry; self.accountType = accountType; self.savedState = savedState; self.error = error
    }

    public init(_ card: CardOnFile) {
        self.init(id: card.id, kind: .card, job: card.job, description: card.description, last4: card.last4, brand: card.brand, expiry: card.expiry)
    }

    public init(_ bank: BankAccountOnFile) {
        self.init(id: bank.id, kind: .bankAccount, job: bank.job, description: bank.description, last4: bank.last4, accountType: bank.accountType)
    }

    /// The state on `today` (the branch's day): a card is expired after its expiry month.
    public func state(today: LocalDate) -> State {
        guard savedState == .active else { return savedState }
        if kind == .card, let expiry, let month = CardExpiry(expiry) {
            if (month.year, month.month) < (today.year, today.month) { return .expired }
        }
        return .active
    }
}

/// The rules for payment methods: what a scope offers, which one is the default, and the checks
/// on what a customer types (names, bank numbers).
public enum PaymentMethodRules {
    public static let accountTypes: Set<String> = ["checking", "savings"]

    /// The methods a scope reaches: with a job, the whole account's and that job's; without,
    /// the whole account's.
    public static func inScope(_ methods: [MethodOnFile], job: Int?) -> [MethodOnFile] {
        methods.filter { $0.job == nil || $0.job == job }
    }

    /// The default of the scope `job` among `methods` (already in scope): the job's set default,
    /// else the account's, else a job's own active method, else the first active one. Only an
    /// active method is ever the default. `setDefaults` maps a scope (a job number, or nil for
    /// the whole account) to the method id set there.
    public static func defaultMethod(_ methods: [MethodOnFile], job: Int?, today: LocalDate, setDefaults: [Int?: String]) -> String? {
        let active = methods.filter { $0.state(today: today) == .active }
        if let job, let id = setDefaults[job], active.contains(where: { $0.id == id }) { return id }
        if let id = setDefaults[nil], active.contains(where: { $0.id == id }) { return id }
        return (active.first { $0.job != nil && $0.job == job } ?? active.first)?.id
    }

    /// True when `text` holds 6 or more digits in a row (spaces and dashes between them count
    /// as part of the run): it may be an account or routing number.
    public static func hasLongDigitRun(_ text: String) -> Bool {
        var digits = 0
        for ch in text {
            if ch.isASCIIDigit { digits += 1; if digits >= 6 { return true } }
            else if ch == " " || ch == "-" { continue }
            else { digits = 0 }
        }
        return false
    }

    /// Why a friendly name cannot be used, or nil.
    public static func nameProblem(_ name: String) -> String? {
        guard (1...40).contains(name.count), !name.trimmingCharacters(in: .whitespaces).isEmpty else {
            return "name must be 1 to 40 characters"
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.generalCategory == .format }) {
            return "name must not contain control characters"
        }
        if hasLongDigitRun(name) { return "name must not hold a run of 6 or more digits (a card or account number?); try \"Bob's primary card\"" }
        return nil
    }

    /// How a bank account is named on screen: by its last four digits.
    public static func bankDescription(last4: String) -> String { "ACCOUNT ENDING \(last4)" }
}
