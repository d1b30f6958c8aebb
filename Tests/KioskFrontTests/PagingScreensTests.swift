import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// The front's paged lists (PROTOCOL.md "Paged lists"): 25 rows at a time with "L Load more",
/// what was picked stays picked when the next page comes, and a total on screen is the whole
/// list's, not the rows loaded so far.
struct PagingScreensTests {
    typealias C = CustomerFacingTests

    static func invoice(_ n: Int) -> OpenItemsResult.Invoice {
        .init(id: "I-\(n)", number: String(50_000 + n), job: 1, date: "2026-09-17", dueDate: "2026-10-17", poNumber: nil,
              amount: 1_000 + n, openAmount: 1_000 + n, amountDue: 1_000 + n, pastDue: false)
    }

    /// Page `page` of 30 open invoices, 25 a page: the totals are the 30's on every page.
    static func openItems(page: Int) -> OpenItemsResult {
        let all = (0..<30).map(invoice)
        let rows = Array(all[(page * 25)..<min(30, page * 25 + 25)])
        return OpenItemsResult(invoices: rows, financeCharges: 0, financeChargesRequired: false, currency: "USD", page: page, limit: 25,
                               more: page == 0, count: 30, openTotal: all.reduce(0) { $0 + $1.openAmount },
                               amountDueTotal: all.reduce(0) { $0 + $1.amountDue })
    }

    static func params(_ request: Request?) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: request?.params ?? Data()) as? [String: Any]) ?? [:]
    }

    @Test("open invoices: page 1 asked with page 0; L loads page 2 below it; an invoice picked on page 1 stays picked and counted; P pays both")
    func invoicesAcrossPages() throws {
        var (state, _) = C.signedIn()
        _ = C.reply(&state, .options, C.options())
        let opened = state.update(.key(.char("1")), now: 4)
        #expect(Self.params(C.sent(opened, "items.open"))["page"] as? Int == 0)
        _ = C.reply(&state, .openItems, Self.openItems(page: 0), now: 4)
        var text = C.text(state)
        // The whole list's count and total, with 25 of them loaded.
        #expect(text.contains("25 of 30, total due $304.35") && text.contains("[L Load more]"), "\(text)")

        _ = state.update(.key(.char(" ")), now: 5)  // picks 50000 on the first page
        let more = state.update(.key(.char("l")), now: 5)
        let asked = try #require(C.sent(more, "items.open"))
        #expect(Self.params(asked)["page"] as? Int == 1 && Self.params(asked)["job"] == nil)
        _ = C.reply(&state, .openItems, Self.openItems(page: 1), now: 6)
        guard case .invoices(var model) = state.screen else { Issue.record("left the invoices"); return }
        #expect(model.items?.invoices.count == 30 && model.items?.more == false)
        #expect(model.selected == ["I-0"] && model.runningTotal == 1_000, "still picked after the next page came")
        text = C.text(state)
        #expect(text.contains("30 of 30, total due $304.35") && !text.contains("Load more"), "\(text)")
        #expect(state.update(.key(.char("l")), now: 6).isEmpty, "no page after the last")

        // Pick 50027 on the second page, then pay: both invoices go to the quote.
        for _ in 0..<27 { _ = state.update(.key(.down), now: 7) }
        _ = state.update(.key(.char(" ")), now: 7)
        guard case .invoices(let after) = state.screen else { return }
        model = after
        #expect(model.chosen.map(\.id) == ["I-0", "I-27"] && model.runningTotal == 1_000 + 1_027)
        let pay = state.update(.key(.char("p")), now: 8)
        #expect(Self.params(C.sent(pay, "payment.quote"))["invoices"] as? [String] == ["I-0", "I-27"])
    }

    @Test("a page that repeats a row already shown (the list shifted) does not show it twice; page 0 again starts over")
    func mergingPages() {
        let first = Self.openItems(page: 0)
        var second = Self.openItems(page: 1)
        second.invoices.insert(Self.invoice(24), at: 0)
        let merged = InvoicesModel.adding(second, to: first)
        #expect(merged.invoices.map(\.id) == (0..<30).map { "I-\($0)" } && merged.page == 1 && merged.count == 30)
        #expect(InvoicesModel.adding(first, to: merged).invoices.count == 25)
    }

    @Test("credits: the count and total are the whole list's; L adds the next page under the first")
    func creditsPages() throws {
        var (state, _) = C.signedIn(permissions: ["view_credits", "view_balances"])
        let opened = state.update(.key(.char("4")), now: 3)
        let first = try #require(C.sent(opened, "credits.list"))
        #expect(Self.params(first)["page"] == nil, "no page: the first 25")
        func rows(_ range: Range<Int>) -> [CreditsResult.Row] {
            range.map { .init(id: "CM-\($0)", kind: "credit_memo", number: "CM\($0)", date: "2026-10-01", job: nil, amount: 500, remaining: 500) }
        }
        _ = C.reply(&state, .credits, CreditsResult(filter: "all", credits: rows(0..<25), count: 27, total: 27 * 500, currency: "USD",
                                                      page: 0, limit: 25, more: true))
        var text = C.text(state)
        #expect(text.contains("27 credits, total") && text.contains("$135.00") && text.contains("L Load more"), "\(text)")
        let more = try #require(C.sent(state.update(.key(.char("l")), now: 4), "credits.list"))
        #expect(Self.params(more)["page"] as? Int == 1 && Self.params(more)["filter"] as? String == "all")
        _ = C.reply(&state, .credits, CreditsResult(filter: "all", credits: rows(25..<27), count: 27, total: 27 * 500, currency: "USD",
                                                      page: 1, limit: 25, more: false), now: 5)
        guard case .credits(let model) = state.screen else { Issue.record("left credits"); return }
        #expect(model.result?.credits.count == 27 && model.result?.total == 13_500)
        text = C.text(state)
        #expect(text.contains("27 credits, total") && !text.contains("Load more"), "\(text)")
    }

    @Test("history: L adds the next page; the payments for a later day are gathered from every page before they are shown")
    func historyPages() throws {
        var (state, _) = C.signedIn(permissions: ["view_history", "pay"])
        func row(_ n: Int, _ stateName: String = "processed") -> HistoryResult.Row {
            .init(id: "P-\(n)", date: "2026-10-\(String(format: "%02d", 28 - n % 28))", job: nil, amount: 100 + n, method: "check",
                  state: stateName, pending: false, payOn: stateName == "scheduled" ? "2026-12-\(10 + n % 10)" : nil)
        }
        _ = state.update(.key(.char("5")), now: 3)
        guard case .history = state.screen else { Issue.record("no history screen: \(state.screen.name)"); return }
        _ = C.reply(&state, .history, HistoryResult(payments: (0..<25).map { row($0) }, currency: "USD", page: 0, limit: 25, more: true, count: 26))
        #expect(C.text(state).contains("L Load more"))
        let more = try #require(C.sent(state.update(.key(.char("l")), now: 4), "history.list"))
        #expect(Self.params(more)["page"] as? Int == 1)
        _ = C.reply(&state, .history, HistoryResult(payments: [row(25)], currency: "USD", page: 1, limit: 25, more: false, count: 26), now: 5)
        guard case .history(let model) = state.screen else { Issue.record("left history"); return }
        #expect(model.result?.payments.map(\.id) == (0..<26).map { "P-\($0)" } && !C.text(state).contains("Load more"))

        // Scheduled payments: one on the first page of 100, one on the second.
        state.screen = .home
        let list = try #require(C.sent(state.update(.key(.char("7")), now: 6), "history.list"))
        #expect(Self.params(list)["page"] as? Int == 0 && Self.params(list)["limit"] as? Int == 100)
        let next = C.reply(&state, .scheduled, HistoryResult(payments: [row(1, "scheduled")] + (2..<101).map { row($0) }, currency: "USD",
                                                             page: 0, limit: 100, more: true, count: 102), now: 6)
        #expect(Self.params(C.sent(next, "history.list"))["page"] as? Int == 1, "the second page is read before anything is shown")
        _ = C.reply(&state, .scheduled, HistoryResult(payments: [row(102, "scheduled")], currency: "USD", page: 1, limit: 100, more: false,
                                                      count: 102), now: 7)
        guard case .scheduled(let scheduled) = state.screen else { Issue.record("left scheduled"); return }
        #expect(scheduled.rows?.map(\.id) == ["P-1", "P-102"], "both pages' scheduled payments, by day")
    }
}
