import Foundation
import Testing
import KioskCore

@Suite struct InvoiceNumberOrderTests {
    @Test func numericByValue() {
        #expect(InvoiceNumberOrder.precedes("9", "10"))
        #expect(!InvoiceNumberOrder.precedes("10", "9"))
        #expect(InvoiceNumberOrder.precedes("99", "100"))
    }

    @Test func leadingZerosAreIgnoredForValue() {
        #expect(InvoiceNumberOrder.precedes("009", "10"))
        #expect(InvoiceNumberOrder.precedes("0011", "012"))
        #expect(!InvoiceNumberOrder.precedes("013", "0012"))
    }

    @Test func equalValueFallsBackToBytes() {
        #expect(InvoiceNumberOrder.compare("010", "10") == .orderedAscending)
        #expect(InvoiceNumberOrder.compare("10", "010") == .orderedDescending)
        #expect(InvoiceNumberOrder.compare("10", "10") == .orderedSame)
    }

    @Test func numericBeforeNonNumeric() {
        #expect(InvoiceNumberOrder.precedes("10", "A1"))
        #expect(!InvoiceNumberOrder.precedes("A1", "10"))
        #expect(InvoiceNumberOrder.precedes("99999", "1A"))
    }

    @Test func nonNumericByBytes() {
        #expect(InvoiceNumberOrder.precedes("A10", "A9"))
        #expect(InvoiceNumberOrder.precedes("B", "a"))
        #expect(InvoiceNumberOrder.precedes("", "A"))
        #expect(InvoiceNumberOrder.precedes("", "0") == false)
        // Non-ASCII digits are not numeric.
        #expect(InvoiceNumberOrder.precedes("12", "١٢"))
    }

    @Test func numbersBeyondIntDoNotOverflow() {
        let big = "123456789012345678901234567890"
        let bigger = "123456789012345678901234567891"
        #expect(InvoiceNumberOrder.precedes(big, bigger))
        #expect(InvoiceNumberOrder.precedes("9", big))
        #expect(!InvoiceNumberOrder.precedes(bigger, big))
    }

    @Test func sortsAMixedList() {
        let sorted = ["A1", "10", "9", "010", "B2", "1"].sorted(by: InvoiceNumberOrder.precedes)
        #expect(sorted == ["1", "9", "010", "10", "A1", "B2"])
    }
}
