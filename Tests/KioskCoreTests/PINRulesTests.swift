import KioskCore
import Testing

@Suite("PIN rules (DOMAIN.md \"Accounts, jobs, contacts\")")
struct PINRulesTests {
    @Test("PINs that keep every rule", arguments: ["4826", "8901", "0192", "12345679", "1123", "9870", "13579", "2460", "1212"])
    func allowed(pin: String) {
        #expect(PINRules.problem(pin) == nil, "\(pin)")
    }

    @Test("the first rule broken is named: not_digits, length, same_digit, run", arguments: [
        ("", PINRules.Problem.notDigits), ("12a4", .notDigits), ("１２３４", .notDigits), (" 4826", .notDigits), ("48.6", .notDigits),
        ("482", .length), ("482619375", .length), ("1", .length),
        ("1111", .sameDigit), ("00000000", .sameDigit),
        ("1234", .run), ("45678", .run), ("9876", .run), ("01234567", .run), ("76543210", .run), ("3210", .run),
        // A short all-one-digit or run PIN is first too short; letters come before length.
        ("111", .length), ("123", .length), ("abc", .notDigits),
    ])
    func refused(pin: String, problem: PINRules.Problem) {
        #expect(PINRules.problem(pin) == problem, "\(pin)")
    }

    @Test("each reason's sentence says the rule and never a digit sequence a PIN could be")
    func sentences() {
        for problem in PINRules.Problem.allCases {
            #expect(!problem.sentence.isEmpty)
        }
        #expect(PINRules.Problem.allCases.map(\.rawValue) == ["not_digits", "length", "same_digit", "run"])
    }
}
