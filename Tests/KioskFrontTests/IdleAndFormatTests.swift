import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

struct IdleAndFormatTests {
    func signedIn(idle: Double = 120) -> FrontState {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.connected, now: 0)
        state.session = SessionData(account: "2001", contactName: "Luis Ortega", permissions: ["view_balances"], idleSeconds: idle, endsAt: 900)
        state.screen = .home
        return state
    }

    @Test("a warning 20 s before the session ends; a key keeps it (with a keep-alive); then sign-out")
    func idle() {
        var state = signedIn()
        _ = state.update(.tick, now: 90)
        #expect(state.idleWarning == nil)
        _ = state.update(.tick, now: 100)
        #expect(state.idleWarning == 19)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("Are you still there?"))
        let effects = state.update(.key(.char("x")), now: 101)
        #expect(effects.contains { if case .send(let r) = $0 { r.purpose == .keepAlive } else { false } })
        #expect(state.idleWarning == nil)
        let out = state.update(.tick, now: 230)
        #expect(out.contains(.wipeScreen))
        #expect(state.session == nil && state.screen.name == "welcome")
        #expect(Layout.render(state, width: 80, height: 24).text.contains("not used for a while"))
    }

    @Test("money by locale: en_US and fr_CA separators and symbol placement")
    func money() {
        #expect(LocaleFormat("en_US").money(123_456, "USD") == "$1,234.56")
        #expect(LocaleFormat("en_US").money(-1_200, "USD") == "-$12.00")
        let french = LocaleFormat("fr_CA").money(123_456, "CAD")
        #expect(french.hasSuffix("$"), "\(french)")
        #expect(french.contains("234,56"), "\(french)")
        #expect(french.unicodeScalars.contains { [0x20, 0xA0, 0x202F].contains($0.value) }, "grouping with a space: \(french)")
        #expect(LocaleFormat("en_US").date("2026-11-26") == "Nov 26, 2026")
        #expect(LocaleFormat("fr_CA").date("2026-11-26").contains("26 nov"))
        #expect(LocaleFormat("en_US").date("garbage") == "garbage")
    }

    @Test("braille: a diagonal lights the expected dots; bad points are skipped")
    func braille() {
        let lines = Braille.render([[[0, 0, 1], [1, 1, 1]]], columns: 2, rows: 1)
        #expect(lines == ["⠑⢄"])
        #expect(Braille.render([[[Double.nan, 0.5], [2, 2], [0.5]]], columns: 3, rows: 1) == ["⠀⠀⠀"])
        #expect(Braille.render([], columns: 0, rows: 0).isEmpty)
    }

    @Test("invoices: Space selects, the running total adds required finance charges, which stay locked")
    func invoices() {
        var state = signedIn()
        state.session?.permissions = ["pay", "view_open_items"]
        state.screen = .invoices(InvoicesModel())
        let items = OpenItemsResult(invoices: [
            .init(id: "A", number: "1", job: 1, date: "2026-01-01", dueDate: "2026-02-01", poNumber: nil, amount: 1000, openAmount: 1000, amountDue: 1000, pastDue: true),
            .init(id: "B", number: "2", job: 1, date: "2026-01-02", dueDate: nil, poNumber: nil, amount: 500, openAmount: 500, amountDue: 500, pastDue: false),
        ], financeCharges: 72, financeChargesRequired: true, currency: "USD")
        _ = state.update(.reply(.openItems, generation: state.generation, .success(try! JSONEncoder().encode(items))), now: 1)
        _ = state.update(.key(.char(" ")), now: 1)
        _ = state.update(.key(.down), now: 1)
        _ = state.update(.key(.down), now: 1)
        _ = state.update(.key(.char(" ")), now: 1)  // the locked finance line: no change
        guard case .invoices(let model) = state.screen else { Issue.record("left invoices"); return }
        #expect(model.selected == ["A"])
        #expect(model.financeIncluded && model.runningTotal == 1072)
        let effects = state.update(.key(.char("p")), now: 2)
        guard case .send(let quote)? = effects.last else { Issue.record("no quote"); return }
        #expect(quote.method == "payment.quote")
        let params = try! JSONSerialization.jsonObject(with: quote.params) as! [String: Any]
        #expect(params["invoices"] as? [String] == ["A"] && params["include_finance_charges"] as? Bool == true)
    }

    @Test("a swiped card shows brand, last four and expiry only")
    func masked() {
        let text = FrontState.maskedDescription(MaskedCardWire(last4: "1111", first6: "411111", brand: "visa", expiry: "2028-12", name: "DEMO/CARD"))
        #expect(text == "VISA •••• 1111  exp 2028-12")
        #expect(FrontState.padPrompt("Sign for 1 234,56 $") == "Sign for 1 234,56 $")
        #expect(FrontState.padPrompt("Sign for €5") == "Sign for  5")
    }
}
