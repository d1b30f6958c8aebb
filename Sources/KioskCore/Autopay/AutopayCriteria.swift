/// What each criteria field compares and which operators it allows (PROTOCOL.md "Autopay
/// rules"), how many values each operator takes, and whether a row holds for an invoice on a
/// day. One table for validation and evaluation, so the two cannot disagree.
public enum AutopayField: String, Sendable, CaseIterable {
    case job, amount
    case lineItem = "line_item"
    case ageDays = "age_days"
    case daysUntilDue = "days_until_due"
    case poNumber = "po_number"

    public enum ValueType: Sendable { case number(minimum: Int?), text }

    public var valueType: ValueType {
        switch self {
        case .job, .amount, .ageDays: .number(minimum: 0)
        case .daysUntilDue: .number(minimum: nil)
        case .lineItem, .poNumber: .text
        }
    }

    public var operators: Set<AutopayOperator> {
        switch self {
        case .job: [.is, .isNot, .oneOf]
        case .amount, .ageDays, .daysUntilDue: [.is, .isNot, .lt, .le, .gt, .ge, .between]
        case .lineItem, .poNumber: [.is, .isNot, .contains, .oneOf]
        }
    }
}

public enum AutopayOperator: String, Sendable, CaseIterable {
    case `is`, isNot = "is_not", lt, le, gt, ge, contains, between, oneOf = "one_of"

    /// How many values the operator takes.
    public var valueCount: ClosedRange<Int> {
        switch self {
        case .between: 2...2
        case .oneOf: 1...50
        default: 1...1
        }
    }
}

/// The facts of an invoice a rule is tried against, as of the day `d` evaluated.
public struct AutopayInvoice: Sendable, Equatable {
    public var id: String
    public var number: String
    public var job: Int?
    public var amount: Int
    public var date: LocalDate
    public var dueDate: LocalDate?
    public var poNumber: String?
    public var lineNames: [String]
    public init(id: String, number: String, job: Int?, amount: Int, date: LocalDate, dueDate: LocalDate?, poNumber: String?, lineNames: [String]) {
        self.id = id; self.number = number; self.job = job; self.amount = amount; self.date = date; self.dueDate = dueDate
        self.poNumber = poNumber; self.lineNames = lineNames
    }

    public init(_ item: Item) {
        self.init(id: item.id, number: item.number, job: item.job, amount: item.amount, date: item.date, dueDate: item.dueDate,
                  poNumber: item.poNumber, lineNames: item.lines.map(\.name))
    }
}

extension AutopayCriterion {
    /// Whether this (valid) row holds for `invoice` on day `day`. Strings compare ignoring case.
    public func holds(for invoice: AutopayInvoice, on day: LocalDate) -> Bool {
        guard let field = AutopayField(rawValue: field), let op = AutopayOperator(rawValue: op) else { return false }
        switch field {
        case .job:
            guard let job = invoice.job else { return op == .isNot }
            return compare(job, op)
        case .amount: return compare(invoice.amount, op)
        case .ageDays: return compare(day.days(since: invoice.date), op)
        case .daysUntilDue: return compare((invoice.dueDate ?? invoice.date).days(since: day), op)
        case .poNumber:
            // An invoice without a PO number satisfies only `is_not`.
            guard let po = invoice.poNumber else { return op == .isNot }
            return compare(po, op)
        case .lineItem:
            // Holds when some line matches; `is_not` when none equals.
            if op == .isNot { return !invoice.lineNames.contains { compare($0, .is) } }
            return invoice.lineNames.contains { compare($0, op) }
        }
    }

    private var numbers: [Int] { values.compactMap { if case .number(let n) = $0 { n } else { nil } } }
    private var texts: [String] { values.compactMap { if case .text(let s) = $0 { s.lowercased() } else { nil } } }

    private func compare(_ x: Int, _ op: AutopayOperator) -> Bool {
        let v = numbers
        guard let first = v.first else { return false }
        switch op {
        case .is: return x == first
        case .isNot: return x != first
        case .lt: return x < first
        case .le: return x <= first
        case .gt: return x > first
        case .ge: return x >= first
        case .between: return v.count == 2 && v[0] <= x && x <= v[1]
        case .oneOf: return v.contains(x)
        case .contains: return false
        }
    }

    private func compare(_ text: String, _ op: AutopayOperator) -> Bool {
        let x = text.lowercased(), v = texts
        guard let first = v.first else { return false }
        switch op {
        case .is: return x == first
        case .isNot: return x != first
        case .contains: return x.contains(first)
        case .oneOf: return v.contains(x)
        case .lt, .le, .gt, .ge, .between: return false
        }
    }
}

extension AutopayRule {
    /// All rows hold, and a rule whose method is a job's pays only that job's invoices.
    public func matches(_ invoice: AutopayInvoice, on day: LocalDate, methodJob: Int?) -> Bool {
        if let methodJob, invoice.job != methodJob { return false }
        return criteria.allSatisfy { $0.holds(for: invoice, on: day) }
    }
}
