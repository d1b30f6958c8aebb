import Foundation

/// `statement.get` params: one past statement of the account, by its number.
public struct StatementGetParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    public var number: String
    public init(account: String? = nil, number: String) { self.account = account; self.number = number }
}

/// `statement.get` result: a past statement as the sync sent it. What the sync left out stays
/// absent (unknown, not zero); `lines` is `[]` when it sent none.
public struct StatementDetail: Codable, Sendable, Equatable {
    public struct Line: Codable, Sendable, Equatable {
        public var date: String
        /// An item kind; the kind gives the sign of `amount` (≥ 0).
        public var kind: String
        public var number: String
        public var amount: Int
        public init(date: String, kind: String, number: String, amount: Int) {
            self.date = date; self.kind = kind; self.number = number; self.amount = amount
        }
    }
    public var number: String
    public var issuedAt: String
    public var job: Int?
    public var jobName: String?
    public var openingBalance: Int?
    public var closingBalance: Int?
    public var aging: CurrentStatementResult.Aging?
    public var lines: [Line]
    public var currency: String
    enum CodingKeys: String, CodingKey {
        case number, issuedAt = "issued_at", job, jobName = "job_name", openingBalance = "opening_balance"
        case closingBalance = "closing_balance", aging, lines, currency
    }
    public init(number: String, issuedAt: String, job: Int?, jobName: String?, openingBalance: Int?, closingBalance: Int?,
                aging: CurrentStatementResult.Aging?, lines: [Line], currency: String) {
        self.number = number; self.issuedAt = issuedAt; self.job = job; self.jobName = jobName; self.openingBalance = openingBalance
        self.closingBalance = closingBalance; self.aging = aging; self.lines = lines; self.currency = currency
    }
}

/// A past statement as readable text, the same on the kiosk's screen, in kioskctl and in the
/// email the back office sends ("Send me this"). Money and dates are written by the caller's
/// formatters (the front's locale, plain ISO elsewhere), so this never guesses a locale.
public struct StatementText: Sendable {
    public var money: @Sendable (Int) -> String
    public var date: @Sendable (String) -> String
    public var instant: @Sendable (String) -> String

    public init(money: @escaping @Sendable (Int) -> String, date: @escaping @Sendable (String) -> String,
                instant: @escaping @Sendable (String) -> String) {
        self.money = money; self.date = date; self.instant = instant
    }

    /// What an item kind is called on a printed statement.
    public static func kindName(_ kind: String) -> String {
        switch kind {
        case "invoice": "Invoice"
        case "finance_charge": "Finance charge"
        case "debit_adjustment": "Debit adjustment"
        case "payment": "Payment"
        case "credit_memo": "Credit memo"
        case "credit_adjustment": "Credit adjustment"
        default: kind
        }
    }

    /// Charges add to the balance; payments and credits take from it.
    public static func isCharge(_ kind: String) -> Bool { ["invoice", "finance_charge", "debit_adjustment"].contains(kind) }

    /// The statement's lines of text, at most `width` characters each.
    public func lines(_ s: StatementDetail, width: Int = 76) -> [String] {
        func row(_ left: String, _ right: String) -> String {
            let room = max(1, width - right.count - 1)
            let l = left.count > room ? String(left.prefix(room)) : left
            return l + String(repeating: " ", count: max(1, width - l.count - right.count)) + right
        }
        var out = ["Statement \(s.number)", "Issued \(instant(s.issuedAt))"]
        if let job = s.job { out.append("Job \(job)" + (s.jobName.map { ": \($0)" } ?? "")) }
        out.append("")
        if let opening = s.openingBalance { out.append(row("Opening balance", money(opening))) }
        if s.lines.isEmpty {
            out.append("The store sent no lines for this statement.")
        } else {
            for line in s.lines {
                let signed = Self.isCharge(line.kind) ? line.amount : -line.amount
                out.append(row("\(date(line.date))  \(Self.kindName(line.kind)) \(line.number)", money(signed)))
            }
        }
        if let closing = s.closingBalance { out.append(row("Closing balance", money(closing))) }
        if let a = s.aging {
            out.append("")
            out.append("Aging")
            out.append(row("  Current", money(a.current)))
            out.append(row("  1–30 days past due", money(a.days1to30)))
            out.append(row("  31–60 days past due", money(a.days31to60)))
            out.append(row("  61–90 days past due", money(a.days61to90)))
            out.append(row("  Over 90 days past due", money(a.over90)))
        }
        return out
    }
}
