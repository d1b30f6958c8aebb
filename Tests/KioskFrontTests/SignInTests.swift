import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Models driven without curses or kioskd: keys in, state and effects out.
struct SignInTests {
    func online() -> FrontState {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber"))
        _ = state.update(.connected, now: 0)
        return state
    }

    func type(_ text: String, into state: inout FrontState, at now: Double = 1) -> [Effect] {
        text.flatMap { state.update(.key(.char($0)), now: now) }
    }

    @Test("account, then a PIN drawn as bullets; the request carries it and the model forgets it")
    func pinMasked() throws {
        var state = online()
        _ = type("1001", into: &state)
        _ = state.update(.key(.enter), now: 1)
        #expect(state.screen.name == "pin")
        _ = type("4821", into: &state)
        let canvas = Layout.render(state, width: 80, height: 24)
        #expect(canvas.text.contains("●●●●") && !canvas.text.contains("4821"))
        let effects = state.update(.key(.enter), now: 2)
        guard case .send(let request)? = effects.first else { Issue.record("no request"); return }
        #expect(request.method == "session.begin")
        guard case .pin(let model) = state.screen else { Issue.record("left the PIN screen"); return }
        #expect(model.pin.isEmpty, "the PIN is wiped from the model once sent")
    }

    @Test("a wrong PIN says how many attempts are left; a lock says for how long")
    func wrongPIN() {
        var state = online()
        _ = type("1001", into: &state)
        _ = state.update(.key(.enter), now: 1)
        _ = type("1111", into: &state)
        _ = state.update(.key(.enter), now: 1)
        let wrong = Failure(kind: "permission_denied", message: "that PIN is not right", attemptsLeft: 4)
        _ = state.update(.reply(.signIn, generation: state.generation, .failure(wrong)), now: 2)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("4 attempts left"))
        _ = type("1111", into: &state)
        _ = state.update(.key(.enter), now: 3)
        let locked = Failure(kind: "locked_out", message: "locked", retryAfter: 890)
        _ = state.update(.reply(.signIn, generation: state.generation, .failure(locked)), now: 3)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("try again in 15 minutes"))
    }

    @Test("an unknown account goes back to welcome and says so, without repeating what was typed")
    func unknownAccount() {
        var state = online()
        _ = type("4111111111111111", into: &state)
        _ = state.update(.key(.enter), now: 1)
        _ = type("1234", into: &state)
        _ = state.update(.key(.enter), now: 1)
        _ = state.update(.reply(.signIn, generation: state.generation, .failure(Failure(kind: "not_found", message: "x"))), now: 2)
        #expect(state.screen.name == "welcome")
        let screen = Layout.render(state, width: 80, height: 24).text
        #expect(screen.contains("We could not find that account number"))
        #expect(!screen.contains("4111"), "what was typed may be a card number: never shown back")
    }

    @Test("kiosk mode ignores Ctrl-C; only the configured sequence quits")
    func kioskExit() {
        var state = FrontState(config: FrontConfig(kiosk: true, exitSequence: [.function(12), .function(12), .function(1)]))
        #expect(state.update(.key(.interrupt), now: 0).isEmpty)
        #expect(state.update(.key(.function(12)), now: 0).isEmpty)
        #expect(state.update(.key(.function(12)), now: 0).isEmpty)
        #expect(state.update(.key(.function(1)), now: 0) == [.quit])
        var plain = FrontState(config: FrontConfig())
        #expect(plain.update(.key(.interrupt), now: 0) == [.quit])
    }

    @Test("malformed events and replies for an old sign-in change nothing")
    func badInput() {
        var state = online()
        let before = state
        #expect(state.update(.event(Data("not json".utf8)), now: 1).isEmpty)
        #expect(state.update(.event(Data("{\"type\":\"capture.done\",\"capture\":42}".utf8)), now: 1).isEmpty)
        #expect(state.update(.reply(.signIn, generation: 99, .success(Data("{}".utf8))), now: 1).isEmpty)
        #expect(state.screen == before.screen)
    }

    @Test("a terminal under 80x24 gets a message instead of a broken screen")
    func tinyTerminal() {
        let state = online()
        #expect(Layout.render(state, width: 40, height: 10).text.contains("at least 80x24 (now 40x10)"))
        #expect(Layout.render(state, width: 0, height: 0).text.isEmpty)
    }

    @Test("disconnect shows 'Service unavailable' and wipes the session; reconnect shows welcome")
    func reconnect() {
        var state = online()
        state.session = SessionData(account: "1001", contactName: "Pat Doe", permissions: [], idleSeconds: 120, endsAt: 900)
        state.screen = .home
        #expect(state.update(.disconnected, now: 5) == [.wipeScreen])
        #expect(state.session == nil)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("Service unavailable, please wait"))
        _ = state.update(.connected, now: 6)
        #expect(state.screen.name == "welcome")
    }
}

struct SwipeOnWelcomeTests {
    @Test("a card swiped on the welcome screen says to type the account number; elsewhere it changes nothing")
    func swipeOnWelcome() {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber"))
        _ = state.update(.connected, now: 0)
        let event = Data(#"{"type":"swipe.unclaimed","device":{"id":"emulated-reader-1","kind":"card_reader","driver":"emulated-keyboard-wedge","vendor_id":0,"product_id":0,"allowed":true,"state":"ready"}}"#.utf8)
        #expect(state.update(.event(event), now: 1).isEmpty)
        guard case .welcome(let model) = state.screen else { Issue.record("left welcome"); return }
        #expect(model.message == FrontState.swipeOnWelcome)
        #expect(Layout.render(state, width: 80, height: 24).text.contains("type your account number first"))
        // Malformed events are ignored.
        #expect(state.update(.event(Data("{".utf8)), now: 2).isEmpty)
    }
}
