import Foundation
import KioskCore
import KioskFixtures
import KioskProtocol
import KioskStore

/// `items.open` paged (issue 16 item 2): one page of 25 out of 10,000 open invoices through
/// the steps AccountHandlers.openItems takes (load the account, the open-item figures, the
/// payments covering invoices, the page, the reply encoded), against the same steps for the
/// whole list (the old 1.78 MB reply) and against encoding the same 25 rows alone. The daemon
/// module is not linked here, so these are the handler's calls, not the handler: keep them in
/// step with it.
func pagingBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let open = size.count(10_000, smoke: 500)
    let rounds = size.count(200, smoke: 20)
    var document = SyntheticStore.document(accounts: 2, itemsPerAccount: 10)
    let number = document.accounts[1].number  // billed by account, open item
    let start = LocalDate("2025-01-01")!
    document.accounts[1].items = (0..<open).map { i in
        let date = start.adding(days: i % 680)
        return Item(id: "I1-\(i)", kind: .invoice, number: String(200_000 + i), job: nil, date: date, dueDate: date.adding(days: 30),
                    poNumber: i % 5 == 0 ? "PO-\(i)" : nil, amount: 10_000 + i, openAmount: 5_000 + i, billed: true)
    }
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try KioskStore(directory: dir)
    _ = try await store.apply(document, audit: nil)
    let today = LocalDate("2026-11-20")!
    let encoder = JSONEncoder()

    /// The handler's steps for one window; returns the reply's bytes.
    func reply(_ window: PageWindow) async throws -> Int {
        guard let stored = try await store.account(number: number) else { fatalError("missing \(number)") }
        let scope = try Figures.scope(for: stored.account, job: nil)
        let o = Figures.openItems(stored.account, scope: scope, branch: stored.branch, today: today)
        let covers = Figures.covers(try await store.commitments(account: number))
        let shown = window.slice(o.invoices)
        let result = OpenItemsResult(
            invoices: shown.rows.map { wire($0, covers[$0.id]) }, financeCharges: o.financeCharges,
            financeChargesRequired: o.financeChargesRequired, currency: stored.currency, page: window.page, limit: window.limit,
            more: shown.more, count: shown.count, openTotal: o.invoices.reduce(0) { $0 + $1.openAmount },
            amountDueTotal: o.invoices.reduce(0) { $0 + $1.amountDue })
        return try encoder.encode(result).count
    }

    let page = PageWindow(first: PageWindow.defaultLimit)
    let whole = PageWindow(first: open)  // the list before paging: every row in one reply
    var pageBytes = 0, wholeBytes = 0
    let paged = try await latenciesMS(rounds) { pageBytes = try await reply(page) }
    let unpaged = try await latenciesMS(size.count(20, smoke: 5)) { wholeBytes = try await reply(whole) }

    // Reference: encoding the same 25 rows, nothing loaded or computed.
    guard let stored = try await store.account(number: number) else { fatalError("missing \(number)") }
    let figures = Figures.openItems(stored.account, scope: try Figures.scope(for: stored.account, job: nil), branch: stored.branch, today: today)
    let rows = figures.invoices.prefix(25).map { wire($0, nil) }
    let encodeOnly = try await latenciesMS(rounds) {
        _ = try encoder.encode(OpenItemsResult(invoices: rows, financeCharges: 0, financeChargesRequired: false, currency: "USD"))
    }
    // What paging itself controls: the same steps with the account already loaded, against the
    // load alone (issue 16 item 1's part, in AccountReads).
    let covers = Figures.covers(try await store.commitments(account: number))
    let scope = try Figures.scope(for: stored.account, job: nil)
    let afterLoad = try await latenciesMS(rounds) {
        let o = Figures.openItems(stored.account, scope: scope, branch: stored.branch, today: today)
        let shown = page.slice(o.invoices)
        _ = try encoder.encode(OpenItemsResult(
            invoices: shown.rows.map { wire($0, covers[$0.id]) }, financeCharges: o.financeCharges,
            financeChargesRequired: o.financeChargesRequired, currency: stored.currency, page: 0, limit: page.limit, more: shown.more,
            count: shown.count, openTotal: o.invoices.reduce(0) { $0 + $1.openAmount }, amountDueTotal: o.invoices.reduce(0) { $0 + $1.amountDue }))
    }
    let loadOnly = try await latenciesMS(size.count(50, smoke: 5)) { _ = try await store.account(number: number) }
    let label = open.formatted(.number.grouping(.automatic))
    return [
        BenchFigure("items.open page of 25, \(label) open invoices, p50", percentile(paged, 50), "ms",
                    reference: "whole list, same steps", referenceValue: percentile(unpaged, 50)),
        BenchFigure("items.open page of 25, \(label) open invoices, p99", percentile(paged, 99), "ms",
                    reference: "encoding the same 25 rows", referenceValue: percentile(encodeOnly, 99), goal: .below(5)),
        BenchFigure("items.open page of 25 after the account load (figures, page, encode), p99", percentile(afterLoad, 99), "ms",
                    reference: "the account load alone, p50", referenceValue: percentile(loadOnly, 50)),
        BenchFigure("items.open reply, page of 25", Double(pageBytes) / 1_024, "KiB",
                    reference: "whole list's reply", referenceValue: Double(wholeBytes) / 1_024),
    ]
}

/// An open invoice as `items.open` writes it (AccountHandlers.openItems).
private func wire(_ o: OpenInvoice, _ covers: [PaymentCommitment]?) -> OpenItemsResult.Invoice {
    .init(id: o.id, number: o.number, job: o.job, date: o.date.description, dueDate: o.dueDate?.description, poNumber: o.poNumber,
          amount: o.amount, openAmount: o.openAmount, amountDue: o.amountDue, pastDue: o.pastDue,
          coveredBy: covers.map { $0.map { .init(id: $0.paymentID, state: $0.state.rawValue) } })
}
