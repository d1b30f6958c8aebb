import Testing
import KioskProtocol

/// The checks on a typed bank account: the ABA check digit, 4–17 digit account numbers, and
/// sentences that never repeat what was typed.
@Suite("Bank account entry")
struct BankAccountEntryTests {
    @Test("routing numbers: 9 digits whose ABA check holds", arguments: [
        ("021000021", true), ("011000015", true), ("123456789", false), ("021000022", false),
        ("02100002", false), ("0210000210", false), ("02100002X", false), ("", false), ("０２１０００２１", false),
    ])
    func routing(_ number: String, _ valid: Bool) {
        let problem = BankAccountEntry.routingProblem(number)
        #expect((problem == nil) == valid)
        if let problem, !number.isEmpty { #expect(!problem.contains(number)) }
    }

    @Test("account numbers: 4 to 17 ASCII digits")
    func account() {
        #expect(BankAccountEntry.accountNumberProblem("1234") == nil)
        #expect(BankAccountEntry.accountNumberProblem("12345678901234567") == nil)
        for bad in ["123", "123456789012345678", "1234a", "12 34", "", "１２３４"] {
            #expect(BankAccountEntry.accountNumberProblem(bad) != nil, "\(bad)")
        }
    }
}
