import KioskProtocol

/// What the customer has chosen so far on the way to paying. Wiped at sign-out.
public struct PaymentDraft: Sendable, Equatable {
    public var job: Int?
    public var invoices: [String]?
    public var invoiceNumbers: [String] = []
    public var includeFinanceCharges: Bool?
    /// Balance forward: the amount typed (minor units); open item: nil (the quote decides).
    public var amount: Int?
    public var total: Int = 0
    public var currency: String = "USD"
    public var cardOnFile: String?
    /// A bank account on file, by id.
    public var bankAccount: String?
    /// A swiped card or a typed bank account (its sealed capture's id).
    public var cardCapture: String?
    /// The capture already saved as a payment method (offered once).
    public var savedCapture: String?
    /// "CARD ENDING IN 4242" or the swiped card's masked description; never a full number.
    public var methodDescription: String = ""
    public var signature: String?
    public var termsSHA256: String?
    /// The day it is for (`YYYY-MM-DD`, the branch's); nil: today.
    public var payOn: String?

    public init() {}

    var submitParams: PaymentSubmitParams? {
        guard let signature, let termsSHA256, cardOnFile != nil || cardCapture != nil || bankAccount != nil else { return nil }
        return PaymentSubmitParams(job: job, invoices: invoices, includeFinanceCharges: includeFinanceCharges, amount: amount,
                                   method: .init(cardOnFile: cardOnFile, capture: cardCapture, bankAccount: bankAccount),
                                   signature: signature, termsSHA256: termsSHA256, payOn: payOn)
    }
}

/// The signed-in customer and what has been read about the account.
public struct SessionData: Sendable, Equatable {
    public var account: String
    public var contactName: String
    public var permissions: [String]
    public var idleSeconds: Double
    public var endsAt: Double
    public var info: AccountInfo?
    public var options: PaymentOptions?
    public var balances: BalancesResult?
    public var summary: SummaryResult?
    public var activity: ActivityResult?
    /// Rejected payments not yet acknowledged (sign-in notices, then `account.get`).
    public var rejections: [RejectionNotice] = []
    /// The job chosen on home; nil: all jobs (consolidated) or an account billed by account.
    public var job: Int?
    /// Why "Pay" is not offered for this scope; nil when it is (or not known yet).
    public var payBlock: PayBlock?
    /// The check behind `payBlock` has answered for this scope.
    public var payChecked = false
    /// What came of the last "Send me this" (where it goes, or why it cannot); wiped with the session.
    public var documentNotice: String?

    public func may(_ permission: String) -> Bool { permissions.contains(permission) }
    public var jobBilled: Bool { info?.billingType == "job" }
    public var balanceForward: Bool { (info?.receivablesType ?? options?.receivablesType) == "balance_forward" }
    public var currency: String { info?.currency ?? balances?.currency ?? "USD" }

    public var jobName: String {
        guard let job else {
            guard jobBilled else { return "" }
            // One job only: "all jobs" is that job (job 0 answers as job 0).
            if let only = info?.jobs, only.count == 1 { return "Job \(only[0].number) \(only[0].name)" }
            return "All jobs (consolidated)"
        }
        let name = info?.jobs.first { $0.number == job }?.name ?? ""
        return "Job \(job) \(name)"
    }
}
