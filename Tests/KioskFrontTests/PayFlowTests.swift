import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Paying without a terminal: balance forward bounded by Total, the rejection banner, and
/// the flow from a card on file to the submit's parameters.
struct PayFlowTests {
    func signedIn(balanceForward: Bool) -> FrontState {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.connected, now: 0)
        var session = SessionData(account: "2001", contactName: "Luis Ortega", permissions: ["pay", "view_balances"],
                                  idleSeconds: 120, endsAt: 900)
        session.options = PaymentOptions(receivablesType: balanceForward ? "balance_forward" : "open_item", currency: "USD",
                                         cardsOnFile: [.init(id: "K1", description: "CARD ENDING IN 4242", isDefault: true, job: nil)],
                                         terms: .init(text: "Terms.", sha256: "abc"), acceptsOnlinePayments: true)
        session.balances = BalancesResult(scope: "account", job: nil, creditLimit: 0, creditAvailable: 0, outstanding: 0,
                                          credits: 0, amountDue: 0, newCharges: 0, total: 150_000, currency: "USD")
        state.session = session
        state.screen = .home
        return state
    }

    @Test("balance forward: the amount typed is bounded by Total, then quoted")
    func boundedAmount() {
        var state = signedIn(balanceForward: true)
        _ = state.update(.key(.char("1")), now: 1)
        #expect(state.screen.name == "pay")
        for character in "2000.00" { _ = state.update(.key(.char(character)), now: 1) }
        #expect(state.update(.key(.enter), now: 1).isEmpty)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("You can pay at most $1,500.00"))
        for _ in 0..<4 { _ = state.update(.key(.backspace), now: 1) }  // "2000.00" → "200"
        let effects = state.update(.key(.enter), now: 2)
        guard case .send(let quote)? = effects.last else { Issue.record("no quote"); return }
        #expect(quote.method == "payment.quote")
        #expect((try? JSONSerialization.jsonObject(with: quote.params) as? [String: Any])?["amount"] as? Int == 20_000)
        let reply = PaymentQuoteResult(total: 20_000, currency: "USD", lines: [], problems: [])
        let next = state.update(.reply(.quote, generation: state.generation, .success(try! JSONEncoder().encode(reply))), now: 2)
        #expect(state.screen.name == "signature", "the default card on file goes straight to signing")
        guard case .send(let begin)? = next.last else { Issue.record("no capture"); return }
        #expect(begin.method == "device.capture.begin")
        #expect(state.draft.cardOnFile == "K1" && state.draft.amount == 20_000)
    }

    @Test("signature done, terms ticked, confirm: the submit carries every choice")
    func toSubmit() {
        var state = signedIn(balanceForward: true)
        state.draft.amount = 20_000
        state.draft.total = 20_000
        state.draft.cardOnFile = "K1"
        state.draft.methodDescription = "CARD ENDING IN 4242"
        state.screen = .signature(SignatureModel())
        _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S1"}"#.utf8))), now: 1)
        #expect(state.update(.key(.enter), now: 1).isEmpty, "nothing signed yet: no finish")
        _ = state.update(.event(Data(#"{"type":"capture.progress","capture":"S1","points":40,"preview":[[[0,0],[1,1]]]}"#.utf8)), now: 2)
        #expect(Layout.render(state, width: 80, height: 24).text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) },
                "the live preview draws the pad's strokes")
        _ = state.update(.event(Data(#"{"type":"capture.progress","capture":"OTHER","points":99}"#.utf8)), now: 2)
        if case .signature(let model) = state.screen { #expect(model.points == 40, "another capture's events are ignored") }
        _ = state.update(.key(.enter), now: 2)
        _ = state.update(.event(Data(#"{"type":"capture.done","capture":"S1","points":40,"strokes":2}"#.utf8)), now: 3)
        #expect(state.screen.name == "terms")
        _ = state.update(.key(.enter), now: 3)
        #expect(state.screen.name == "terms", "not without ticking I agree")
        _ = state.update(.key(.char(" ")), now: 3)
        _ = state.update(.key(.enter), now: 3)
        #expect(state.screen.name == "confirm")
        let effects = state.update(.key(.enter), now: 4)
        guard case .send(let submit)? = effects.last else { Issue.record("no submit"); return }
        let params = (try? JSONSerialization.jsonObject(with: submit.params)) as? [String: Any] ?? [:]
        #expect(params["signature"] as? String == "S1" && params["terms_sha256"] as? String == "abc")
        #expect((params["method"] as? [String: Any])?["card_on_file"] as? String == "K1")
    }

    @Test("a rejected payment shows its reason and message until acknowledged with A")
    func rejectionBanner() {
        var state = signedIn(balanceForward: false)
        state.session?.rejections = [RejectionNotice(payment: "P9", amount: 5_000, currency: "USD", createdAt: "2026-11-20T10:00:00Z",
                                                     reason: "payment_issue_call", message: "Card declined, please call us")]
        let text = Layout.render(state, width: 80, height: 24).text
        #expect(text.contains("Payment of $50.00 was rejected") && text.contains("Card declined"))
        let effects = state.update(.key(.char("a")), now: 1)
        guard case .send(let ack)? = effects.last else { Issue.record("no acknowledge"); return }
        #expect(ack.method == "payment.acknowledge")
        #expect(!Layout.render(state, width: 80, height: 24).text.contains("was rejected"))
    }

    @Test("a half-typed PIN left alone is wiped after a minute")
    func abandoned() {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.connected, now: 0)
        for digit in "1001" { _ = state.update(.key(.char(digit)), now: 1) }
        _ = state.update(.key(.enter), now: 1)
        _ = state.update(.key(.char("4")), now: 2)
        #expect(state.update(.tick, now: 30).isEmpty)
        #expect(state.update(.tick, now: 63) == [.wipeScreen])
        #expect(state.screen == .welcome(WelcomeModel()))
    }
}
