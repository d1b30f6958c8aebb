import Foundation
import KioskCore
import Testing

/// Autopay rules in Core (issue 14, items 5–6): the wire shape, every `invalid_rule` reason
/// with its row, and what each field and operator compares.
struct AutopayRuleTests {
    static let active = AutopayValidation.Method(state: .active, job: nil)
    static let jobs: Set<Int> = [0, 1, 2]

    static func row(_ field: String, _ op: String, _ values: [AutopayValue]) -> AutopayCriterion { .init(field: field, op: op, values: values) }

    static func problem(_ rows: [AutopayCriterion], method: AutopayValidation.Method? = active, given: AutopayMethod? = .cardOnFile("K1"),
                        keepExpired: Bool = false) -> InvalidRule? {
        AutopayValidation.problem(method: given, criteria: rows, onFile: method, jobs: jobs, keepExpired: keepExpired)
    }

    @Test("the contract's example decodes; enabled and locked default; a method must be exactly one kind")
    func wire() throws {
        let text = #"{"id": "R1", "position": 1, "method": {"card_on_file": "K1"}, "enabled": true, "locked": false, "criteria": [{"field": "amount", "op": "le", "values": [50000]}, {"field": "age_days", "op": "ge", "values": [15]}]}"#
        let rule = try JSONDecoder().decode(AutopayRule.self, from: Data(text.utf8))
        #expect(rule.method == .cardOnFile("K1") && rule.criteria.count == 2 && rule.criteria[0].values == [.number(50_000)])
        let bare = try JSONDecoder().decode(AutopayRule.self, from: Data(#"{"id":"R2","method":{"bank_account":"BA1"},"criteria":[]}"#.utf8))
        #expect(bare.enabled && !bare.locked && bare.method == .bankAccount("BA1"))
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(AutopayMethod.self, from: Data(#"{"card_on_file":"K1","bank_account":"B"}"#.utf8)) }
        let odd = try JSONDecoder().decode([AutopayValue].self, from: Data(#"[1, "a", 1.5, true, null]"#.utf8))
        #expect(odd == [.number(1), .text("a"), .other, .other, .other], "kept, to be refused with the row")
        let back = try JSONDecoder().decode(AutopayRule.self, from: JSONEncoder().encode(rule))
        #expect(back == rule)
    }

    @Test("every invalid_rule reason, with its row, the first that applies")
    func reasons() {
        let ok = [Self.row("amount", "le", [.number(50_000)])]
        let cases: [(InvalidRule?, InvalidRule.Reason, Int?)] = [
            (Self.problem(ok, given: nil), .noMethod, nil),
            (Self.problem(ok, method: nil), .methodNotFound, nil),
            (Self.problem(ok, method: .init(state: .expired, job: nil)), .methodExpired, nil),
            (Self.problem(ok, method: .init(state: .saving, job: nil)), .methodNotReady, nil),
            (Self.problem(ok, method: .init(state: .failed, job: nil)), .methodNotReady, nil),
            (Self.problem([]), .noRows, nil),
            (Self.problem(Array(repeating: ok[0], count: 21)), .tooManyRows, nil),
            (Self.problem(ok + [Self.row("colour", "is", [.text("red")])]), .unknownField, 1),
            (Self.problem([Self.row("job", "lt", [.number(1)])]), .operatorNotAllowed, 0),
            (Self.problem([Self.row("amount", "frobs", [.number(1)])]), .operatorNotAllowed, 0),
            (Self.problem([Self.row("amount", "between", [.number(1)])]), .valueCount, 0),
            (Self.problem([Self.row("po_number", "one_of", [])]), .valueCount, 0),
            (Self.problem([Self.row("po_number", "one_of", Array(repeating: .text("x"), count: 51))]), .valueCount, 0),
            (Self.problem([Self.row("amount", "is", [.text("100")])]), .badValue, 0),
            (Self.problem([Self.row("amount", "ge", [.number(-1)])]), .badValue, 0),
            (Self.problem([Self.row("po_number", "is", [.number(7)])]), .badValue, 0),
            (Self.problem([Self.row("po_number", "is", [.text("")])]), .badValue, 0),
            (Self.problem([Self.row("line_item", "contains", [.text(String(repeating: "a", count: 101))])]), .badValue, 0),
            (Self.problem([Self.row("age_days", "is", [.other])]), .badValue, 0),
            (Self.problem([Self.row("amount", "between", [.number(9), .number(3)])]), .betweenReversed, 0),
            (Self.problem([Self.row("job", "is", [.number(7)])]), .noSuchJob, 0),
            (Self.problem([Self.row("job", "one_of", [.number(2)])], method: .init(state: .active, job: 1)), .methodOtherJob, 0),
        ]
        for (problem, reason, row) in cases {
            #expect(problem?.reason == reason && problem?.row == row, "\(String(describing: problem)) should be \(reason) at \(String(describing: row))")
        }
        #expect(Self.problem([Self.row("days_until_due", "lt", [.number(-5)])]) == nil, "days until due may be negative")
        #expect(Self.problem([Self.row("job", "one_of", [.number(1), .number(2)])], method: .init(state: .active, job: 1)) == nil)
        #expect(Self.problem(ok, method: .init(state: .expired, job: nil), keepExpired: true) == nil, "a back-office rule is kept")
        #expect(Self.problem(ok + [Self.row("colour", "is", [.text("red")])])?.description == "row 2: no field is called that", "rows counted from 1")
        #expect(Set(InvalidRule.Reason.allCases.map(\.rawValue)).count == 13)
    }

    @Test("what each field compares, as of the day evaluated; strings ignore case; a missing PO or job holds only for is_not")
    func matching() throws {
        let day = try #require(LocalDate("2026-12-10"))
        let invoice = AutopayInvoice(id: "I-1", number: "40117", job: 1, amount: 48_235, date: try #require(LocalDate("2026-11-20")),
                                     dueDate: try #require(LocalDate("2026-12-20")), poNumber: "SMITH-Framing", lineNames: ["Lumber", "Delivery"])
        func holds(_ field: String, _ op: String, _ values: [AutopayValue], _ i: AutopayInvoice = invoice) -> Bool {
            Self.row(field, op, values).holds(for: i, on: day)
        }
        #expect(holds("job", "is", [.number(1)]) && !holds("job", "is_not", [.number(1)]) && holds("job", "one_of", [.number(0), .number(1)]))
        #expect(holds("amount", "between", [.number(48_235), .number(48_235)]) && holds("amount", "lt", [.number(50_000)]) && !holds("amount", "gt", [.number(50_000)]))
        #expect(holds("age_days", "is", [.number(20)]), "20 days from its date to the day evaluated")
        #expect(holds("days_until_due", "is", [.number(10)]))
        var undated = invoice
        undated.dueDate = nil
        #expect(holds("days_until_due", "is", [.number(-20)], undated), "no due date: counted to its date")
        #expect(holds("po_number", "contains", [.text("framing")]) && holds("po_number", "is", [.text("smith-framing")]))
        #expect(holds("line_item", "is", [.text("DELIVERY")]) && holds("line_item", "contains", [.text("umb")]))
        #expect(!holds("line_item", "is_not", [.text("lumber")]) && holds("line_item", "is_not", [.text("nails")]), "is_not: no line equals")
        var bare = invoice
        bare.poNumber = nil
        bare.job = nil
        #expect(!holds("po_number", "is", [.text("x")], bare) && holds("po_number", "is_not", [.text("x")], bare))
        #expect(!holds("job", "is", [.number(1)], bare) && holds("job", "is_not", [.number(1)], bare))
        let rule = AutopayRule(id: "R1", position: 1, method: .cardOnFile("K1"), criteria: [Self.row("amount", "le", [.number(50_000)])])
        #expect(rule.matches(invoice, on: day, methodJob: nil) && rule.matches(invoice, on: day, methodJob: 1))
        #expect(!rule.matches(invoice, on: day, methodJob: 2), "a job's method pays only that job's invoices")
    }
}
