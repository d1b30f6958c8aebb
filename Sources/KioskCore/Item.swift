import Foundation

/// What an item on an account is. Charges raise what the customer owes; credits lower it.
public enum ItemKind: String, Codable, Sendable, CaseIterable {
    case invoice
    case financeCharge = "finance_charge"
    case debitAdjustment = "debit_adjustment"
    case payment
    case creditMemo = "credit_memo"
    case creditAdjustment = "credit_adjustment"

    /// True for invoices, finance charges and debit adjustments.
    public var isCharge: Bool {
        switch self {
        case .invoice, .financeCharge, .debitAdjustment: return true
        case .payment, .creditMemo, .creditAdjustment: return false
        }
    }
}

/// One receivable item (open or closed). Amounts are positive minor units; the kind gives the sign.
public struct Item: Codable, Sendable, Equatable {
    public var id: String
    public var kind: ItemKind
    public var number: String
    public var job: Int?
    public var date: LocalDate
    public var dueDate: LocalDate?
    public var poNumber: String?
    public var amount: Int
    public var openAmount: Int
    /// False for a new charge (not yet on a statement).
    public var billed: Bool
    /// Credit memos only: the invoice (item id) this memo is linked to.
    public var linkedInvoice: String?
    /// Invoices only: what was billed, as the back office printed it (SYNC.md "Optional
    /// additions"); empty when the document sent none.
    public var lines: [InvoiceLine]

    enum CodingKeys: String, CodingKey {
        case id, kind, number, job, date, dueDate = "due_date", poNumber = "po_number", amount
        case openAmount = "open_amount", billed, linkedInvoice = "linked_invoice", lines
    }

    public init(id: String, kind: ItemKind, number: String, job: Int? = nil, date: LocalDate, dueDate: LocalDate? = nil,
                poNumber: String? = nil, amount: Int, openAmount: Int, billed: Bool = true, linkedInvoice: String? = nil,
                lines: [InvoiceLine] = []) {
        self.id = id; self.kind = kind; self.number = number; self.job = job; self.date = date; self.dueDate = dueDate
        self.poNumber = poNumber; self.amount = amount; self.openAmount = openAmount; self.billed = billed
        self.linkedInvoice = linkedInvoice; self.lines = lines
    }

    /// Written as the document has it: `lines` only when there are some, so an account
    /// synced before lines existed keeps its fingerprint.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id); try c.encode(kind, forKey: .kind); try c.encode(number, forKey: .number)
        try c.encodeIfPresent(job, forKey: .job); try c.encode(date, forKey: .date)
        try c.encodeIfPresent(dueDate, forKey: .dueDate); try c.encodeIfPresent(poNumber, forKey: .poNumber)
        try c.encode(amount, forKey: .amount); try c.encode(openAmount, forKey: .openAmount)
        try c.encode(billed, forKey: .billed); try c.encodeIfPresent(linkedInvoice, forKey: .linkedInvoice)
        if !lines.isEmpty { try c.encode(lines, forKey: .lines) }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        kind = try c.decode(ItemKind.self, forKey: .kind)
        number = try c.decode(String.self, forKey: .number)
        job = try c.decodeWholeIfPresent(forKey: .job)
        date = try c.decode(LocalDate.self, forKey: .date)
        dueDate = try c.decodeIfPresent(LocalDate.self, forKey: .dueDate)
        poNumber = try c.decodeIfPresent(String.self, forKey: .poNumber)
        amount = try c.decodeWhole(forKey: .amount)
        openAmount = try c.decodeWhole(forKey: .openAmount)
        billed = try c.decodeIfPresent(Bool.self, forKey: .billed) ?? true
        linkedInvoice = try c.decodeIfPresent(String.self, forKey: .linkedInvoice)
        lines = try c.decodeIfPresent([InvoiceLine].self, forKey: .lines) ?? []
    }
}

/// A sale or adjustment line for the activity figures. `amount` excludes tax.
public struct Sale: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case sale, adjustment }
    public var date: LocalDate
    public var job: Int?
    public var kind: Kind
    /// Minor units, tax excluded; an adjustment's may be negative.
    public var amount: Int
    public var tax: Int
    /// True when the sale was put on the account (charged), false when paid at the counter.
    public var charge: Bool
    public var giftCard: Bool

    enum CodingKeys: String, CodingKey { case date, job, kind, amount, tax, charge, giftCard = "gift_card" }

    public init(date: LocalDate, job: Int? = nil, kind: Kind, amount: Int, tax: Int = 0, charge: Bool, giftCard: Bool = false) {
        self.date = date; self.job = job; self.kind = kind; self.amount = amount; self.tax = tax
        self.charge = charge; self.giftCard = giftCard
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        date = try c.decode(LocalDate.self, forKey: .date)
        job = try c.decodeWholeIfPresent(forKey: .job)
        kind = try c.decode(Kind.self, forKey: .kind)
        amount = try c.decodeWhole(forKey: .amount)
        tax = try c.decodeWholeIfPresent(forKey: .tax) ?? 0
        charge = try c.decode(Bool.self, forKey: .charge)
        giftCard = try c.decodeIfPresent(Bool.self, forKey: .giftCard) ?? false
    }
}

/// A payment the back office has processed (history), and the items it was applied to.
public struct ProcessedPayment: Codable, Sendable, Equatable {
    public struct Application: Codable, Sendable, Equatable {
        public var item: String
        public var amount: Int
        public init(item: String, amount: Int) { self.item = item; self.amount = amount }
        enum CodingKeys: String, CodingKey { case item, amount }
        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            item = try c.decode(String.self, forKey: .item)
            amount = try c.decodeWhole(forKey: .amount)
        }
    }
    public var id: String
    public var job: Int?
    public var date: LocalDate
    public var amount: Int
    /// How it was paid: "check", "card", "cash", "kiosk", ...
    public var method: String
    public var applied: [Application]

    public init(id: String, job: Int? = nil, date: LocalDate, amount: Int, method: String, applied: [Application] = []) {
        self.id = id; self.job = job; self.date = date; self.amount = amount; self.method = method; self.applied = applied
    }

    enum CodingKeys: String, CodingKey { case id, job, date, amount, method, applied }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        job = try c.decodeWholeIfPresent(forKey: .job)
        date = try c.decode(LocalDate.self, forKey: .date)
        amount = try c.decodeWhole(forKey: .amount)
        method = try c.decode(String.self, forKey: .method)
        applied = try c.decodeIfPresent([Application].self, forKey: .applied) ?? []
    }
}

/// A card kept by the payment gateway. The kiosk holds only its vault token and a description.
public struct CardOnFile: Codable, Sendable, Equatable {
    public var id: String
    /// nil: for the whole account; otherwise for that job (a job's own card wins).
    public var job: Int?
    public var description: String
    /// The gateway's vault token: never shown, never logged.
    public var token: String
    public var brand: String
    public var last4: String
    /// `YYYY-MM`.
    public var expiry: String

    public init(id: String, job: Int? = nil, description: String, token: String, brand: String, last4: String, expiry: String) {
        self.id = id; self.job = job; self.description = description; self.token = token; self.brand = brand
        self.last4 = last4; self.expiry = expiry
    }

    enum CodingKeys: String, CodingKey { case id, job, description, token, brand, last4, expiry }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        job = try c.decodeWholeIfPresent(forKey: .job)
        description = try c.decode(String.self, forKey: .description)
        token = try c.decode(String.self, forKey: .token)
        brand = try c.decode(String.self, forKey: .brand)
        last4 = try c.decode(String.self, forKey: .last4)
        expiry = try c.decode(String.self, forKey: .expiry)
    }
}

/// A statement issued to the account (or one of its jobs). Beyond its number, date and job,
/// every part is optional in the sync (SYNC.md "Optional additions"): nil is *unknown*, not zero.
public struct Statement: Codable, Sendable, Equatable {
    public var number: String
    public var issuedAt: Instant
    public var job: Int?
    public var openingBalance: Int?
    public var closingBalance: Int?
    public var aging: StatementAging?
    /// In the order printed; empty when the document sent none.
    public var lines: [StatementLine]

    enum CodingKeys: String, CodingKey {
        case number, issuedAt = "issued_at", job, openingBalance = "opening_balance", closingBalance = "closing_balance"
        case aging, lines
    }

    public init(number: String, issuedAt: Instant, job: Int? = nil, openingBalance: Int? = nil, closingBalance: Int? = nil,
                aging: StatementAging? = nil, lines: [StatementLine] = []) {
        self.number = number; self.issuedAt = issuedAt; self.job = job; self.openingBalance = openingBalance
        self.closingBalance = closingBalance; self.aging = aging; self.lines = lines
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try c.decode(String.self, forKey: .number)
        issuedAt = try c.decode(Instant.self, forKey: .issuedAt)
        job = try c.decodeWholeIfPresent(forKey: .job)
        openingBalance = try c.decodeWholeIfPresent(forKey: .openingBalance)
        closingBalance = try c.decodeWholeIfPresent(forKey: .closingBalance)
        aging = try c.decodeIfPresent(StatementAging.self, forKey: .aging)
        lines = try c.decodeIfPresent([StatementLine].self, forKey: .lines) ?? []
    }

    /// Only what the document had, so an account synced before these parts keeps its fingerprint.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number); try c.encode(issuedAt, forKey: .issuedAt); try c.encodeIfPresent(job, forKey: .job)
        try c.encodeIfPresent(openingBalance, forKey: .openingBalance); try c.encodeIfPresent(closingBalance, forKey: .closingBalance)
        try c.encodeIfPresent(aging, forKey: .aging)
        if !lines.isEmpty { try c.encode(lines, forKey: .lines) }
    }
}
