import ArgumentParser
import Foundation
import KioskJSON
import KioskProtocol

/// One `--when FIELD OP VALUE[,VALUE…]` as a manager types it: a criteria row of an autopay
/// rule (PROTOCOL.md "Autopay rules"). The grammar only reads the row; whether the operator
/// suits the field, the job exists or the range is the right way round is the daemon's to say
/// (`invalid_rule`, naming the row), so kioskctl and the front are refused alike.
struct AutopayWhen: Equatable {
    /// What a value is written as, by field.
    enum Kind: Equatable { case money, whole, text }

    /// A value as read; money stays decimal text until the account's currency is known.
    enum Value: Equatable {
        case whole(Int)
        case money(whole: String, fraction: String)
        case text(String)
    }

    static let fields: [String: Kind] = [
        "job": .whole, "amount": .money, "line_item": .text, "age_days": .whole, "days_until_due": .whole, "po_number": .text,
    ]
    static let operators = ["is", "is_not", "lt", "le", "gt", "ge", "contains", "between", "one_of"]

    /// For --help.
    static let grammar = """
        --when "FIELD OP VALUE": a criteria row; all rows must hold. FIELD is job, amount, line_item, \
        age_days, days_until_due or po_number; OP is is, is_not, lt, le, gt, ge, contains, between \
        (two values, "LOW,HIGH") or one_of (a comma list). Amounts are money ("1000.00", "$12.50"); \
        jobs and days are whole numbers (days_until_due is negative when past due). A one-value \
        operator takes the rest of the text as its value, commas included.
        """

    var field: String
    var op: String
    var values: [Value]
    /// The row as typed, for messages (never shown when it looks like card data).
    var typed: String

    /// The row's name in messages: `--when 2 "amount le 1000"`, without the text when it
    /// could be card data.
    static func name(_ number: Int, _ typed: String) -> String {
        CardDataPattern.appears(in: typed) ? "--when \(number)" : "--when \(number) \"\(typed)\""
    }

    /// Reads the `number`th (from 1) --when; a row it cannot read is a ValidationError naming it.
    static func parse(_ typed: String, number: Int) throws -> AutopayWhen {
        func refuse(_ why: String) -> ValidationError { ValidationError("\(name(number, typed)): \(why)") }
        if CardDataPattern.appears(in: typed) {
            throw refuse("a value looks like a card number; rules never hold card data")
        }
        let words = typed.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: \.isWhitespace)
        guard words.count == 3 else { throw refuse("write it as FIELD OP VALUE, for example \"amount le 1000.00\"") }
        let field = words[0].lowercased(), op = words[1].lowercased()
        let rest = words[2].trimmingCharacters(in: .whitespaces)
        guard let kind = fields[field] else {
            throw refuse("the field must be one of job, amount, line_item, age_days, days_until_due, po_number")
        }
        guard operators.contains(op) else {
            throw refuse("the operator must be one of \(operators.joined(separator: ", "))")
        }
        let texts: [String]
        switch op {
        case "between", "one_of":
            texts = rest.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard !texts.contains(where: \.isEmpty) else { throw refuse("a value in the comma list is empty") }
            if op == "between", texts.count != 2 {
                throw refuse("between takes two values, LOW,HIGH" + (kind == .money ? " (write amounts without thousands separators)" : ""))
            }
            if op == "one_of", texts.count > 50 { throw refuse("one_of takes at most 50 values") }
        default:
            texts = [rest]
        }
        let values = try texts.map { text -> Value in
            switch kind {
            case .text:
                return .text(text)
            case .whole:
                guard text.wholeMatch(of: /[-+]?\d{1,15}/) != nil, let n = Int(text) else {
                    throw refuse("\(field) values are whole numbers, like 15")
                }
                return .whole(n)
            case .money:
                guard let money = Self.money(text) else {
                    throw refuse("amounts are money, like 1000.00 or $12.50")
                }
                return money
            }
        }
        return AutopayWhen(field: field, op: op, values: values, typed: typed)
    }

    /// `1000`, `1000.00`, `$1,000.00` → whole and fraction digits.
    static func money(_ text: String) -> Value? {
        guard let match = text.wholeMatch(of: /\$?(\d{1,3}(?:,\d{3})+|\d{1,13})(?:\.(\d{1,3}))?/) else { return nil }
        return .money(whole: String(match.1).replacingOccurrences(of: ",", with: ""), fraction: String(match.2 ?? ""))
    }

    /// The row for the wire: money in the currency's minor units.
    func wire(currency: String, number: Int) throws -> AutopayCriterionWire {
        let digits = MoneyFormat.fractionDigits(currency)
        return AutopayCriterionWire(field: field, op: op, values: try values.map { value -> JSONValue in
            switch value {
            case .whole(let n): return .integer(Int64(n))
            case .text(let s): return .string(s)
            case .money(let whole, let fraction):
                guard fraction.count <= digits else {
                    throw CommandFailure("\(Self.name(number, typed)): \(currency.uppercased()) amounts have \(digits) decimal places at most")
                }
                let minor = whole + fraction + String(repeating: "0", count: digits - fraction.count)
                guard let n = Int64(minor) else { throw CommandFailure("\(Self.name(number, typed)): the amount is too large") }
                return .integer(n)
            }
        })
    }
}

/// Autopay rules in words, for people.
enum AutopayText {
    static let fieldNames = ["job": "job", "amount": "amount", "line_item": "line item", "age_days": "age in days",
                             "days_until_due": "days until due", "po_number": "PO number"]
    static let operatorNames = ["is": "is", "is_not": "is not", "lt": "less than", "le": "at most", "gt": "more than", "ge": "at least",
                                "contains": "contains", "between": "between", "one_of": "one of"]
    static let problems = ["method_expired": "it cannot run: its payment method has expired",
                           "method_not_found": "it cannot run: its payment method is no longer on file",
                           "method_not_ready": "it cannot run: its payment method is not ready (still being saved, or saving failed)"]

    /// `amount at most $1,000.00`, `PO number one of A, B`, `days until due between 0 and 5`.
    static func row(_ row: AutopayCriterionWire, currency: String) -> String {
        let values = row.values.map { value -> String in
            switch value {
            case .integer(let n) where row.field == "amount": return MoneyFormat.format(Int(n), currency: currency)
            case .integer(let n): return String(n)
            case .string(let s): return CardDataPattern.appears(in: s) ? "(a value that looks like card data, not shown)" : s
            case .number(let x): return String(x)
            default: return "(no value)"
            }
        }
        let field = fieldNames[row.field] ?? row.field
        let op = operatorNames[row.op] ?? row.op
        let said = row.op == "between" && values.count == 2 ? "\(values[0]) and \(values[1])" : values.joined(separator: ", ")
        return "\(field) \(op) \(said)"
    }

    /// A rule as lines: its place, id, state, method, where it comes from, then its rows.
    static func lines(_ rule: AutopayRuleWire, currency: String) -> [String] {
        var facts = [rule.enabled ? "enabled" : "disabled"]
        if rule.locked { facts.append("locked") }
        facts.append(rule.source == "backoffice" ? "from the back office" : rule.source == "kiosk" ? "made here" : rule.source)
        if rule.pendingSync { facts.append("waiting for the back office") }
        let method = rule.method.cardOnFile.map { "card \($0)" } ?? rule.method.bankAccount.map { "bank account \($0)" } ?? "no method"
        var lines = ["\(rule.position). \(rule.id)  \(facts.joined(separator: ", "))  pays with \(rule.methodDescription) (\(method))"]
        if let problem = rule.problem { lines.append("     \(problems[problem] ?? "it cannot run: \(problem)")") }
        for (n, row) in rule.criteria.enumerated() {
            lines.append("     \(n == 0 ? "when" : " and") \(Self.row(row, currency: currency))")
        }
        return lines
    }
}
