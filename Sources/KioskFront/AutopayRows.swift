import Foundation
import KioskJSON
import KioskProtocol

/// What a criteria row compares (PROTOCOL.md "Autopay rules"), with the operators allowed for
/// it and the words a customer reads.
public enum AutopayField: String, Sendable, Equatable, CaseIterable {
    case job, amount, lineItem = "line_item", ageDays = "age_days", daysUntilDue = "days_until_due", poNumber = "po_number"

    /// The operators the daemon allows for this field, in the order the editor offers them.
    public var operators: [String] {
        switch self {
        case .job: ["is", "is_not", "one_of"]
        case .amount, .ageDays, .daysUntilDue: ["is", "is_not", "lt", "le", "gt", "ge", "between"]
        case .lineItem, .poNumber: ["is", "is_not", "contains", "one_of"]
        }
    }

    /// "Invoice amount": the editor's label.
    public var label: String {
        switch self {
        case .job: "Job"
        case .amount: "Invoice amount"
        case .lineItem: "Line item name"
        case .ageDays: "Age in days"
        case .daysUntilDue: "Days until due"
        case .poNumber: "PO number"
        }
    }

    /// "days until due": the list's short words.
    var short: String {
        switch self {
        case .job: "job"
        case .amount: "amount"
        case .lineItem: "line item"
        case .ageDays: "age (days)"
        case .daysUntilDue: "days until due"
        case .poNumber: "PO"
        }
    }

    /// Values typed as text (letters allowed); the others take digits only.
    var isText: Bool { self == .lineItem || self == .poNumber }
}

/// Operators in words, for the editor ("is at most") and the list ("≤").
enum AutopayOperator {
    static func words(_ op: String) -> String {
        switch op {
        case "is": "is"
        case "is_not": "is not"
        case "lt": "is less than"
        case "le": "is at most"
        case "gt": "is more than"
        case "ge": "is at least"
        case "between": "is between"
        case "contains": "contains"
        case "one_of": "is one of"
        default: op
        }
    }

    static func symbol(_ op: String) -> String {
        switch op {
        case "is": "="
        case "is_not": "≠"
        case "lt": "<"
        case "le": "≤"
        case "gt": ">"
        case "ge": "≥"
        case "between": "between"
        case "contains": "contains"
        case "one_of": "one of"
        default: op
        }
    }

    /// How many value boxes the operator takes in the editor (one_of: one box, commas between values).
    static func boxes(_ op: String) -> Int { op == "between" ? 2 : 1 }
}

/// One criteria row as the customer edits it: a field, an operator, and the values as typed.
public struct AutopayRowDraft: Sendable, Equatable {
    public var field: AutopayField
    public var op: String
    /// Text, job, day values as typed (two boxes for `between`).
    public var texts: [String]
    /// Amounts, typed like the pay screen's amount.
    public var amounts: [AmountEntry]

    public init(field: AutopayField = .job, op: String? = nil, fractionDigits: Int = 2) {
        self.field = field
        self.op = op.flatMap { field.operators.contains($0) ? $0 : nil } ?? field.operators[0]
        texts = ["", ""]
        amounts = [AmountEntry(fractionDigits: fractionDigits), AmountEntry(fractionDigits: fractionDigits)]
    }

    /// The longest text a box takes (the daemon allows 100 characters a string).
    static let maximumText = 100

    /// The row a saved criterion reads as; nil when the front does not know its field.
    init?(_ wire: AutopayCriterionWire, fractionDigits: Int) {
        guard let field = AutopayField(rawValue: wire.field), field.operators.contains(wire.op) else { return nil }
        self.init(field: field, op: wire.op, fractionDigits: fractionDigits)
        let words = wire.values.map { value -> String in
            switch value {
            case .integer(let n): String(n)
            case .string(let s): s
            case .number(let d): String(Int(d))
            default: ""
            }
        }
        if op == "one_of" {
            texts[0] = words.joined(separator: ", ")
        } else if field == .amount {
            for (i, value) in wire.values.prefix(2).enumerated() {
                if case .integer(let n) = value { amounts[i] = AmountEntry(minor: Int(n), fractionDigits: fractionDigits) }
            }
        } else {
            for (i, word) in words.prefix(2).enumerated() { texts[i] = word }
        }
    }

    /// Takes one typed character into box `box`; false when it is not taken.
    mutating func type(_ c: Character, box: Int, groupingSeparator: Character?) -> Bool {
        guard box < 2 else { return false }
        if field == .amount { return amounts[box].type(c, groupingSeparator: groupingSeparator) }
        var text = texts[box]
        let digit = c.isASCII && c.isNumber
        switch field {
        case .job:
            guard digit || (op == "one_of" && (c == "," || c == " ")), text.count < 60 else { return false }
        case .ageDays:
            guard digit, text.count < 5 else { return false }
        case .daysUntilDue:
            guard digit || (c == "-" && text.isEmpty), text.count < 5 else { return false }
        case .amount:
            return false
        case .lineItem, .poNumber:
            let allowed = c.isASCII && (c.isLetter || c.isNumber || " -./#&'_".contains(c) || (c == "," && op == "one_of"))
            guard allowed, text.count < Self.maximumText else { return false }
        }
        text.append(c)
        texts[box] = text
        return true
    }

    mutating func erase(box: Int) {
        guard box < 2 else { return }
        if field == .amount { amounts[box].erase() } else if !texts[box].isEmpty { texts[box].removeLast() }
    }

    /// The box as drawn ("125.50", "OAK-DECK").
    func shown(box: Int, decimalSeparator: String) -> String {
        field == .amount ? amounts[box].text(decimalSeparator: decimalSeparator) : texts[box]
    }

    /// The criterion to send, or what is missing in words (row counted from 1).
    func criterion(row: Int) -> Result<AutopayCriterionWire, AutopayRowProblem> {
        let boxes = AutopayOperator.boxes(op)
        var values: [JSONValue] = []
        if op == "one_of" {
            let parts = texts[0].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !parts.isEmpty else { return .failure(.init(row: row, text: "Row \(row + 1): please type one or more values, with commas between them.")) }
            guard parts.count <= 50 else { return .failure(.init(row: row, text: "Row \(row + 1): at most 50 values, please.")) }
            for part in parts {
                if field == .job {
                    guard let n = Int(part) else { return .failure(.init(row: row, text: "Row \(row + 1): a job is a number.")) }
                    values.append(.integer(Int64(n)))
                } else {
                    values.append(.string(part))
                }
            }
        } else {
            for box in 0..<boxes {
                let missing = AutopayRowProblem(row: row, text: boxes == 2 ? "Row \(row + 1): please type both values." : "Row \(row + 1): please type a value.")
                switch field {
                case .amount:
                    guard let minor = amounts[box].minorUnits else { return .failure(missing) }
                    values.append(.integer(Int64(minor)))
                case .job, .ageDays, .daysUntilDue:
                    guard let n = Int(texts[box]) else { return .failure(missing) }
                    values.append(.integer(Int64(n)))
                case .lineItem, .poNumber:
                    let text = texts[box].trimmingCharacters(in: .whitespaces)
                    guard !text.isEmpty else { return .failure(missing) }
                    values.append(.string(text))
                }
            }
        }
        return .success(AutopayCriterionWire(field: field.rawValue, op: op, values: values))
    }
}

/// A row that cannot be sent yet, in words, and which row (0-based).
struct AutopayRowProblem: Error, Equatable {
    var row: Int
    var text: String
}

/// Rules and their criteria in words, for the list.
enum AutopayText {
    /// "job = 2, days until due ≤ 0".
    static func criteria(_ rows: [AutopayCriterionWire], _ format: LocaleFormat, currency: String) -> String {
        rows.map { criterion($0, format, currency: currency) }.joined(separator: ", ")
    }

    static func criterion(_ row: AutopayCriterionWire, _ format: LocaleFormat, currency: String) -> String {
        let field = AutopayField(rawValue: row.field)
        let values = row.values.map { value -> String in
            switch value {
            case .integer(let n): field == .amount ? format.money(Int(n), currency) : String(n)
            case .string(let s): "\"\(s)\""
            case .number(let d): String(d)
            default: "?"
            }
        }
        let name = field?.short ?? row.field
        switch row.op {
        case "between": return "\(name) \(values.first ?? "?")–\(values.dropFirst().first ?? "?")"
        case "one_of": return "\(name) one of \(values.joined(separator: "/"))"
        default: return "\(name) \(AutopayOperator.symbol(row.op)) \(values.first ?? "?")"
        }
    }

    /// Why a kept rule cannot run, for the customer.
    static func problem(_ problem: String) -> String {
        switch problem {
        case "method_expired": "its card has expired"
        case "method_not_found": "its card or bank account is no longer on file"
        case "method_not_ready": "its card or bank account is not ready yet"
        default: problem.replacingOccurrences(of: "_", with: " ")
        }
    }

    /// An `invalid_rule` refusal in the customer's words; row counted from 1.
    static func invalid(reason: String?, row: Int?, fallback: String) -> String {
        let at = row.map { "Row \($0 + 1): " } ?? ""
        switch reason {
        case "no_method": return "Please choose a card or bank account for this rule."
        case "method_not_found": return "That card or bank account is no longer on file. Please choose another."
        case "method_expired": return "That card has expired. Please choose another."
        case "method_not_ready": return "That card or bank account is not ready to be used yet. Please choose another."
        case "method_other_job": return at + "the card chosen belongs to another job. Please choose another card or change this row."
        case "no_rows": return "Please add at least one condition (press +)."
        case "too_many_rows": return "A rule has at most 20 conditions."
        case "unknown_field", "operator_not_allowed": return at + "this comparison cannot be used here. Please choose another."
        case "value_count": return at + "please type the values this comparison needs."
        case "bad_value": return at + "that value cannot be used (a number out of range, a text too long, or what looks like a card number)."
        case "between_reversed": return at + "the first value must not be more than the second."
        case "no_such_job": return at + "this account has no such job."
        default: return fallback
        }
    }
}
