import Foundation

/// What a customer asked to pay (the params of `payment.quote` / `payment.submit`).
public struct PaymentRequest: Sendable, Equatable {
    public var job: Int?
    /// Open-item accounts: the invoices chosen, by item id.
    public var invoices: [String]
    public var includeFinanceCharges: Bool
    /// Balance-forward accounts: the amount, in minor units.
    public var amount: Int?
    /// The day it is to run; nil or today: now.
    public var payOn: LocalDate?

    public init(job: Int? = nil, invoices: [String] = [], includeFinanceCharges: Bool = false, amount: Int? = nil, payOn: LocalDate? = nil) {
        self.job = job; self.invoices = invoices; self.includeFinanceCharges = includeFinanceCharges; self.amount = amount
        self.payOn = payOn
    }
}

/// A kiosk payment that covers what it pays for (DOMAIN.md "Paying", "Never charge twice"):
/// pending, scheduled or waiting, or processed here and not yet in the back office's history.
/// A rejected or deleted payment covers nothing.
public struct PaymentCommitment: Sendable, Equatable {
    public var paymentID: String
    public var job: Int?
    public var state: PaymentState
    public var amount: Int
    /// Item id (or `finance_charges`, or `balance`) → amount.
    public var lines: [String: Int]
    /// The day a scheduled or waiting payment runs.
    public var payOn: LocalDate?

    public init(paymentID: String, job: Int?, state: PaymentState, amount: Int, lines: [String: Int], payOn: LocalDate? = nil) {
        self.paymentID = paymentID; self.job = job; self.state = state; self.amount = amount; self.lines = lines; self.payOn = payOn
    }

    /// The unapplied credit a payment processed at the kiosk leaves on the account until the
    /// back office's data replaces it.
    public static func kioskCreditID(_ payment: String) -> String { "KIOSK-\(payment)" }

    /// The kiosk payment a credit item stands for, when it is one (``kioskCreditID(_:)``).
    public static func kioskPayment(creditID: String) -> String? {
        creditID.hasPrefix("KIOSK-") ? String(creditID.dropFirst("KIOSK-".count)) : nil
    }
}

/// Which payments compete for "one pending payment per account (per job)".
public enum PaymentScope {
    /// Two payments of one account share a scope when either is for the whole account (no
    /// job: an account-billed account, or a consolidated payment) or both are for one job.
    public static func overlaps(_ a: Int?, _ b: Int?) -> Bool { a == nil || b == nil || a == b }

    /// The pending payment among `commitments` that keeps a payment for `job` from being
    /// pending too, if any.
    public static func pendingBlocker(for job: Int?, among commitments: [PaymentCommitment]) -> PaymentCommitment? {
        commitments.first { $0.state == .pending && overlaps($0.job, job) }
    }
}

/// When a payment may be dated: today, or a later day up to a year ahead.
public enum PaymentSchedule {
    public static let daysAhead = 365

    /// Why `payOn` cannot be a payment's day, or nil when it can.
    public static func problem(payOn: LocalDate, today: LocalDate) -> PaymentProblem? {
        if payOn < today { return PaymentProblem(.invalidParams, "The payment date is in the past; choose today or a later day.") }
        if payOn > today.adding(days: daysAhead) { return PaymentProblem(.invalidParams, "A payment can be scheduled at most a year ahead.") }
        return nil
    }

    /// The state a payment dated `payOn` starts in (or is moved to): pending for today or no
    /// day, scheduled for a later one — the one rule submit and reschedule share.
    public static func state(payOn: LocalDate?, today: LocalDate) throws(PaymentRefusal) -> PaymentState {
        guard let payOn else { return .pending }
        if let problem = problem(payOn: payOn, today: today) { throw PaymentRefusal(problem) }
        return payOn > today ? .scheduled : .pending
    }
}

extension PaymentProblem {
    /// The one sentence for "another payment of this scope is pending", used by a new
    /// payment and by moving a scheduled one to today alike.
    public static func stillPending(_ pending: PaymentCommitment, currency: String) -> PaymentProblem {
        PaymentProblem(.conflict, "Payment \(pending.paymentID) for \(Money.text(pending.amount, currency: currency)) is still pending on this account; the store must process it before another payment can go ahead.")
    }
}

/// One line of a quote: an invoice, the finance charges, or a balance-forward amount.
public struct QuoteLine: Sendable, Equatable {
    public static let financeChargesID = "finance_charges"
    public static let balanceID = "balance"
    public var id: String
    public var amount: Int
    /// The finance-charges line is forced into the total by the branch.
    public var locked: Bool
    public init(id: String, amount: Int, locked: Bool = false) { self.id = id; self.amount = amount; self.locked = locked }
}

/// Why a payment cannot be made as asked: what kind of refusal it is and a sentence a customer
/// understands. The daemon maps the kind to the protocol's error kind (Core knows no wire).
public struct PaymentProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The branch does not take payments at the kiosk.
        case paymentsDisabled
        /// The amount is not one that can be paid.
        case invalidAmount
        /// The request contradicts what is stored (another payment, a used capture, a state).
        case conflict
        /// What the request names is not there (any more).
        case notFound
        /// The request itself is malformed (a day out of range, a message too long).
        case invalidParams
        /// The caller may not do this.
        case permissionDenied
        /// Worth trying again as it is.
        case busy
    }
    public var kind: Kind
    public var message: String
    /// The item the problem is about, when there is one.
    public var item: String?
    /// The request parameter at fault (`reason`, `message`), for an invalid-params problem
    /// the caller can point at.
    public var parameter: String?
    public init(_ kind: Kind, _ message: String, item: String? = nil, parameter: String? = nil) {
        self.kind = kind; self.message = message; self.item = item; self.parameter = parameter
    }
    public var description: String { message }
}

/// The priced request: lines, total, and every problem found (empty when it can be paid).
public struct PaymentQuote: Sendable, Equatable {
    public var lines: [QuoteLine]
    public var total: Int
    public var problems: [PaymentProblem]
    public var canPay: Bool { problems.isEmpty && total > 0 }
}

extension Figures {
    /// Prices a payment request by DOMAIN.md "Paying":
    ///
    /// * one pending payment per account (per job), named in the refusal;
    /// * the branch must accept online payments;
    /// * open-item accounts pay chosen open invoices at their amount due (open amount less
    ///   linked credit memos) less what pending or scheduled payments already cover, so no
    ///   payment can push an invoice below zero; finance charges due are one line, forced in
    ///   when the branch says "pay finance charges first";
    /// * balance-forward accounts pay an amount above zero and at most Total less what pending
    ///   or scheduled payments in the same scope already cover.
    ///
    /// Pure: the caller passes the account, today in the branch's zone and the commitments.
    public static func quote(_ account: Account, scope: FigureScope, branch: Branch, today: LocalDate,
                             request: PaymentRequest, commitments: [PaymentCommitment], currency: String) -> PaymentQuote {
        var problems: [PaymentProblem] = []
        // One pending payment per account (per job on job-billed accounts; a consolidated one
        // counts for every job). Scheduled payments do not block, but count below.
        // A payment for a later day may be made while another is pending: should that one
        // still be pending on its day, it waits (PaymentQueue).
        if request.payOn.map({ $0 <= today }) ?? true, let pending = PaymentScope.pendingBlocker(for: request.job, among: commitments) {
            problems.append(.stillPending(pending, currency: currency))
        }
        if !branch.acceptOnlinePayments {
            problems.append(PaymentProblem(.paymentsDisabled, "this store does not take payments at the kiosk for this account; please pay at the counter"))
        }
        var lines: [QuoteLine] = []
        switch account.receivablesType {
        case .openItem:
            if request.amount != nil {
                problems.append(PaymentProblem(.invalidParams, "this account pays by invoice: choose invoices rather than an amount"))
            }
            let open = openItems(account, scope: scope, branch: branch, today: today)
            var covered: [String: Int] = [:]
            for c in commitments { for (id, amount) in c.lines { covered[id, default: 0] += amount } }
            func coveredBy(_ id: String) -> String? { commitments.first { ($0.lines[id] ?? 0) > 0 }?.paymentID }
            var seen = Set<String>()
            for id in request.invoices {
                guard seen.insert(id).inserted else {
                    problems.append(PaymentProblem(.invalidParams, "an invoice was chosen twice", item: id)); continue
                }
                guard let invoice = open.invoices.first(where: { $0.id == id }) else {
                    problems.append(PaymentProblem(.notFound, "that invoice is not open on this account any more; refresh the list", item: id)); continue
                }
                let offer = invoice.amountDue - covered[id, default: 0]
                guard offer > 0 else {
                    let by = coveredBy(id).map { " by payment \($0)" } ?? ""
                    problems.append(PaymentProblem(.conflict, "invoice \(invoice.number) is already being paid\(by)", item: id)); continue
                }
                lines.append(QuoteLine(id: id, amount: offer))
            }
            let charges = open.financeCharges - covered[QuoteLine.financeChargesID, default: 0]
            if charges > 0 && (request.includeFinanceCharges || open.financeChargesRequired) {
                lines.append(QuoteLine(id: QuoteLine.financeChargesID, amount: charges, locked: open.financeChargesRequired))
            }
            if lines.isEmpty && problems.isEmpty {
                problems.append(PaymentProblem(.invalidAmount, "choose at least one invoice to pay"))
            }
        case .balanceForward:
            if !request.invoices.isEmpty {
                problems.append(PaymentProblem(.invalidParams, "this account pays an amount rather than invoices: enter the amount"))
            }
            let total = balances(account, scope: scope).total
            // A payment processed here already lowers Total through its unapplied credit, as long
            // as that credit is on the account; once a sync dropped it without carrying the
            // payment, the payment must still count.
            let creditIDs = Set(account.items.lazy.filter { $0.kind == .payment }.map(\.id))
            let pending = commitments.filter { c in
                (c.state != .processed || !creditIDs.contains(PaymentCommitment.kioskCreditID(c.paymentID)))
                    && (scope == .account || scope == .consolidated || c.job == nil || FigureScope.job(c.job!) == scope)
            }.reduce(0) { $0 + $1.amount }
            let most = total - pending
            if let amount = request.amount {
                if amount <= 0 {
                    problems.append(PaymentProblem(.invalidAmount, "the amount must be more than zero"))
                } else if most <= 0 {
                    problems.append(PaymentProblem(.invalidAmount, "there is nothing to pay right now: the balance is already covered by pending payments"))
                } else if amount > most {
                    problems.append(PaymentProblem(.invalidAmount, "the most you can pay now is \(Money.text(most, currency: currency))"))
                } else {
                    lines.append(QuoteLine(id: QuoteLine.balanceID, amount: amount))
                }
            } else {
                problems.append(PaymentProblem(.invalidAmount, "enter the amount to pay (at most \(Money.text(max(most, 0), currency: currency)))"))
            }
        }
        return PaymentQuote(lines: lines, total: lines.reduce(0) { $0 + $1.amount }, problems: problems)
    }
}

/// Money in a sentence: "120.00 USD". Locale-aware display is the front's job; this is for
/// messages that must be unambiguous in any locale.
public enum Money {
    public static func text(_ minor: Int, currency: String) -> String {
        let sign = minor < 0 ? "-" : ""
        let value = abs(minor)
        return "\(sign)\(value / 100).\(String(format: "%02d", value % 100)) \(currency)"
    }
}

extension Figures {
    /// Item id → the payments covering it, in `commitments`' order. Lists mark such an
    /// invoice "being paid" instead of offering it (DOMAIN.md "Never charge twice").
    public static func covers(_ commitments: [PaymentCommitment]) -> [String: [PaymentCommitment]] {
        var out: [String: [PaymentCommitment]] = [:]
        for c in commitments where PaymentState.covering.contains(c.state) {
            for (item, amount) in c.lines where amount > 0 { out[item, default: []].append(c) }
        }
        return out
    }
}
