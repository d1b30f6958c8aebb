import Testing
import KioskCore

/// The history reads' rules: open credits by kind, statements a page at a time.
@Suite struct HistoryFiguresTests {
    var account: Account {
        var a = Fx.jobAccount(jobs: [1, 2], items: [
            Fx.item("m1", .creditMemo, job: 1, date: "2026-01-05", open: 500),
            Fx.item("m0", .creditMemo, job: 1, date: "2026-01-07", amount: 700, open: 0),
            Fx.item("a1", .creditAdjustment, job: 2, date: "2026-01-09", open: 200),
            Fx.item("p1", .payment, job: 2, date: "2026-01-08", open: 1_000),
            Fx.invoice("i1", job: 1, open: 9_000),
        ])
        a.statements = (0..<60).map { n in
            Statement(number: "S\(n)", issuedAt: Instant("2026-01-\(String(format: "%02d", n % 28 + 1))T\(String(format: "%02d", n / 28 + 10)):00:00Z")!,
                      job: n % 2 == 0 ? 1 : 2)
        }
        return a
    }

    @Test func creditsAreOpenOnesOfTheFiltersKindsNewestFirst() {
        #expect(Figures.openCredits(account, job: nil, filter: .all).map(\.id) == ["a1", "p1", "m1"])
        #expect(Figures.openCredits(account, job: nil, filter: .memos).map(\.id) == ["m1"])
        #expect(Figures.openCredits(account, job: nil, filter: .unapplied).map(\.id) == ["p1"])
        #expect(Figures.openCredits(account, job: 2, filter: .all).map(\.id) == ["a1", "p1"])
        #expect(CreditFilter.allCases.map(\.rawValue) == ["all", "memos", "unapplied"])
    }

    @Test func statementsComeAPageAtATimeNewestFirst() {
        let first = Figures.statementPage(account, job: nil, page: 0, size: 25)
        #expect(first.statements.count == 25 && first.more && first.page == 0)
        let all = (0..<3).flatMap { Figures.statementPage(account, job: nil, page: $0, size: 25).statements }
        #expect(all.count == 60 && Set(all.map(\.number)).count == 60)
        #expect(all.map(\.issuedAt.description) == all.map(\.issuedAt.description).sorted(by: >))
        let last = Figures.statementPage(account, job: nil, page: 2, size: 25)
        #expect(last.statements.count == 10 && !last.more)
        #expect(Figures.statementPage(account, job: 1, page: 1, size: 25).statements.count == 5)
    }

    @Test func pagesPastTheEndAreEmptyAndHugePagesDoNotOverflow() {
        #expect(Figures.statementPage(account, job: nil, page: 3, size: 25) == StatementPage(statements: [], page: 3, more: false))
        #expect(Figures.statementPage(account, job: nil, page: Int.max, size: 25).statements.isEmpty)
        #expect(Figures.statementPage(account, job: nil, page: -4, size: 25).page == 0)
        #expect(StatementPage.pages == 0...4_000)
    }
}
