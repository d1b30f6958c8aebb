import Foundation
import KioskProtocol

/// The whole front as a value: the screen on show, the signed-in session, the payment being
/// built, and the clocks for idle sign-out. `update` is pure: it changes the value and says
/// what the runtime must do (``Effect``); it never reads the clock or touches the terminal.
public struct FrontState: Sendable, Equatable {
    public var config: FrontConfig
    public var format: LocaleFormat
    public var online = false
    /// Why the last connection attempt failed, when staff can fix it (shown while offline).
    public var linkProblem: LinkProblem?
    public var screen: Screen = .unavailable
    public var session: SessionData?
    public var draft = PaymentDraft()
    /// An autopay rule on its way through the pad and the terms (nil when paying).
    public var autopaySigning: AutopayEditorModel?
    /// Bumped at every sign-in and sign-out: replies for an older generation are dropped.
    public var generation = 0
    public var now: Double = 0
    public var lastKey: Double = 0
    public var lastRequest: Double = 0
    /// Keys of the technician exit sequence matched so far.
    var exitMatched = 0

    /// How long before the session ends the "are you still there?" warning shows.
    public static let idleWarningSeconds: Double = 20
    /// A key this long after the last request sends a keep-alive, so kioskd's idle clock
    /// (which counts requests) never runs ahead of the front's (which counts keys).
    static let keepAliveAfter: Double = 5
    /// Welcome or PIN left mid-way this long is reset (nobody is signed in to warn).
    public static let abandonedSeconds: Double = 60

    public init(config: FrontConfig) {
        self.config = config
        self.format = LocaleFormat(config.localeIdentifier)
    }

    /// Applies one input at monotonic time `now` (seconds) and returns what to do.
    static let swipeOnWelcome = "Please type your account number first; pay by card after signing in."

    public mutating func update(_ input: Input, now: Double) -> [Effect] {
        self.now = now
        switch input {
        case .connected:
            online = true
            linkProblem = nil
            if case .unavailable = screen { screen = .welcome(WelcomeModel()) }
            return []
        case .unreachable(.notAnswering) where online:
            return []  // a late report from a connection that has answered since
        case .disconnected, .unreachable:
            let wasOnline = online
            online = false
            if case .unreachable(let problem) = input { linkProblem = problem } else { linkProblem = nil }
            if session != nil || wasOnline { wipeSession() }
            screen = .unavailable
            return wasOnline ? [.wipeScreen] : []
        case .tick:
            return tick()
        case .key(let key):
            return handleKey(key)
        case .reply(let purpose, let generation, let result):
            guard generation == self.generation else { return [] }
            if case .failure(let failure) = result {
                if failure.connectionLost { return [] }  // `.disconnected` follows
                if failure.kind == ErrorKind.sessionExpired.rawValue || (failure.kind == ErrorKind.notSignedIn.rawValue && session != nil) {
                    return signOut(message: "Your session ended. Please sign in again.")
                }
            }
            return reply(purpose, result)
        case .event(let data):
            guard let event = Wire.decode(EventParams.self, data) else { return [] }  // malformed: ignored
            if event.type == "swipe.unclaimed" {
                // The kiosk finds an account by its number (docs/ARCHITECTURE.md): say so.
                if case .welcome(var model) = screen {
                    model.message = Self.swipeOnWelcome
                    model.messageAt = now
                    screen = .welcome(model)
                }
                return []
            }
            return captureEvent(event)
        }
    }

    // MARK: - Keys

    private mutating func handleKey(_ key: Key) -> [Effect] {
        if let quit = exitKey(key) { return quit }
        guard online else { return [] }
        lastKey = now
        var effects: [Effect] = []
        if session != nil, now - lastRequest > Self.keepAliveAfter {
            effects.append(send(.keepAlive, Methods.accountGet, AccountParams(account: nil)))
        }
        switch screen {
        case .unavailable: break
        case .welcome(var model): effects += welcomeKey(key, &model)
        case .pin(var model): effects += pinKey(key, &model)
        case .home: effects += homeKey(key)
        case .details: if key == .escape || key == .enter { screen = .home }
        case .invoices(var model): effects += invoicesKey(key, &model)
        case .pay(var model): effects += payKey(key, &model)
        case .swipe(var model): effects += swipeKey(key, &model)
        case .signature(var model): effects += signatureKey(key, &model)
        case .terms(var model): effects += termsKey(key, &model)
        case .confirm(var model): effects += confirmKey(key, &model)
        case .done(var model): effects += doneKey(key, &model)
        case .statements(var model): effects += statementsKey(key, &model)
        case .credits(var model): effects += creditsKey(key, &model)
        case .history(var model): effects += historyKey(key, &model)
        case .invoiceHistory(var model): effects += invoiceHistoryKey(key, &model)
        case .invoice, .payment, .currentStatement: effects += documentKey(key)
        case .payDay(var model): effects += payDayKey(key, &model)
        case .scheduled(var model): effects += scheduledKey(key, &model)
        case .calendar(var model): effects += calendarKey(key, &model)
        case .pinChange(var model): effects += pinChangeKey(key, &model)
        case .methods(var model): effects += methodsKey(key, &model)
        case .saveMethod(var model): effects += saveMethodKey(key, &model)
        case .bankEntry(var model): effects += bankEntryKey(key, &model)
        case .pastStatement(var model): effects += pastStatementKey(key, &model)
        case .documents(var model): effects += documentsKey(key, &model)
        case .autopay(var model): effects += autopayKey(key, &model)
        case .autopayEditor(var model): effects += autopayEditorKey(key, &model)
        }
        return effects
    }

    /// Ctrl-C and friends quit outside kiosk mode; in kiosk mode only the exit sequence does.
    private mutating func exitKey(_ key: Key) -> [Effect]? {
        if key == .interrupt { return config.kiosk ? [] : [.quit] }
        let sequence = config.exitSequence
        guard !sequence.isEmpty else { return nil }
        exitMatched = key == sequence[exitMatched] ? exitMatched + 1 : (key == sequence[0] ? 1 : 0)
        if exitMatched == sequence.count { exitMatched = 0; return [.quit] }
        return nil
    }

    // MARK: - Time

    /// When the session ends unless the customer does something.
    public var sessionDeadline: Double? {
        guard let session else { return nil }
        let idle = min(lastKey, lastRequest) + session.idleSeconds - 1
        return min(idle, session.endsAt)
    }

    /// Seconds left when the warning is showing; nil otherwise.
    public var idleWarning: Int? {
        guard let deadline = sessionDeadline, deadline - now <= Self.idleWarningSeconds else { return nil }
        return max(0, Int((deadline - now).rounded(.up)))
    }

    private mutating func tick() -> [Effect] {
        if let deadline = sessionDeadline, now >= deadline {
            return signOut(message: "You were signed out because the kiosk was not used for a while.")
        }
        if case .done(let model) = screen, now - model.shownAt >= config.doneSeconds { return signOut(message: nil) }
        if case .documents = screen { return documentsTick() }
        // A half-typed account number or PIN left behind is wiped for the next customer.
        if session == nil, now - lastKey >= Self.abandonedSeconds {
            switch screen {
            case .pin: screen = .welcome(WelcomeModel()); return [.wipeScreen]
            case .welcome(let model) where !model.account.isEmpty || model.message != nil:
                // A message shown while nobody typed (a swipe, a sign-out) gets its minute too.
                guard now - max(lastKey, model.messageAt) >= Self.abandonedSeconds else { break }
                screen = .welcome(WelcomeModel()); return [.wipeScreen]
            default: break
            }
        }
        return []
    }

    // MARK: - Shared steps

    /// Ends the session, wipes everything the customer entered or saw, and shows welcome.
    mutating func signOut(message: String?) -> [Effect] {
        var effects: [Effect] = []
        if session != nil { effects.append(send(.signOut, Methods.sessionEnd, EmptyParams())) }
        wipeSession()
        screen = .welcome(WelcomeModel(message: message, at: now))
        return effects + [.wipeScreen]
    }

    private mutating func wipeSession() {
        session = nil
        draft = PaymentDraft()
        autopaySigning = nil
        generation += 1
    }

    /// A request tied to the current generation; counts as activity for the idle clock.
    mutating func send<M: RPCMethod>(_ purpose: Purpose, _ method: M, _ params: M.Params) -> Effect {
        lastRequest = now
        return .send(Request(purpose: purpose, generation: generation, method: method.name, params: Wire.encode(params)))
    }

    func money(_ minor: Int) -> String { format.money(minor, session?.currency ?? draft.currency) }
}
