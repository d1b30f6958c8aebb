import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Payment methods without a terminal: the bank account typed as dots and forgotten once
/// sent, the ABA check in plain words, a bank account on file paying, the methods screen.
struct PaymentMethodScreenTests {
    func paying() -> FrontState {
        var state = PayFlowTests().signedIn(balanceForward: true)
        state.session?.options?.bankAccountsOnFile = [.init(id: "BA1", description: "ACCOUNT ENDING 6789", isDefault: false, job: nil)]
        state.draft.total = 1_200
        return state
    }

    @Test("pay by bank account: digits drawn as dots, a bad routing number said in plain words, the numbers wiped once sent")
    func bankEntry() throws {
        var state = paying()
        _ = state.update(.key(.char("1")), now: 1)
        guard case .pay(let pay) = state.screen else { Issue.record("not on pay"); return }
        #expect(pay.cards.map(\.id) == ["K1", "BA1"], "a bank account on file is offered with the cards")
        for _ in 0..<3 { _ = state.update(.key(.down), now: 1) }
        for character in "12" { _ = state.update(.key(.char(character)), now: 1) }
        let quote = state.update(.key(.enter), now: 1)
        #expect(quote.count == 1)
        let reply = PaymentQuoteResult(total: 1_200, currency: "USD", lines: [], problems: [])
        _ = state.update(.reply(.quote, generation: state.generation, .success(try JSONEncoder().encode(reply))), now: 2)
        #expect(state.screen.name == "bank-entry")
        for character in "123456789" { _ = state.update(.key(.char(character)), now: 2) }
        _ = state.update(.key(.tab), now: 2)
        for character in "9876543210123" { _ = state.update(.key(.char(character)), now: 2) }
        var text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("●●●●●●●●●") && !text.contains("123456789") && !text.contains("9876543210123"))
        #expect(state.update(.key(.enter), now: 2).isEmpty, "a wrong check digit is caught before anything is sent")
        text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("That routing number is not right"), "\(text)")
        for _ in 0..<9 { _ = state.update(.key(.backspace), now: 2) }
        for character in "021000021" { _ = state.update(.key(.char(character)), now: 2) }
        let sent = state.update(.key(.enter), now: 3)
        guard case .send(let begin)? = sent.last else { Issue.record("nothing sent"); return }
        let params = try #require(try JSONSerialization.jsonObject(with: begin.params) as? [String: Any])
        #expect(begin.method == "device.capture.begin" && params["kind"] as? String == "bank" && params["routing_number"] as? String == "021000021"
                && params["account_number"] as? String == "9876543210123" && params["account_type"] as? String == "checking")
        guard case .bankEntry(let model) = state.screen else { Issue.record("left the bank screen"); return }
        #expect(model.routing.isEmpty && model.account.isEmpty, "the front forgets the numbers once they are sent")
        _ = state.update(.reply(.captureBank, generation: state.generation, .success(Data(#"{"capture":"Kb1"}"#.utf8))), now: 3)
        text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("ACCOUNT ENDING 0123") && text.contains("V Save this account for next time"))
        #expect(state.draft.cardCapture == "Kb1" && state.draft.methodDescription == "ACCOUNT ENDING 0123")
        _ = state.update(.key(.char("v")), now: 4)
        for character in "Ranch account" { _ = state.update(.key(.char(character)), now: 4) }
        let save = state.update(.key(.enter), now: 4)
        guard case .send(let request)? = save.last else { Issue.record("no save"); return }
        let saveParams = try #require(try JSONSerialization.jsonObject(with: request.params) as? [String: Any])
        #expect(request.method == "payment_method.save" && saveParams["capture"] as? String == "Kb1" && saveParams["name"] as? String == "Ranch account")
    }

    @Test("a bank account on file pays as {bank_account: id}")
    func bankOnFile() throws {
        var state = paying()
        _ = state.update(.key(.char("1")), now: 1)
        _ = state.update(.key(.down), now: 1)
        for character in "12" { _ = state.update(.key(.char(character)), now: 1) }
        _ = state.update(.key(.enter), now: 1)
        let reply = PaymentQuoteResult(total: 1_200, currency: "USD", lines: [], problems: [])
        _ = state.update(.reply(.quote, generation: state.generation, .success(try JSONEncoder().encode(reply))), now: 2)
        #expect(state.screen.name == "signature")
        #expect(state.draft.bankAccount == "BA1" && state.draft.cardOnFile == nil)
        state.draft.signature = "S1"
        state.draft.termsSHA256 = "abc"
        #expect(state.draft.submitParams?.method.bankAccount == "BA1")
    }

    @Test("the methods screen: expired and being-saved shown as such, not made default; R twice removes")
    func methodsScreen() throws {
        var state = paying()
        state.session?.permissions.append("pay")
        let effects = state.update(.key(.char("9")), now: 1)
        guard case .send(let list)? = effects.last else { Issue.record("no list"); return }
        #expect(list.method == "payment_methods.list")
        let methods = PaymentMethodsListResult(methods: [
            PaymentMethodWire(id: "K1", type: "card", description: "CARD ENDING IN 4242", last4: "4242", brand: "visa", expiry: "2030-01",
                              accountType: nil, job: nil, isDefault: true, state: "active", error: nil),
            PaymentMethodWire(id: "K2", type: "card", description: "Old card", last4: "0002", brand: "visa", expiry: "2020-01",
                              accountType: nil, job: nil, isDefault: false, state: "expired", error: nil),
            PaymentMethodWire(id: "PM1", type: "card", description: "Bob's card", last4: "1111", brand: "visa", expiry: "2028-12",
                              accountType: nil, job: nil, isDefault: false, state: "saving", error: nil),
        ])
        _ = state.update(.reply(.methods, generation: state.generation, .success(try JSONEncoder().encode(methods))), now: 1)
        let text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("Expired (not offered)") && text.contains("Being saved") && text.contains("Default") && text.contains("01/2020"))
        _ = state.update(.key(.down), now: 2)
        #expect(state.update(.key(.char("d")), now: 2).isEmpty, "an expired card is not made the default")
        #expect(Layout.render(state, width: 80, height: 24).text.contains("This card has expired"))
        #expect(state.update(.key(.char("r")), now: 3).isEmpty, "the first R asks")
        let removed = state.update(.key(.char("r")), now: 3)
        guard case .send(let remove)? = removed.last else { Issue.record("no remove"); return }
        let removeParams = try JSONSerialization.jsonObject(with: remove.params) as? [String: Any]
        #expect(remove.method == "payment_method.remove" && removeParams?["id"] as? String == "K2")
    }
}
