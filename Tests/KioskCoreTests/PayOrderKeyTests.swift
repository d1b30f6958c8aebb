import Foundation
import Testing
@testable import KioskCore

/// The pay-order key's byte order must be `Figures.payOrder` exactly, or a page read in SQL
/// would list invoices in another order than the figure.
@Suite("Pay-order key: byte order = Figures.payOrder")
struct PayOrderKeyTests {
    /// Invoice numbers that stress every rule: numeric by value, zero-padded, equal values in
    /// other spellings, prefixes, NUL and 0x01 bytes, non-ASCII, empty.
    static let numbers = ["9", "10", "010", "0010", "0", "00", "", "99", "100", "A", "A1", "A10", "A9", "a", "A\u{0}", "A\u{0}1",
                          "A\u{1}", "\u{0}", "9A", "é", "Ω1", "12345678901234567890", "012345678901234567890", "1 ", " 1", "INV-7"]

    @Test("any two numbers: key order = InvoiceNumberOrder.compare")
    func numbersAgree() {
        let day = LocalDate("2026-05-01")!
        for x in Self.numbers {
            for y in Self.numbers {
                let kx = PayOrderKey.key(dueDate: nil, date: day, number: x, id: "same")
                let ky = PayOrderKey.key(dueDate: nil, date: day, number: y, id: "same")
                let byKey: ComparisonResult = kx.lexicographicallyPrecedes(ky) ? .orderedAscending
                    : ky.lexicographicallyPrecedes(kx) ? .orderedDescending : .orderedSame
                #expect(byKey == InvoiceNumberOrder.compare(x, y), "\(x.debugDescription) vs \(y.debugDescription)")
            }
        }
    }

    @Test("2,000 random items: sorting by key = sorting by payOrder")
    func sortAgrees() {
        var random = SystemRandomNumberGenerator()
        let start = LocalDate("2025-12-25")!
        let items = (0..<2_000).map { i in
            let date = start.adding(days: Int.random(in: 0..<4, using: &random))
            return Item(id: "I\(i / 3)" + ["", "\u{0}x", "a"][i % 3], kind: .invoice, number: Self.numbers.randomElement(using: &random)!,
                        job: nil, date: date, dueDate: Bool.random(using: &random) ? date.adding(days: Int.random(in: 0..<3, using: &random)) : nil,
                        poNumber: nil, amount: 1, openAmount: 1, billed: true)
        }
        let byFigure = items.sorted(by: Figures.payOrder).map(\.id)
        let byKey = items.map { ($0, PayOrderKey.key(for: $0)) }.sorted { $0.1.lexicographicallyPrecedes($1.1) }.map(\.0.id)
        #expect(byKey == byFigure)
    }
}
