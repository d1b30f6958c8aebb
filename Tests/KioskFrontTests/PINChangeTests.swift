import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Issue 13 item 8 in the front's model: old PIN, new PIN twice, compared here; the rule
/// broken in plain words; a wrong old PIN says how many tries are left; the lock signs out.
struct PINChangeTests {
    typealias C = CustomerFacingTests

    static func type(_ state: inout FrontState, _ digits: String, enter: Bool = true) -> [Effect] {
        var effects: [Effect] = []
        for c in digits { effects += state.update(.key(.char(c)), now: 4) }
        if enter { effects += state.update(.key(.enter), now: 4) }
        return effects
    }

    static func failure(_ state: inout FrontState, _ failure: Failure) -> [Effect] {
        state.update(.reply(.pinChange, generation: state.generation, .failure(failure)), now: 5)
    }

    @Test("home offers it to every contact; the three steps send pin.change once, with nothing typed left in the model or on screen")
    func changes() throws {
        var (state, _) = C.signedIn(permissions: [])
        #expect(C.text(state).contains("[P] Change my PIN"))
        _ = state.update(.key(.char("p")), now: 3)
        #expect(state.screen.name == "pin change")
        #expect(C.text(state).contains("Current PIN:"))
        _ = Self.type(&state, "4821")
        _ = Self.type(&state, "5829", enter: false)
        let drawn = C.text(state)
        #expect(drawn.contains("●●●●") && !drawn.contains("5829") && !drawn.contains("4821"), "\(drawn)")
        _ = state.update(.key(.enter), now: 4)
        let effects = Self.type(&state, "5829")
        let request = try #require(C.sent(effects, "pin.change"))
        let params = try JSONDecoder().decode(PINChangeParams.self, from: request.params)
        #expect(params == PINChangeParams(oldPIN: "4821", newPIN: "5829"))
        guard case .pinChange(let model) = state.screen else { Issue.record("left the screen"); return }
        #expect(model.current.isEmpty && model.new.isEmpty && model.again.isEmpty && model.busy)
        _ = state.update(.reply(.pinChange, generation: state.generation, .success(try JSONEncoder().encode(OKResult()))), now: 5)
        #expect(C.text(state).contains("Your PIN is changed."))
        _ = state.update(.key(.enter), now: 6)
        #expect(state.screen == .home)
    }

    @Test("the two new PINs differ: nothing is sent, the new PIN is asked again")
    func mismatch() {
        var (state, _) = C.signedIn()
        _ = state.update(.key(.char("p")), now: 3)
        _ = Self.type(&state, "4821")
        _ = Self.type(&state, "5829")
        let effects = Self.type(&state, "5830")
        #expect(C.sent(effects, "pin.change") == nil)
        #expect(C.text(state).contains("The two new PINs are not the same."))
        guard case .pinChange(let model) = state.screen else { Issue.record("left the screen"); return }
        #expect(model.step == .new && model.new.isEmpty && model.current == "4821")
    }

    @Test("each rule broken is shown in plain words", arguments: [
        ("not_digits", "digits 0 to 9 only"), ("length", "4 to 8 digits"), ("same_digit", "one digit repeated, like 1111"),
        ("run", "A PIN cannot count up or down, like 1234 or 9876."),
    ])
    func rules(reason: String, words: String) {
        var (state, _) = C.signedIn()
        _ = state.update(.key(.char("p")), now: 3)
        _ = Self.type(&state, "4821"); _ = Self.type(&state, "1111"); _ = Self.type(&state, "1111")
        _ = Self.failure(&state, Failure(kind: "invalid_pin", message: "that PIN cannot be used: …", reason: reason))
        let text = C.text(state)
        #expect(text.contains(words) && text.contains("Your PIN was not changed."), "\(text)")
    }

    @Test("a wrong current PIN says the tries left; the lock signs the customer out")
    func wrongCurrent() {
        var (state, _) = C.signedIn()
        _ = state.update(.key(.char("p")), now: 3)
        _ = Self.type(&state, "1357"); _ = Self.type(&state, "5829"); _ = Self.type(&state, "5829")
        _ = Self.failure(&state, Failure(kind: "permission_denied", message: "that PIN is not right", attemptsLeft: 2))
        #expect(C.text(state).contains("That is not your current PIN. 2 attempts left before sign-in is locked."))
        _ = Self.type(&state, "1357"); _ = Self.type(&state, "5829"); _ = Self.type(&state, "5829")
        let out = Self.failure(&state, Failure(kind: "locked_out", message: "too many", retryAfter: 900))
        #expect(state.session == nil && out.contains(.wipeScreen))
        #expect(C.text(state).contains("Too many wrong PINs: you were signed out. You can sign in again in 15 minutes."))
    }
}
