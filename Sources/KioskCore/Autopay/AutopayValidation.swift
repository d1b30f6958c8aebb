/// Why a rule cannot be saved (PROTOCOL.md `invalid_rule`): the reason, the 0-based row it
/// concerns (nil: the rule itself), and a sentence that counts rows from 1.
public struct InvalidRule: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: String, Sendable, CaseIterable {
        case noMethod = "no_method", methodNotFound = "method_not_found", methodExpired = "method_expired"
        case methodNotReady = "method_not_ready", methodOtherJob = "method_other_job", noRows = "no_rows"
        case tooManyRows = "too_many_rows", unknownField = "unknown_field", operatorNotAllowed = "operator_not_allowed"
        case valueCount = "value_count", badValue = "bad_value", betweenReversed = "between_reversed", noSuchJob = "no_such_job"
    }
    public var reason: Reason
    public var row: Int?
    /// What is wrong, without the row ("operator lt is not allowed for field job").
    public var sentence: String
    public var description: String { row.map { "row \($0 + 1): \(sentence)" } ?? sentence }

    /// The member of the row the reason is about, for a path (`criteria[0].op`).
    public var member: String? {
        guard row != nil else { return nil }
        switch reason {
        case .unknownField: return "field"
        case .operatorNotAllowed: return "op"
        default: return "values"
        }
    }

    init(_ reason: Reason, row: Int? = nil, _ sentence: String) {
        self.reason = reason; self.row = row; self.sentence = sentence
    }
}

/// The checks a rule passes before it is saved, from the kiosk (`autopay.create`/`update`) or
/// from the back office (a sync document's `autopay_rules`).
public enum AutopayValidation {
    public static let rows = 1...20
    public static let textLength = 1...100
    public static let maximumNumber = 99_999_999_999

    /// The rule's method as the account has it: its state on `today` and its job.
    public struct Method: Sendable, Equatable {
        public var state: MethodOnFile.State
        public var job: Int?
        public init(state: MethodOnFile.State, job: Int?) { self.state = state; self.job = job }
    }

    /// The first problem of a rule paying with `method` (nil: none given) under `criteria`, or
    /// nil when it may be saved. `onFile` is the account's method of that id (nil: unknown or
    /// removed), `jobs` the account's job numbers. `keepExpired`: a back-office rule whose
    /// method expired is kept (it does not run).
    public static func problem(method given: AutopayMethod?, criteria: [AutopayCriterion], onFile: Method?, jobs: Set<Int>,
                               keepExpired: Bool = false) -> InvalidRule? {
        guard given != nil else { return InvalidRule(.noMethod, "the rule has no payment method") }
        guard let method = onFile else { return InvalidRule(.methodNotFound, "the rule's payment method is not on file") }
        switch method.state {
        case .expired where !keepExpired: return InvalidRule(.methodExpired, "the rule's card has expired")
        case .saving, .failed: return InvalidRule(.methodNotReady, "the rule's payment method is not ready (being saved, or refused)")
        case .active, .expired: break
        }
        guard !criteria.isEmpty else { return InvalidRule(.noRows, "a rule needs at least one row") }
        guard criteria.count <= rows.upperBound else { return InvalidRule(.tooManyRows, "a rule has at most \(rows.upperBound) rows") }
        for (n, row) in criteria.enumerated() {
            if let problem = problem(row, row: n, jobs: jobs) { return problem }
            // A job's method pays only that job's invoices: a row asking for another job cannot hold.
            if let own = method.job, row.field == AutopayField.job.rawValue, row.op == AutopayOperator.is.rawValue || row.op == AutopayOperator.oneOf.rawValue,
               !row.values.contains(.number(own)) {
                return InvalidRule(.methodOtherJob, row: n, "the payment method is job \(own)'s, and this row names another job")
            }
        }
        return nil
    }

    static func problem(_ row: AutopayCriterion, row n: Int, jobs: Set<Int>) -> InvalidRule? {
        guard let field = AutopayField(rawValue: row.field) else { return InvalidRule(.unknownField, row: n, "no field is called that") }
        guard let op = AutopayOperator(rawValue: row.op), field.operators.contains(op) else {
            return InvalidRule(.operatorNotAllowed, row: n, "operator \(AutopayOperator(rawValue: row.op).map(\.rawValue) ?? "(unknown)") is not allowed for field \(field.rawValue)")
        }
        guard op.valueCount.contains(row.values.count) else {
            let wanted = op.valueCount.count == 1 ? "\(op.valueCount.lowerBound)" : "\(op.valueCount.lowerBound) to \(op.valueCount.upperBound)"
            return InvalidRule(.valueCount, row: n, "\(op.rawValue) takes \(wanted) value\(op.valueCount.upperBound == 1 ? "" : "s")")
        }
        for value in row.values {
            switch (field.valueType, value) {
            case (.number(let minimum), .number(let x)):
                if let minimum, x < minimum { return InvalidRule(.badValue, row: n, "\(field.rawValue) values are \(minimum) or more") }
                // Eleven digits at most: ample for money and days, and never a card number.
                guard abs(x) <= maximumNumber else { return InvalidRule(.badValue, row: n, "\(field.rawValue) values are at most \(maximumNumber)") }
                if field == .job, !jobs.contains(x) { return InvalidRule(.noSuchJob, row: n, "the account has no job \(x)") }
            case (.text, .text(let s)):
                guard textLength.contains(s.count) else { return InvalidRule(.badValue, row: n, "\(field.rawValue) values are 1 to 100 characters") }
            case (.number, _): return InvalidRule(.badValue, row: n, "\(field.rawValue) values are whole numbers")
            case (.text, _): return InvalidRule(.badValue, row: n, "\(field.rawValue) values are text")
            }
        }
        if op == .between, case .number(let low) = row.values[0], case .number(let high) = row.values[1], low > high {
            return InvalidRule(.betweenReversed, row: n, "between's low value is above its high value")
        }
        return nil
    }
}
