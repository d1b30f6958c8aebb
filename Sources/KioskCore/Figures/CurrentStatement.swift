import Foundation

/// Where an open charge stands by days past due (DOMAIN.md "Statements, credits, history").
public enum AgingBucket: String, Sendable, CaseIterable {
    case current
    case days1to30 = "1_30"
    case days31to60 = "31_60"
    case days61to90 = "61_90"
    case over90 = "over_90"

    /// `current` when not past due (due today or later, or no due date).
    public init(daysPastDue days: Int) {
        switch days {
        case ...0: self = .current
        case 1...30: self = .days1to30
        case 31...60: self = .days31to60
        case 61...90: self = .days61to90
        default: self = .over90
        }
    }
}

/// A statement as of today, built on request: open charges aged, the activity since the last
/// statement, and the amount due.
public struct CurrentStatement: Equatable, Sendable {
    public struct AgedItem: Equatable, Sendable {
        public var item: Item
        public var daysPastDue: Int
        public var bucket: AgingBucket
    }
    /// One record of the activity since the last statement; `amount` is positive, `kind`
    /// (an item kind, `payment` for payments) gives the sign.
    public struct Activity: Equatable, Sendable {
        public var date: LocalDate
        public var kind: String
        public var id: String
        public var number: String
        public var amount: Int
    }
    public var date: LocalDate
    public var lastStatement: Statement?
    public var items: [AgedItem]
    /// Open amounts per bucket, every bucket present.
    public var aging: [AgingBucket: Int]
    public var activity: [Activity]
    public var charges: Int
    public var payments: Int
    public var credits: Int
    /// As in the balance figures.
    public var openCredits: Int
    /// Σ aging − open credits, which equals the balances' total.
    public var amountDue: Int
}

extension Figures {
    /// The scope's current statement as of `today` (dates in the branch's time zone).
    public static func currentStatement(_ a: Account, scope: FigureScope, branch: Branch, today: LocalDate) -> CurrentStatement {
        let charges: Set<ItemKind> = [.invoice, .financeCharge, .debitAdjustment]
        let open = a.items(in: scope).filter { charges.contains($0.kind) && $0.openAmount > 0 }
        let items = open.map { item -> CurrentStatement.AgedItem in
            let days = item.dueDate.map { max(0, today.days(since: $0)) } ?? 0
            return .init(item: item, daysPastDue: days, bucket: AgingBucket(daysPastDue: days))
        }.sorted { x, y in payOrder(x.item, y.item) }
        var aging = Dictionary(uniqueKeysWithValues: AgingBucket.allCases.map { ($0, 0) })
        for aged in items { aging[aged.bucket, default: 0] += aged.item.openAmount }

        // The newest statement of the scope: a job's own, else any.
        let last = a.statements.filter { scope.job == nil || $0.job == scope.job }.max { $0.issuedAt.date < $1.issuedAt.date }
        let since = last.map { branch.today(at: $0.issuedAt.date) }
        func inPeriod(_ day: LocalDate) -> Bool { day <= today && (since.map { day > $0 } ?? true) }

        var activity = [CurrentStatement.Activity]()
        let credits: Set<ItemKind> = [.creditMemo, .creditAdjustment]
        for item in a.items(in: scope) where inPeriod(item.date) {
            if charges.contains(item.kind) || credits.contains(item.kind) {
                activity.append(.init(date: item.date, kind: item.kind.rawValue, id: item.id, number: item.number, amount: item.amount))
            } else if item.kind == .payment, let payment = PaymentCommitment.kioskPayment(creditID: item.id) {
                // Processed at the kiosk, not yet in the back office's data: listed as the payment.
                activity.append(.init(date: item.date, kind: ItemKind.payment.rawValue, id: payment, number: payment, amount: item.amount))
            }
        }
        for p in a.payments(in: scope) where inPeriod(p.date) {
            activity.append(.init(date: p.date, kind: ItemKind.payment.rawValue, id: p.id, number: p.id, amount: p.amount))
        }
        activity.sort { $0.date != $1.date ? $0.date < $1.date : $0.id < $1.id }
        func total(_ kinds: Set<String>) -> Int { activity.filter { kinds.contains($0.kind) }.reduce(0) { $0 + $1.amount } }

        let openCredits = balances(a, scope: scope).credits
        return CurrentStatement(date: today, lastStatement: last, items: items, aging: aging, activity: activity,
                                charges: total(Set(charges.map(\.rawValue))), payments: total([ItemKind.payment.rawValue]),
                                credits: total(Set(credits.map(\.rawValue))), openCredits: openCredits,
                                amountDue: aging.values.reduce(0, +) - openCredits)
    }
}
