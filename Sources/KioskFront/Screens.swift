import KioskProtocol

/// The screen on show, each with its own value-typed model.
public enum Screen: Sendable, Equatable {
    case unavailable
    case welcome(WelcomeModel)
    case pin(PINModel)
    case home
    case details
    case invoices(InvoicesModel)
    case pay(PayModel)
    case swipe(SwipeModel)
    case signature(SignatureModel)
    case terms(TermsModel)
    case confirm(ConfirmModel)
    case done(DoneModel)
    case statements(StatementsModel)
    case credits(CreditsModel)
    case history(HistoryModel)
    case invoiceHistory(InvoiceHistoryModel)
    // The pages below remember the screen they were opened from (Esc goes back to it).
    indirect case invoice(InvoiceDetailModel)
    indirect case payment(PaymentDetailModel)
    indirect case currentStatement(CurrentStatementModel)
    indirect case payDay(PayDayModel)
    case scheduled(ScheduledModel)
    case calendar(CalendarModel)
    case pinChange(PINChangeModel)
    case methods(MethodsModel)
    case saveMethod(SaveMethodModel)
    case bankEntry(BankEntryModel)
    case pastStatement(PastStatementModel)
    case documents(DocumentsModel)
    case autopay(AutopayModel)
    case autopayEditor(AutopayEditorModel)

    /// A short name for tests and logs (never any of the customer's data).
    public var name: String {
        switch self {
        case .unavailable: "unavailable"
        case .welcome: "welcome"
        case .pin: "pin"
        case .home: "home"
        case .details: "details"
        case .invoices: "invoices"
        case .pay: "pay"
        case .swipe: "swipe"
        case .signature: "signature"
        case .terms: "terms"
        case .confirm: "confirm"
        case .done: "done"
        case .statements: "statements"
        case .credits: "credits"
        case .history: "history"
        case .invoiceHistory: "invoice-history"
        case .invoice: "invoice"
        case .payment: "payment"
        case .currentStatement: "current-statement"
        case .payDay: "pay-day"
        case .scheduled: "scheduled"
        case .calendar: "calendar"
        case .pinChange: "pin change"
        case .methods: "methods"
        case .saveMethod: "save-method"
        case .bankEntry: "bank-entry"
        case .pastStatement: "past-statement"
        case .documents: "documents"
        case .autopay: "autopay"
        case .autopayEditor: "autopay-editor"
        }
    }
}

public struct WelcomeModel: Sendable, Equatable {
    public var account = ""
    public var message: String?
    /// When `message` was shown: it stays for a minute from then (or from the last key),
    /// however long the kiosk was idle before.
    public var messageAt: Double = 0
    public init(message: String? = nil, at time: Double = 0) { self.message = message; self.messageAt = time }
}

public struct PINModel: Sendable, Equatable {
    public var account: String
    /// The digits typed; drawn as bullets only, wiped the moment the request is made.
    public var pin = ""
    public var busy = false
    public var message: String?
    public init(account: String) { self.account = account }
}

public struct InvoicesModel: Sendable, Equatable {
    public var items: OpenItemsResult?
    public var cursor = 0
    public var selected: Set<String> = []
    public var includeFinance = false
    /// An invoice's summary is open (Enter on a row).
    public var showingSummary = false
    public var problems: [String] = []
    public var busy = false
    public init() {}

    /// A page of `items.open` added below the pages already shown ("Load more"): the rows
    /// grow, the totals and counts are the newest reply's (always the whole list's). Page 0
    /// starts over.
    public static func adding(_ page: OpenItemsResult, to shown: OpenItemsResult?) -> OpenItemsResult {
        guard page.page > 0, let shown else { return page }
        var merged = page
        merged.invoices = appendingPage(shown.invoices, page.invoices, id: \.id)
        return merged
    }

    /// Rows: the invoices, then the finance-charges line when there is one.
    public var rowCount: Int { (items?.invoices.count ?? 0) + (hasFinanceLine ? 1 : 0) }
    public var hasFinanceLine: Bool { (items?.financeCharges ?? 0) > 0 }
    public var financeLocked: Bool { items?.financeChargesRequired ?? false }
    public var financeIncluded: Bool { hasFinanceLine && (financeLocked ? !chosen.isEmpty : includeFinance) }

    /// The invoices selected that may be paid: an invoice a payment already covers is never
    /// paid twice, so it is neither selectable nor counted.
    public var chosen: [OpenItemsResult.Invoice] {
        items?.invoices.filter { selected.contains($0.id) && !$0.isCovered } ?? []
    }

    public var runningTotal: Int {
        chosen.reduce(0) { $0 + $1.amountDue } + (financeIncluded ? items?.financeCharges ?? 0 : 0)
    }
}

/// A later page's rows below those shown ("Load more"); a row already shown is left out,
/// should the list have shifted between the two calls (a payment made, a sync).
func appendingPage<Row>(_ shown: [Row], _ page: [Row], id: (Row) -> String) -> [Row] {
    let known = Set(shown.map(id))
    return shown + page.filter { !known.contains(id($0)) }
}

extension OpenItemsResult.Invoice {
    /// A payment (pending, scheduled, waiting, or processed here) covers it.
    public var isCovered: Bool { !(coveredBy ?? []).isEmpty }
    /// "K7XQ2M" or "K7XQ2M, 9ZT4HB".
    public var coveringIDs: String { (coveredBy ?? []).map(\.id).joined(separator: ", ") }
}

public struct PayModel: Sendable, Equatable {
    /// Balance forward: the amount as typed ("125.50"; "125,50" in fr_CA).
    public var amountEntry = AmountEntry()
    public var maximum: Int = 0
    public var askAmount = false
    public var cards: [PaymentOptions.CardOnFile] = []
    /// 0..<cards.count: a card on file; cards.count: "swipe a card now".
    public var choice = 0
    public var message: String?
    public var busy = false
    public init() {}

    public var amount: Int? { amountEntry.minorUnits }
    /// `cards` holds the cards and bank accounts on file; after them: swipe, then type a bank account.
    public var swipeChosen: Bool { choice == cards.count }
    public var bankEntryChosen: Bool { choice > cards.count }
}

public struct SwipeModel: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case starting, waiting, reading, read, failed }
    public var capture: String?
    public var phase: Phase = .starting
    /// "VISA •••• 1111 exp 2028-12": the masked card, never more.
    public var masked: String?
    public var message: String?
    public init() {}
}

public struct SignatureModel: Sendable, Equatable {
    public var capture: String?
    public var points = 0
    /// The pad's strokes so far (`capture.progress` preview), drawn in braille.
    public var strokes: [[[Double]]] = []
    public var finishing = false
    public var message: String?
    public init() {}
}

public struct TermsModel: Sendable, Equatable {
    public var text: String
    public var scroll = 0
    public var agreed = false
    public var message: String?
    public init(text: String) { self.text = text }
}

public struct ConfirmModel: Sendable, Equatable {
    public var busy = false
    public var message: String?
    public init() {}
}

public struct DoneModel: Sendable, Equatable {
    public var result: PaymentSubmitResult
    public var shownAt: Double
    /// The receipt on the kiosk's printer: not asked for, printing, or how it ended.
    public var receipt: ReceiptPrinting = .notAsked
    public init(result: PaymentSubmitResult, shownAt: Double) { self.result = result; self.shownAt = shownAt }
}

public enum ReceiptPrinting: Sendable, Equatable {
    case notAsked
    case printing
    case printed
    /// The sentence for the customer (ask the staff).
    case failed(String)
}
