import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// The invoice history, one invoice, one payment and the statement as of today, without a
/// terminal: what each key asks kioskd for, and what each reply draws at 80×24.
struct DocumentScreensTests {
    func signedIn(_ permissions: [String] = ["pay", "view_open_items", "view_history", "view_statements"]) -> FrontState {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.connected, now: 0)
        state.session = SessionData(account: "1001", contactName: "Pat Doe", permissions: permissions, idleSeconds: 120, endsAt: 900)
        state.screen = .home
        return state
    }

    func reply<T: Encodable>(_ state: inout FrontState, _ purpose: Purpose, _ value: T) {
        _ = state.update(.reply(purpose, generation: state.generation, .success(try! JSONEncoder().encode(value))), now: 1)
    }

    func params(_ effects: [Effect]) -> (method: String, params: [String: Any])? {
        guard case .send(let request)? = effects.last else { return nil }
        return (request.method, (try? JSONSerialization.jsonObject(with: request.params)) as? [String: Any] ?? [:])
    }

    func screen(_ state: FrontState) -> String { Layout.render(state, width: 80, height: 24).text }

    static func row(_ n: Int, status: String = "open", covered: Bool = false) -> InvoicesListResult.Row {
        let facts = InvoiceFacts(id: "I-\(n)", number: "\(40_000 + n)", job: 1, date: "2026-10-01", dueDate: "2026-10-31",
                                 poNumber: "PO-\(n)", amount: 10_000 + n, openAmount: status == "open" ? 5_000 : 0,
                                 status: status, pastDue: status == "open")
        return .init(invoice: facts, coveredBy: covered ? [.init(id: "K7XQ2M", state: "pending")] : [])
    }

    @Test("invoice history: 25 a page, Load more appends the next, Enter opens one, Esc returns to the same row")
    func invoiceHistory() throws {
        var state = signedIn()
        let first = try #require(params(state.update(.key(.char("6")), now: 1)))
        #expect(first.method == "invoices.list" && first.params["status"] as? String == "all" && first.params["page"] as? Int == 0)
        reply(&state, .invoiceHistory, InvoicesListResult(invoices: (1...25).map { Self.row($0) }, page: 0, more: true, currency: "USD"))
        #expect(screen(state).contains("[L Load more]"))
        let more = try #require(params(state.update(.key(.char("l")), now: 2)))
        #expect(more.params["page"] as? Int == 1)
        reply(&state, .invoiceHistory, InvoicesListResult(invoices: [Self.row(26, status: "closed")], page: 1, more: false, currency: "USD"))
        guard case .invoiceHistory(let model) = state.screen else { Issue.record("not the history"); return }
        #expect(model.rows.count == 26 && !model.more)
        for _ in 0..<25 { _ = state.update(.key(.down), now: 3) }
        let text = screen(state)
        #expect(text.contains("40026") && text.contains("Paid"), "the closed invoice, scrolled into view:\n\(text)")
        #expect(!text.contains("[L Load more]"))
        let open = try #require(params(state.update(.key(.enter), now: 4)))
        #expect(open.method == "invoice.get" && open.params["id"] as? String == "I-26")
        let detail = InvoiceDetail(invoice: Self.row(26, status: "closed").invoice, amountDue: 0,
                                   lines: [.init(name: "Lumber", amount: 8_000)],
                                   applied: [.init(payment: "P-9", date: "2026-10-15", amount: 10_026, method: "check")],
                                   coveredBy: [], currency: "USD")
        reply(&state, .invoiceDetail, detail)
        let page = screen(state)
        #expect(page.contains("Invoice 40026") && page.contains("Lumber") && page.contains("$80.00"))
        #expect(page.contains("Check") && page.contains("payment P-9") && page.contains("$100.26"), "\(page)")
        _ = state.update(.key(.escape), now: 5)
        guard case .invoiceHistory(let back) = state.screen else { Issue.record("Esc did not go back"); return }
        #expect(back.cursor == 25 && back.rows.count == 26)
    }

    @Test("search: letters and digits go to the box, Enter asks for page 0 of what matches, Esc clears it")
    func search() throws {
        var state = signedIn()
        _ = state.update(.key(.char("6")), now: 1)
        reply(&state, .invoiceHistory, InvoicesListResult(invoices: [Self.row(1)], page: 0, more: false, currency: "USD"))
        _ = state.update(.key(.char("s")), now: 2)
        for c in "po-7" { #expect(state.update(.key(.char(c)), now: 2).isEmpty) }
        _ = state.update(.key(.char("!")), now: 2)  // not part of any number: ignored
        #expect(screen(state).contains("Search:  po-7_"))
        let asked = try #require(params(state.update(.key(.enter), now: 3)))
        #expect(asked.params["search"] as? String == "po-7" && asked.params["page"] as? Int == 0)
        reply(&state, .invoiceHistory, InvoicesListResult(invoices: [], page: 0, more: false, currency: "USD"))
        #expect(screen(state).contains("No invoice number or PO has \"po-7\"."))
        _ = state.update(.key(.char("s")), now: 4)
        let cleared = try #require(params(state.update(.key(.escape), now: 4)))
        #expect(cleared.params["search"] == nil)
        let paid = try #require(params(state.update(.key(.right), now: 5)))
        #expect(paid.params["status"] as? String == "open")
    }

    @Test("an open invoice's full page from the pay screen (D), with what is paying it; Esc keeps the selection")
    func invoiceFromOpenItems() throws {
        var state = signedIn()
        var model = InvoicesModel()
        model.items = OpenItemsResult(invoices: [.init(id: "I-1", number: "40117", job: nil, date: "2026-09-17", dueDate: "2026-10-17", poNumber: nil,
                                                       amount: 482_350, openAmount: 482_350, amountDue: 482_350, pastDue: true)],
                                      financeCharges: 0, financeChargesRequired: false, currency: "USD")
        model.selected = ["I-1"]
        state.screen = .invoices(model)
        #expect(screen(state).contains("[D Details]"))
        let asked = try #require(params(state.update(.key(.char("d")), now: 1)))
        #expect(asked.method == "invoice.get" && asked.params["id"] as? String == "I-1")
        var facts = Self.row(117).invoice
        facts.number = "40117"
        reply(&state, .invoiceDetail, InvoiceDetail(invoice: facts, amountDue: 5_000, lines: [], applied: [],
                                                    coveredBy: [.init(id: "K7XQ2M", state: "scheduled", amount: 5_000, payOn: "2026-12-10")],
                                                    currency: "USD"))
        let page = screen(state)
        #expect(page.contains("Being paid at the kiosk") && page.contains("payment K7XQ2M") && page.contains("Scheduled for Dec 10, 2026"))
        #expect(page.contains("None yet."), "no back-office payment applied")
        _ = state.update(.key(.escape), now: 2)
        guard case .invoices(let back) = state.screen else { Issue.record("Esc did not go back"); return }
        #expect(back.selected == ["I-1"])
    }

    @Test("payment history rows open: a kiosk payment's lines, a back-office payment's applications")
    func paymentDetail() throws {
        var state = signedIn()
        state.screen = .history(HistoryModel())
        let rows = [HistoryResult.Row(id: "K7XQ2M", source: "kiosk", date: "2026-11-20T16:00:00Z", job: 1, amount: 5_661,
                                      method: "VISA •••• 1111", state: "rejected", pending: false, reason: "payment_issue_call", message: "Card declined"),
                    HistoryResult.Row(id: "P-9", date: "2026-10-15", job: 1, amount: 5_000, method: "check", state: "processed", pending: false)]
        reply(&state, .history, HistoryResult(payments: rows, currency: "USD"))
        let kiosk = try #require(params(state.update(.key(.enter), now: 2)))
        #expect(kiosk.method == "payment.get" && kiosk.params["id"] as? String == "K7XQ2M")
        reply(&state, .paymentDetail, PaymentDetail(row: rows[0], currency: "USD", applied: [],
                                                    lines: [.init(id: "I-1", number: "40117", amount: 5_000),
                                                            .init(id: "finance_charges", number: nil, amount: 661)]))
        var page = screen(state)
        #expect(page.contains("Chosen at the kiosk") && page.contains("Invoice 40117") && page.contains("Finance charges"))
        #expect(page.contains("Payment issue – please call the store: Card declined"), "\(page)")
        _ = state.update(.key(.escape), now: 3)
        _ = state.update(.key(.down), now: 3)
        let office = try #require(params(state.update(.key(.enter), now: 4)))
        #expect(office.params["id"] as? String == "P-9")
        reply(&state, .paymentDetail, PaymentDetail(row: rows[1], currency: "USD",
                                                    applied: [.init(item: "I-1", number: "10023", kind: "invoice", amount: 5_000)], lines: []))
        page = screen(state)
        #expect(page.contains("Applied by the store to") && page.contains("Invoice 10023") && page.contains("$50.00"))
    }

    @Test("the current statement is built now (statement.current), not the newest past one")
    func currentStatement() throws {
        var state = signedIn()
        let asked = try #require(params(state.update(.key(.char("3")), now: 1)))
        #expect(asked.method == "statements.list")
        #expect(screen(state).contains("[C] Current statement, as of today"))
        let current = try #require(params(state.update(.key(.char("c")), now: 2)))
        #expect(current.method == "statement.current")
        let result = CurrentStatementResult(
            scope: "account", job: nil, date: "2026-12-02", lastStatement: .init(number: "S-100", issuedAt: "2026-11-30T23:00:00Z"),
            items: [.init(id: "I-1", kind: "invoice", number: "40117", date: "2026-09-17", dueDate: "2026-10-17", poNumber: nil,
                          openAmount: 482_350, daysPastDue: 46, bucket: "31_60")],
            aging: .init(current: 0, days1to30: 0, days31to60: 482_350, days61to90: 0, over90: 0),
            activity: [.init(date: "2026-12-01", kind: "credit_memo", id: "CM-1", number: "CM-1", amount: 2_500)],
            activityTotals: .init(charges: 0, payments: 0, credits: 2_500), credits: 2_500, amountDue: 479_850, currency: "USD")
        reply(&state, .currentStatement, result)
        let page = screen(state)
        #expect(page.contains("Current statement, as of Dec 2, 2026"))
        #expect(page.contains("since statement S-100"))
        #expect(page.contains("Amount due") && page.contains("$4,798.50"))
        #expect(page.contains("31–60 days") && page.contains("$4,823.50"))
        #expect(page.contains("46 days past due"))
        #expect(page.contains("Credit memo CM-1") && page.contains("-$25.00"), "\(page)")
        _ = state.update(.key(.escape), now: 3)
        #expect(state.screen.name == "statements")
    }

    @Test("a contact with neither view_open_items nor view_history is not offered the invoices, nor their detail")
    func permissions() {
        var state = signedIn(["pay"])
        #expect(state.update(.key(.char("6")), now: 1).isEmpty)
        #expect(state.screen.name == "home")
        var model = InvoicesModel()
        model.items = OpenItemsResult(invoices: [.init(id: "I-1", number: "40117", job: nil, date: "2026-09-17", dueDate: nil, poNumber: nil,
                                                       amount: 1, openAmount: 1, amountDue: 1, pastDue: false)],
                                      financeCharges: 0, financeChargesRequired: false, currency: "USD")
        state.screen = .invoices(model)
        #expect(!screen(state).contains("D Details"))
        #expect(state.update(.key(.char("d")), now: 1).isEmpty)
        state.screen = .history(HistoryModel())
        reply(&state, .history, HistoryResult(payments: [.init(id: "P-9", date: "2026-10-15", job: nil, amount: 1, method: "check",
                                                               state: "processed", pending: false)], currency: "USD"))
        #expect(state.update(.key(.enter), now: 2).isEmpty, "no view_history: no payment.get")
    }

    @Test("a failed read says so in the customer's words, and Esc still goes back")
    func failure() {
        var state = signedIn()
        _ = state.update(.key(.char("3")), now: 1)
        _ = state.update(.key(.char("c")), now: 1)
        _ = state.update(.reply(.currentStatement, generation: state.generation,
                                .failure(Failure(kind: "storage", message: "disk I/O error at /var/lib/kioskpay/kiosk.db"))), now: 2)
        let text = screen(state)
        #expect(!text.contains("/var/lib"), "staff details never reach the customer")
        #expect(text.contains("Please try again") || text.contains("please"), "\(text)")
        _ = state.update(.key(.escape), now: 3)
        #expect(state.screen.name == "statements")
    }

    @Test("Send me this from an invoice, a payment and today's statement: what document.send carries, and the answer on the page")
    func sendMeThis() throws {
        var state = signedIn()
        state.session?.job = 2
        state.screen = .invoice(InvoiceDetailModel(id: "I-1", back: .home))
        #expect(state.update(.key(.char("s")), now: 1).isEmpty, "nothing to send before the invoice is read")
        reply(&state, .invoiceDetail, InvoiceDetail(invoice: Self.row(1).invoice, amountDue: 0, lines: [], applied: [], coveredBy: [], currency: "USD"))
        #expect(screen(state).contains("[S Send me this]"))
        let invoice = try #require(params(state.update(.key(.char("s")), now: 2)))
        #expect(invoice.method == "document.send" && invoice.params["kind"] as? String == "invoice" && invoice.params["id"] as? String == "I-1")
        let row = DocumentRow(id: "D7K2M9QXA", kind: "invoice", ref: "I-1", job: nil, contact: "C1", to: "pat@…", state: "queued",
                              requestedAt: "2026-12-02T10:00:00Z", sentAt: nil, error: nil)
        reply(&state, .sendDocument, row)
        #expect(screen(state).contains("We will email it to pat@…"), "\(screen(state))")

        state.screen = .payment(PaymentDetailModel(id: "K7XQ2M", back: .home))
        reply(&state, .paymentDetail, PaymentDetail(row: .init(id: "K7XQ2M", source: "kiosk", date: "2026-12-01T10:00:00Z", job: nil, amount: 1,
                                                               method: "CARD ENDING IN 4242", state: "pending", pending: true),
                                                    currency: "USD", applied: [], lines: []))
        let receipt = try #require(params(state.update(.key(.char("s")), now: 3)))
        #expect(receipt.params["kind"] as? String == "receipt" && receipt.params["id"] as? String == "K7XQ2M")
        _ = state.update(.reply(.sendDocument, generation: state.generation,
                                .failure(Failure(kind: "conflict", message: "this contact has no email address"))), now: 3)
        #expect(screen(state).contains("It cannot be emailed: this contact has no email address."))

        state.screen = .currentStatement(CurrentStatementModel(back: .home))
        reply(&state, .currentStatement, CurrentStatementResult(
            scope: "job", job: 2, date: "2026-12-02", lastStatement: nil, items: [],
            aging: .init(current: 0, days1to30: 0, days31to60: 0, days61to90: 0, over90: 0), activity: [],
            activityTotals: .init(charges: 0, payments: 0, credits: 0), credits: 0, amountDue: 0, currency: "USD"))
        let statement = try #require(params(state.update(.key(.char("s")), now: 4)))
        #expect(statement.params["kind"] as? String == "statement" && statement.params["id"] as? String == "current" && statement.params["job"] as? Int == 2)
    }
}
