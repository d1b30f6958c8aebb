import Foundation
import Testing
import KioskCore
import KioskFixtures

/// The invoice history and one invoice's detail, over the demo's account 1001 (seven
/// invoices, one closed; two back-office payments applied; a credit memo covering 40235).
@Suite("Figures: invoices, open and closed")
struct InvoicesTests {
    static let today = LocalDate("2026-11-20")!
    static let account = DemoStore.document(today: today, now: Instant("2026-11-20T18:00:00Z")!).accounts.first { $0.number == "1001" }!
    static let all = try! Figures.scope(for: account, job: nil)

    static func numbers(_ status: InvoiceStatus, search: String? = nil, in account: Account = account, page: Int = 0) -> [String] {
        Figures.invoices(account, scope: all, today: today, status: status, search: search, page: page, size: 25).rows.map(\.item.number)
    }

    @Test("all invoices newest first, closed ones included; open and closed split them")
    func statusAndOrder() {
        #expect(Self.numbers(.all) == ["40262", "40240", "40235", "40231", "40188", "40117", "39980"])
        #expect(Self.numbers(.closed) == ["39980"])
        #expect(Self.numbers(.open) == ["40262", "40240", "40235", "40231", "40188", "40117"])
    }

    @Test("search keeps number or PO matches, any case")
    func search() {
        #expect(Self.numbers(.all, search: "smith") == ["40188", "40117", "39980"])
        #expect(Self.numbers(.all, search: "4023") == ["40235", "40231"])
        #expect(Self.numbers(.all, search: "nothing-like-it").isEmpty)
    }

    @Test("a job's scope keeps that job's invoices")
    func jobScope() throws {
        let job2 = try Figures.scope(for: Self.account, job: 2)
        let rows = Figures.invoices(Self.account, scope: job2, today: Self.today, status: .all, search: nil, page: 0, size: 25).rows
        #expect(rows.map(\.item.number) == ["40262", "40235", "40231"])
    }

    @Test("one invoice: amount due after its memo, past due only while open, closed has nothing due")
    func detail() throws {
        let covered = try #require(Figures.invoice(Self.account, id: "I-1001-4", today: Self.today))
        #expect(covered.isOpen && covered.amountDue == 0 && !covered.pastDue)
        let late = try #require(Figures.invoice(Self.account, id: "I-1001-2", today: Self.today))
        #expect(late.amountDue == 76_540 && late.pastDue)
        let closed = try #require(Figures.invoice(Self.account, id: "I-1001-0", today: Self.today))
        #expect(!closed.isOpen && closed.amountDue == 0 && !closed.pastDue)
        #expect(Figures.invoice(Self.account, id: "CM-1001-1", today: Self.today) == nil, "a credit memo is not an invoice")
        #expect(Figures.invoice(Self.account, id: "I-9999", today: Self.today) == nil)
    }

    @Test("the back office's payments applied to an invoice, oldest first, with the part applied")
    func applications() {
        #expect(Figures.applications(to: "I-1001-0", in: Self.account).map { [$0.payment.id, String($0.amount)] } == [["P-1001-1", "210000"]])
        #expect(Figures.applications(to: "I-1001-2", in: Self.account).map { [$0.payment.id, String($0.amount)] } == [["P-1001-2", "50000"]])
        #expect(Figures.applications(to: "I-1001-3", in: Self.account).isEmpty)
    }

    @Test("pages of 25: the 26th invoice is on page 1, and `more` says so")
    func paging() {
        var account = Self.account
        for n in 0..<30 {
            account.items.append(Item(id: "X-\(n)", kind: .invoice, number: String(50_000 + n), job: 1, date: Self.today.adding(days: -200 - n),
                                      dueDate: nil, amount: 100, openAmount: 0))
        }
        let first = Figures.invoices(account, scope: Self.all, today: Self.today, status: .all, search: nil, page: 0, size: 25)
        let second = Figures.invoices(account, scope: Self.all, today: Self.today, status: .all, search: nil, page: 1, size: 25)
        #expect(first.rows.count == 25 && first.more)
        #expect(second.rows.count == 12 && !second.more)
        #expect(Set(first.rows.map(\.item.id)).isDisjoint(with: second.rows.map(\.item.id)))
        #expect(second.rows.last?.item.id == "X-29", "the oldest comes last")
        #expect(Figures.invoices(account, scope: Self.all, today: Self.today, status: .all, search: nil, page: 4_000, size: 25).rows.isEmpty)
    }
}
