import Foundation
import KioskProtocol

/// Home: the account at a glance, the job selector, and the menu to everything else.
extension FrontState {
    /// The home menu: key, label, and the permissions that open it (any one; none: anyone
    /// signed in). Digits first; past nine, letters.
    static let homeMenu: [(key: Character, label: String, permissions: [String])] = [
        ("1", "Pay invoices", ["pay"]),
        ("2", "Account details", []),
        ("3", "Statements", ["view_statements"]),
        ("4", "Credits", ["view_credits"]),
        ("5", "Payment history", ["view_history"]),
        ("6", "Invoices, open and paid", ["view_open_items", "view_history"]),
        ("7", "Scheduled payments", ["view_history"]),
        ("8", "Payments calendar", ["pay", "view_history"]),
        ("9", "Payment methods", ["pay"]),
        ("p", "Change my PIN", []),
        ("d", "My documents", []),
        ("a", "Autopay rules", ["manage_autopay"]),
    ]

    /// Job choices for a job-billed account with more than one job: consolidated (nil)
    /// first, then each job. Otherwise there is nothing to choose.
    var jobChoices: [Int?] {
        guard let session, session.jobBilled, let jobs = session.info?.jobs, jobs.count > 1 else { return [nil] }
        return [nil] + jobs.map(\.number)
    }

    /// The home menu's label for an item ("Pay invoices", or "Pay an amount" on a
    /// balance-forward account).
    func menuLabel(_ key: Character, _ label: String) -> String {
        key == "1" && session?.balanceForward == true ? "Pay an amount" : label
    }

    /// A menu item may be opened: the permission, and for paying, nothing blocking it.
    func menuOffered(_ key: Character, _ permissions: [String]) -> Bool {
        guard let session else { return false }
        if !permissions.isEmpty, !permissions.contains(where: session.may) { return false }
        return key != "1" || session.payBlock == nil
    }

    mutating func homeKey(_ key: Key) -> [Effect] {
        guard var current = session else { return [] }
        switch key {
        case .left, .right, .tab, .backTab:
            let choices = jobChoices
            guard choices.count > 1 else { return [] }
            let index = choices.firstIndex(of: current.job) ?? 0
            let step = (key == .left || key == .backTab) ? -1 : 1
            current.job = choices[(index + step + choices.count) % choices.count]
            current.balances = nil
            current.summary = nil
            session = current
            generation += 1  // replies about the job left behind are dropped
            return loadHome()
        case .escape, .char("0"):
            return signOut(message: "You are signed out. Thank you!")
        case .char("a") where !current.rejections.isEmpty, .char("A") where !current.rejections.isEmpty:
            // While a rejection notice shows, A is its "OK, seen" (the notice comes first).
            guard let notice = current.rejections.first else { return [] }
            current.rejections.removeFirst()
            session = current
            return [send(.acknowledge, Methods.paymentAcknowledge, PaymentIDParams(id: notice.payment))]
        default:
            let choice: Character?
            if case .function(let n) = key, (1...9).contains(n) { choice = Character(String(n)) } else { choice = key.digit ?? key.letter }
            guard let choice, let item = Self.homeMenu.first(where: { $0.key == choice }) else { return [] }
            // Not offered (no permission, or paying cannot succeed: home says why): nothing happens.
            guard menuOffered(item.key, item.permissions) else { return [] }
            return openMenu(item.key)
        }
    }

    private mutating func openMenu(_ key: Character) -> [Effect] {
        guard let session else { return [] }
        switch key {
        case "1":
            draft = PaymentDraft()
            draft.job = session.job
            draft.currency = session.currency
            if session.balanceForward {
                var model = PayModel()
                model.askAmount = true
                model.maximum = session.balances?.total ?? 0
                model.cards = cards(for: session.job)
                screen = .pay(model)
                return []
            }
            screen = .invoices(InvoicesModel())
            return [send(.openItems, Methods.itemsOpen, OpenItemsParams(job: session.job, page: 0))]
        case "9":
            return openMethods()
        case "p":
            screen = .pinChange(PINChangeModel())
            return []
        case "2":
            screen = .details
            return session.may("view_balances") ? [send(.activity, Methods.accountActivity, AccountParams(account: nil, job: session.job))] : []
        case "6":
            return openInvoiceHistory()
        case "7":
            return openScheduled()
        case "8":
            return openCalendar()
        case "d":
            return openDocuments()
        case "a":
            return openAutopay(message: nil)
        default:
            return openHistoryMenu(key)
        }
    }

    /// Cards and bank accounts the customer may use for `job`: the account's and the job's own.
    func cards(for job: Int?) -> [PaymentOptions.CardOnFile] {
        let all = (session?.options?.cardsOnFile ?? []) + (session?.options?.bankAccountsOnFile ?? [])
        let usable = all.filter { $0.job == nil || $0.job == job }
        return usable.sorted { $0.isDefault && !$1.isDefault }
    }

    /// Replies for the account reads home and details show.
    mutating func accountReply(_ purpose: Purpose, _ data: Data) {
        guard var current = session else { return }
        switch purpose {
        case .accountInfo:
            if let info = Wire.decode(AccountInfo.self, data) {
                current.info = info
                if let rejected = info.rejectedPayments { current.rejections = rejected }
            }
        case .balances:
            if let balances = Wire.decode(BalancesResult.self, data), balances.job == current.job || current.job == nil { current.balances = balances }
        case .summary: current.summary = Wire.decode(SummaryResult.self, data) ?? current.summary
        case .activity: current.activity = Wire.decode(ActivityResult.self, data) ?? current.activity
        case .options:
            current.options = Wire.decode(PaymentOptions.self, data) ?? current.options
            if current.options?.acceptsOnlinePayments == false {
                current.payBlock = .storeTakesNoPayments
            } else if let pending = current.options?.pendingPayment {
                // The daemon names the payment that blocks this scope (one pending per scope).
                current.payBlock = .pending(id: pending.id, amount: pending.amount)
            }
        default: break
        }
        session = current
    }

    /// The quote of nothing for the scope on show: its problems say whether paying can
    /// succeed (`payments_disabled`; a `conflict` about no item is a pending payment of this
    /// scope). Which payment is pending comes from the history, when the customer may read it.
    mutating func payCheckReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        guard var current = session, case .success(let data) = result else { return [] }
        defer { session = current }
        switch purpose {
        case .payCheck:
            current.payChecked = true
            guard let quote = Wire.decode(PaymentQuoteResult.self, data) else { return [] }
            if quote.problems.contains(where: { $0.kind == ErrorKind.paymentsDisabled.rawValue }) {
                current.payBlock = .storeTakesNoPayments
            } else if quote.problems.contains(where: { $0.kind == ErrorKind.conflict.rawValue && $0.item == nil }) {
                // `payment.options` may already have named it; otherwise (an older daemon) the
                // history says which, when the customer may read it.
                if case .pending(_?, _)? = current.payBlock { return [] }
                current.payBlock = .pending(id: nil, amount: nil)
                if current.may("view_history") {
                    session = current
                    return [send(.pendingPayment, Methods.historyList, HistoryParams(job: current.job, page: 0, limit: PageWindow.limits.upperBound))]
                }
            }
        case .pendingPayment:
            guard case .pending? = current.payBlock, let history = Wire.decode(HistoryResult.self, data) else { return [] }
            let job = current.job
            if let row = history.payments.first(where: { $0.state == "pending" && ($0.job == nil || job == nil || $0.job == job) }) {
                current.payBlock = .pending(id: row.id, amount: row.amount)
            } else if history.more {
                // Not on this page: the history is paged, so look on the next one.
                session = current
                return [send(.pendingPayment, Methods.historyList,
                             HistoryParams(job: job, page: history.page + 1, limit: PageWindow.limits.upperBound))]
            }
        default: break
        }
        return []
    }

    /// Routes a reply to the screen that asked.
    mutating func reply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch purpose {
        case .signIn:
            return signInReply(result)
        case .accountInfo, .balances, .summary, .activity, .options:
            if case .success(let data) = result { accountReply(purpose, data) }
            return []
        case .openItems, .quote:
            return invoicesReply(purpose, result)
        case .captureCard, .captureSignature, .captureFinish, .emulate:
            return captureReply(purpose, result)
        case .submit:
            return submitReply(result)
        case .printReceipt:
            return receiptReply(result)
        case .statements, .credits, .history:
            return historyReply(purpose, result)
        case .invoiceHistory, .invoiceDetail, .paymentDetail, .currentStatement:
            return documentReply(purpose, result)
        case .scheduled, .reschedule, .cancelScheduled:
            return schedulingReply(purpose, result)
        case .calendarMonth, .calendarDay:
            return calendarReply(purpose, result)
        case .pastStatement, .sendDocument, .documents:
            return documentsReply(purpose, result)
        case .payCheck, .pendingPayment:
            return payCheckReply(purpose, result)
        case .pinChange:
            return pinChangeReply(result)
        case .methods, .methodChange, .saveMethod, .captureBank:
            return methodsReply(purpose, result)
        case .autopayList, .autopayChange, .autopayMethods, .autopaySave, .autopayPositions:
            return autopayReply(purpose, result)
        case .captureCancel, .signOut, .keepAlive, .acknowledge:
            return []
        }
    }
}
