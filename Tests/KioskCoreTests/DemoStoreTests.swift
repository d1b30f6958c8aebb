import Foundation
import Testing
import KioskCore
import KioskFixtures

@Suite struct DemoStoreTests {
    static let now = Instant("2026-11-20T18:00:00Z")!

    @Test(arguments: ["2026-11-20", "2026-01-01", "2024-02-29", "2026-03-01", "2026-12-31"])
    func validatesOnAnyDay(_ day: String) throws {
        let today = try #require(LocalDate(day))
        let document = DemoStore.document(today: today, now: Self.now)
        try document.validate()
        // It also survives the wire: encoded and decoded as a sync document, it is the same.
        let data = try JSONEncoder().encode(document)
        let decoded = try SyncDocument.decode(from: data)
        #expect(decoded == document)
    }

    @Test func coversEveryKindOfAccount() throws {
        let document = DemoStore.document(today: LocalDate("2026-11-20")!, now: Self.now)
        let byNumber = Dictionary(uniqueKeysWithValues: document.accounts.map { ($0.number, $0) })
        #expect(Set(byNumber.keys) == ["1001", "2001", "3001", "4001"])
        let a1001 = try #require(byNumber["1001"])
        #expect(a1001.billingType == .job && a1001.receivablesType == .openItem)
        #expect(a1001.jobs.map(\.number) == [0, 1, 2])
        #expect(a1001.items.contains { !$0.billed })
        #expect(a1001.pendingTransactions > 0)
        #expect(byNumber["2001"]?.receivablesType == .balanceForward)
        #expect(byNumber["2001"]?.billingType == .account)
        #expect(byNumber["3001"]?.assignedUser == nil)
        #expect(byNumber["3001"]?.links.gateway == nil)
        #expect(byNumber["4001"]?.jobs.map(\.number) == [0])
        #expect(document.branches.map(\.id) == ["B1", "B2"])
        #expect(document.branches[0].payFinanceChargesFirst && document.branches[0].terms != nil)
        #expect(!document.branches[1].payFinanceChargesFirst && document.branches[1].terms == nil)
        for account in document.accounts {
            #expect(account.sales.contains { $0.kind == .adjustment && $0.amount < 0 }, "\(account.number)")
            #expect(account.sales.contains { $0.giftCard }, "\(account.number)")
            #expect(account.sales.contains { !$0.charge }, "\(account.number)")
            #expect(!account.payments.isEmpty && !account.statements.isEmpty, "\(account.number)")
        }
    }

    @Test func creditMemosCoverInvoicesWhollyAndPartly() throws {
        let today = LocalDate("2026-11-20")!
        let document = DemoStore.document(today: today, now: Self.now)
        let account = try #require(document.accounts.first { $0.number == "1001" })
        let branch = try #require(document.branches.first { $0.id == account.branch })
        let open = Figures.openItems(account, scope: .consolidated, branch: branch, today: today)
        #expect(!open.invoices.contains { $0.id == "I-1001-4" })  // covered entirely by CM-7710
        #expect(open.invoices.first { $0.id == "I-1001-5" }?.amountDue == 44_800)  // 64,800 less CM-7724
        #expect(open.invoices.contains { $0.pastDue })
        #expect(open.financeCharges > 0 && open.financeChargesRequired)
    }

    @Test func everyLoginNamesAContactWithAWellFormedPINHash() throws {
        let document = DemoStore.document(today: LocalDate("2026-11-20")!, now: Self.now)
        #expect(!DemoStore.logins.isEmpty)
        for login in DemoStore.logins {
            let account = try #require(document.accounts.first { $0.number == login.account })
            let contact = try #require(account.contacts.first { $0.id == login.contact })
            #expect(!contact.revoked)
            let hash = try #require(contact.pinHash)
            let parsed = try #require(PINHashFormat.parse(hash))
            #expect(parsed.iterations == 210_000)
            #expect(parsed.key.count == 32)
            #expect(login.pin.count == 4 && login.pin.allSatisfy(\.isNumber))
        }
        // The revoked contact is not offered as a login.
        let revoked = document.accounts.flatMap(\.contacts).filter(\.revoked).map(\.id)
        #expect(!revoked.isEmpty)
        #expect(DemoStore.logins.allSatisfy { !revoked.contains($0.contact) })
    }
}
