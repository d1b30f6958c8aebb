import Foundation

/// `payment.options` params (the front omits `account`).
public struct PaymentOptionsParams: Codable, Sendable {
    public var account: String?
    public var job: Int?
    public init(account: String? = nil, job: Int? = nil) { self.account = account; self.job = job }
}

/// What the customer may pay with, and the terms to accept.
public struct PaymentOptions: Codable, Sendable, Equatable {
    public struct CardOnFile: Codable, Sendable, Equatable {
        public var id: String
        public var description: String
        /// The job's own card wins over the account's: it is the default when present.
        public var isDefault: Bool
        public var job: Int?
        public init(id: String, description: String, isDefault: Bool, job: Int?) {
            self.id = id; self.description = description; self.isDefault = isDefault; self.job = job
        }
        enum CodingKeys: String, CodingKey { case id, description, isDefault = "default", job }
    }
    public struct Terms: Codable, Sendable, Equatable {
        public var text: String
        public var sha256: String
        public init(text: String, sha256: String) { self.text = text; self.sha256 = sha256 }
    }
    public var receivablesType: String
    public var currency: String
    public var cardsOnFile: [CardOnFile]
    /// Active bank accounts on file (same shape as a card on file).
    public var bankAccountsOnFile: [CardOnFile] = []
    public var terms: Terms
    public var acceptsOnlinePayments: Bool
    /// The pending payment that keeps this scope from paying again now (one pending payment
    /// per account, per job), so the front does not offer "Pay" at all. Absent when none.
    public var pendingPayment: PendingPayment?
    public struct PendingPayment: Codable, Sendable, Equatable {
        public var id: String
        public var amount: Int
        public init(id: String, amount: Int) { self.id = id; self.amount = amount }
    }
    /// The days a payment may be made for: today and the last day ahead (a year), both the
    /// branch's days. Absent from daemons before issue 14.
    public var payWindow: PayWindow?
    public struct PayWindow: Codable, Sendable, Equatable {
        public var today: String
        public var latest: String
        public init(today: String, latest: String) { self.today = today; self.latest = latest }
    }
    public init(receivablesType: String, currency: String, cardsOnFile: [CardOnFile], terms: Terms, acceptsOnlinePayments: Bool,
                pendingPayment: PendingPayment? = nil, payWindow: PayWindow? = nil) {
        self.receivablesType = receivablesType; self.currency = currency; self.cardsOnFile = cardsOnFile; self.terms = terms
        self.acceptsOnlinePayments = acceptsOnlinePayments; self.pendingPayment = pendingPayment; self.payWindow = payWindow
    }
    enum CodingKeys: String, CodingKey {
        case receivablesType = "receivables_type", currency, cardsOnFile = "cards_on_file", terms
        case bankAccountsOnFile = "bank_accounts_on_file"
        case acceptsOnlinePayments = "accepts_online_payments", pendingPayment = "pending_payment", payWindow = "pay_window"
    }
}

/// `payment.quote` params; `payment.submit` adds method, signature, terms and date.
public struct PaymentQuoteParams: Codable, Sendable {
    public var account: String?
    public var job: Int?
    public var invoices: [String]?
    public var includeFinanceCharges: Bool?
    public var amount: Int?
    public init(account: String? = nil, job: Int? = nil, invoices: [String]? = nil, includeFinanceCharges: Bool? = nil, amount: Int? = nil) {
        self.account = account; self.job = job; self.invoices = invoices; self.includeFinanceCharges = includeFinanceCharges; self.amount = amount
    }
    enum CodingKeys: String, CodingKey { case account, job, invoices, includeFinanceCharges = "include_finance_charges", amount }
}

public struct PaymentLineWire: Codable, Sendable, Equatable {
    public var id: String
    public var amount: Int
    public var locked: Bool?
    public init(id: String, amount: Int, locked: Bool? = nil) { self.id = id; self.amount = amount; self.locked = locked }
}

public struct PaymentProblemWire: Codable, Sendable, Equatable {
    public var kind: String
    public var message: String
    public var item: String?
    public init(kind: String, message: String, item: String?) { self.kind = kind; self.message = message; self.item = item }
}

public struct PaymentQuoteResult: Codable, Sendable, Equatable {
    public var total: Int
    public var currency: String
    public var lines: [PaymentLineWire]
    public var problems: [PaymentProblemWire]
    public init(total: Int, currency: String, lines: [PaymentLineWire], problems: [PaymentProblemWire]) {
        self.total = total; self.currency = currency; self.lines = lines; self.problems = problems
    }
}

public struct PaymentSubmitParams: Codable, Sendable {
    public struct Method: Codable, Sendable {
        public var cardOnFile: String?
        public var capture: String?
        /// A bank account on file, by id.
        public var bankAccount: String?
        public init(cardOnFile: String? = nil, capture: String? = nil, bankAccount: String? = nil) {
            self.cardOnFile = cardOnFile; self.capture = capture; self.bankAccount = bankAccount
        }
        enum CodingKeys: String, CodingKey { case cardOnFile = "card_on_file", capture, bankAccount = "bank_account" }
    }
    public var account: String?
    public var job: Int?
    public var invoices: [String]?
    public var includeFinanceCharges: Bool?
    public var amount: Int?
    public var method: Method
    public var signature: String
    public var termsSHA256: String
    public var payOn: String?
    public init(account: String? = nil, job: Int? = nil, invoices: [String]? = nil, includeFinanceCharges: Bool? = nil, amount: Int? = nil,
                method: Method, signature: String, termsSHA256: String, payOn: String? = nil) {
        self.account = account; self.job = job; self.invoices = invoices; self.includeFinanceCharges = includeFinanceCharges
        self.amount = amount; self.method = method; self.signature = signature; self.termsSHA256 = termsSHA256; self.payOn = payOn
    }
    enum CodingKeys: String, CodingKey {
        case account, job, invoices, includeFinanceCharges = "include_finance_charges", amount, method, signature
        case termsSHA256 = "terms_sha256", payOn = "pay_on"
    }
}

public struct PaymentSubmitResult: Codable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var amount: Int
    public var currency: String
    public var payOn: String?
    public var methodDescription: String
    public var receiptsTo: [String]
    public var lines: [PaymentLineWire]
    public init(id: String, state: String, amount: Int, currency: String, payOn: String?, methodDescription: String,
                receiptsTo: [String], lines: [PaymentLineWire]) {
        self.id = id; self.state = state; self.amount = amount; self.currency = currency; self.payOn = payOn
        self.methodDescription = methodDescription; self.receiptsTo = receiptsTo; self.lines = lines
    }
    enum CodingKeys: String, CodingKey {
        case id, state, amount, currency, payOn = "pay_on", methodDescription = "method_description", receiptsTo = "receipts_to", lines
    }
}

/// One payment in `payments.list` (and in account reads' rejection notices).
public struct PaymentSummaryWire: Codable, Sendable, Equatable {
    public var id: String
    public var account: String
    public var job: Int?
    public var amount: Int
    public var currency: String
    public var state: String
    public var createdAt: String
    public var payOn: String?
    public var methodDescription: String
    public var reason: String?
    public var message: String?
    /// A waiting payment: the pending one it waits for.
    public var waitingFor: String?
    /// A payment an autopay rule made: the rule's id.
    public var autopayRule: String?
    public var lines: [PaymentLineWire]
    public init(id: String, account: String, job: Int?, amount: Int, currency: String, state: String, createdAt: String, payOn: String?,
                methodDescription: String, reason: String?, message: String?, waitingFor: String? = nil, autopayRule: String? = nil,
                lines: [PaymentLineWire]) {
        self.id = id; self.account = account; self.job = job; self.amount = amount; self.currency = currency; self.state = state
        self.createdAt = createdAt; self.payOn = payOn; self.methodDescription = methodDescription; self.reason = reason
        self.message = message; self.waitingFor = waitingFor; self.autopayRule = autopayRule; self.lines = lines
    }
    enum CodingKeys: String, CodingKey {
        case id, account, job, amount, currency, state, createdAt = "created_at", payOn = "pay_on"
        case methodDescription = "method_description", reason, message, waitingFor = "waiting_for", autopayRule = "autopay_rule", lines
    }
}

public struct PaymentsListParams: Codable, Sendable {
    public var state: String?
    public var account: String?
    public init(state: String? = nil, account: String? = nil) { self.state = state; self.account = account }
}

public struct PaymentsListResult: Codable, Sendable, Equatable {
    public var payments: [PaymentSummaryWire]
    public init(payments: [PaymentSummaryWire]) { self.payments = payments }
}

public struct PaymentIDParams: Codable, Sendable {
    public var id: String
    public init(id: String) { self.id = id }
}

/// `payment.process`: `overlap_ok` confirms processing a rejected payment whose invoices
/// another payment now covers (audited).
public struct PaymentProcessParams: Codable, Sendable {
    public var id: String
    public var overlapOK: Bool?
    public init(id: String, overlapOK: Bool? = nil) { self.id = id; self.overlapOK = overlapOK }
    enum CodingKeys: String, CodingKey { case id, overlapOK = "overlap_ok" }
}

/// `payment.reject`: the reason is one of two the customer is shown (Core's `RejectionReason`),
/// with the manager's message.
public struct PaymentRejectParams: Codable, Sendable {
    public var id: String
    public var reason: String
    public var message: String
    public init(id: String, reason: String, message: String) { self.id = id; self.reason = reason; self.message = message }
}

public struct PaymentRescheduleParams: Codable, Sendable {
    public var id: String
    public var payOn: String
    public init(id: String, payOn: String) { self.id = id; self.payOn = payOn }
    enum CodingKeys: String, CodingKey { case id, payOn = "pay_on" }
}

public struct OutboxEntryWire: Codable, Sendable, Equatable {
    public var id: Int64
    public var topic: String
    public var state: String
    public var attempts: Int
    public var nextAttemptAt: String?
    public var lastError: String?
    public var payment: String?
    public init(id: Int64, topic: String, state: String, attempts: Int, nextAttemptAt: String?, lastError: String?, payment: String?) {
        self.id = id; self.topic = topic; self.state = state; self.attempts = attempts; self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError; self.payment = payment
    }
    enum CodingKeys: String, CodingKey { case id, topic, state, attempts, nextAttemptAt = "next_attempt_at", lastError = "last_error", payment }
}

public struct OutboxListParams: Codable, Sendable {
    public var state: String?
    public init(state: String? = nil) { self.state = state }
}

public struct OutboxListResult: Codable, Sendable, Equatable {
    public var entries: [OutboxEntryWire]
    public init(entries: [OutboxEntryWire]) { self.entries = entries }
}
