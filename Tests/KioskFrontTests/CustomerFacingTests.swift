import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Issue 11, point 5: the front offers only what can succeed, and every sentence a customer
/// reads is written for them. Each test failed on the front before the change.
struct CustomerFacingTests {
    static let info = AccountInfo(number: "1001", name: "Pat Doe", company: "Doe Builders LLC", address: [], city: nil, region: nil,
                                  postalCode: nil, country: nil, phone: nil, receivablesType: "open_item", billingType: "job",
                                  jobs: [.init(number: 0, name: "Master"), .init(number: 1, name: "Smith remodel")],
                                  representative: nil, links: .init(erp: nil, accounting: nil, gateway: nil), branch: "B1", currency: "USD")

    static func options(online: Bool = true) -> PaymentOptions {
        PaymentOptions(receivablesType: "open_item", currency: "USD", cardsOnFile: [], terms: .init(text: "T", sha256: "abc"),
                       acceptsOnlinePayments: online)
    }

    /// Signed in as Pat Doe (1001, job-billed) through the real sign-in reply, so the
    /// requests home makes are the ones under test.
    static func signedIn(locale: String = "en_US", permissions: [String] = ["pay", "view_balances", "view_open_items", "view_history"],
                         info: AccountInfo = info) -> (FrontState, [Effect]) {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber", localeIdentifier: locale))
        _ = state.update(.connected, now: 0)
        for c in "1001" { _ = state.update(.key(.char(c)), now: 1) }
        _ = state.update(.key(.enter), now: 1)
        for c in "4821" { _ = state.update(.key(.char(c)), now: 1) }
        _ = state.update(.key(.enter), now: 1)
        let begun = SessionBeginResult(session: "S", account: "1001", contact: .init(id: "C-1001-1", name: "Pat Doe", permissions: permissions),
                                       expiresIn: 120, maximumRemaining: 900, notices: [])
        let effects = state.update(.reply(.signIn, generation: state.generation, .success(try! JSONEncoder().encode(begun))), now: 2)
        _ = state.update(.reply(.accountInfo, generation: state.generation, .success(try! JSONEncoder().encode(info))), now: 2)
        return (state, effects)
    }

    static func reply<T: Encodable>(_ state: inout FrontState, _ purpose: Purpose, _ value: T, now: Double = 3) -> [Effect] {
        state.update(.reply(purpose, generation: state.generation, .success(try! JSONEncoder().encode(value))), now: now)
    }

    static func sent(_ effects: [Effect], _ method: String) -> Request? {
        for case .send(let request) in effects where request.method == method { return request }
        return nil
    }

    static func text(_ state: FrontState) -> String { Layout.render(state, width: 80, height: 24).text }

    // MARK: - Pay offered only when it can succeed

    @Test("a branch that takes no payments at the kiosk: Pay is dimmed, says why, and 1 opens nothing")
    func storeTakesNoPayments() {
        var (state, effects) = Self.signedIn()
        #expect(Self.sent(effects, "payment.options") != nil)
        _ = Self.reply(&state, .options, Self.options(online: false))
        let home = Self.text(state)
        #expect(home.contains("This store does not take payments at the kiosk. Please pay at the counter."), "\(home)")
        let pressed = state.update(.key(.char("1")), now: 4)
        #expect(state.screen == .home, "nothing opens")
        #expect(Self.sent(pressed, "items.open") == nil)
        #expect(Layout.render(state, width: 80, height: 24).key(atRow: 6, column: 53) == nil, "the dimmed item is not a button")
    }

    @Test("a payment pending for the scope: Pay is not offered; home names the payment and its amount")
    func pendingPayment() throws {
        var (state, effects) = Self.signedIn()
        let check = try #require(Self.sent(effects, "payment.quote"), "home asks whether paying can succeed")
        #expect((try JSONSerialization.jsonObject(with: check.params) as? [String: Any])?.keys.contains("invoices") != true)
        _ = Self.reply(&state, .options, Self.options())
        let problem = PaymentProblemWire(kind: "conflict", message: "payment K7XQ2M for 120.00 USD is still pending on this account; a new one can be made once the store has processed it", item: nil)
        let next = Self.reply(&state, .payCheck, PaymentQuoteResult(total: 0, currency: "USD", lines: [], problems: [problem]))
        #expect(Self.sent(next, "history.list") != nil, "which payment: from the history the customer may read")
        #expect(Self.text(state).contains("A payment you made is still being processed"))
        let history = HistoryResult(payments: [
            .init(id: "K7XQ2M", date: "2026-12-01T15:00:00Z", job: 1, amount: 12_000, method: "CARD ENDING IN 4242", state: "pending", pending: true),
            .init(id: "P-1001-1", date: "2026-09-01", job: 1, amount: 210_000, method: "check", state: "processed", pending: false),
        ], currency: "USD")
        _ = Self.reply(&state, .pendingPayment, history)
        let home = Self.text(state)
        #expect(home.contains("Your payment K7XQ2M of $120.00 is still being processed. You can pay again"), "\(home)")
        _ = state.update(.key(.char("1")), now: 4)
        #expect(state.screen == .home)
        #expect(!home.contains("120.00 USD") && !home.contains("P-1001-1"))
    }

    @Test("payment.options names the pending payment: home says which, without a history read")
    func pendingPaymentFromOptions() throws {
        var (state, _) = Self.signedIn(permissions: ["pay", "view_balances", "view_open_items"])
        var options = Self.options()
        options.pendingPayment = .init(id: "K7XQ2M", amount: 12_000)
        _ = Self.reply(&state, .options, options)
        let problem = PaymentProblemWire(kind: "conflict", message: "Payment K7XQ2M for 120.00 USD is still pending on this account.", item: nil)
        let next = Self.reply(&state, .payCheck, PaymentQuoteResult(total: 0, currency: "USD", lines: [], problems: [problem]))
        #expect(Self.sent(next, "history.list") == nil, "the daemon already said which payment")
        #expect(Self.text(state).contains("Your payment K7XQ2M of $120.00 is still being processed."), "\(Self.text(state))")
    }

    @Test("another job without a pending payment is offered again; replies for the job left behind are dropped")
    func otherJobOffered() throws {
        var (state, _) = Self.signedIn()
        let stale = state.generation
        let problem = PaymentProblemWire(kind: "conflict", message: "pending", item: nil)
        _ = Self.reply(&state, .payCheck, PaymentQuoteResult(total: 0, currency: "USD", lines: [], problems: [problem]))
        #expect(state.session?.payBlock != nil)
        let effects = state.update(.key(.right), now: 5)
        #expect(state.session?.job == 0 && state.session?.payBlock == nil)
        let check = try #require(Self.sent(effects, "payment.quote"))
        #expect((try JSONSerialization.jsonObject(with: check.params) as? [String: Any])?["job"] as? Int == 0)
        _ = state.update(.reply(.payCheck, generation: stale, .success(try! JSONEncoder().encode(
            PaymentQuoteResult(total: 0, currency: "USD", lines: [], problems: [problem])))), now: 6)
        #expect(state.session?.payBlock == nil, "the old scope's answer does not block this one")
        _ = Self.reply(&state, .payCheck, PaymentQuoteResult(total: 0, currency: "USD", lines: [],
                                                            problems: [.init(kind: "invalid_amount", message: "choose at least one invoice to pay", item: nil)]))
        #expect(state.session?.payBlock == nil)
        _ = state.update(.key(.char("1")), now: 7)
        #expect(state.screen.name == "invoices")
    }

    // MARK: - Sentences written for the customer

    @Test("kioskd's sentences: capitalised, money in the kiosk's locale")
    func sentences() {
        let text = "payment K7XQ2M for 1234.50 USD is still pending on this account; a new one can be made once the store has processed it"
        #expect(CustomerText.sentence(text, LocaleFormat("en_US"))
                == "Payment K7XQ2M for $1,234.50 is still pending on this account; a new one can be made once the store has processed it.")
        let french = FrontTextSpaces.plain(CustomerText.sentence("the most you can pay now is 120.00 USD", LocaleFormat("fr_CA")))
        #expect(french == "The most you can pay now is 120,00 $ US.", "\(french)")
        #expect(CustomerText.sentence("Already a sentence!", LocaleFormat("en_US")) == "Already a sentence!")
    }

    @Test("a quote's problems and a refused submit read as sentences for the customer, never storage errors")
    func refusals() {
        let format = LocaleFormat("en_US")
        let storage = Failure(kind: "storage_unavailable", message: "the payment could not be saved, so nothing was charged: SQLite error 13: database or disk is full. Please ask staff")
        let text = CustomerText.failure(storage, format, fallback: "x")
        #expect(!text.contains("SQLite") && text.first?.isUppercase == true, "\(text)")
        let device = FrontState.deviceMessage(Failure(kind: "not_provisioned", message: "no back-office key is installed: run kioskctl provision backoffice-key FILE"), device: "card reader")
        #expect(device == "The card reader is not available. Please ask a store employee.")
        let unplugged = Data(#"{"type":"capture.failed","capture":"C1","kind":"card","error":"not_provisioned","message":"no back-office key: run kioskctl provision backoffice-key FILE"}"#.utf8)
        let event = try! JSONDecoder().decode(EventParams.self, from: unplugged)
        #expect(FrontState.failedCapture(event, device: "card reader", fallback: "x") == "The card reader is not available. Please ask a store employee.")
        let unread = try! JSONDecoder().decode(EventParams.self, from: Data(#"{"type":"capture.failed","capture":"C1","message":"the card could not be read, please swipe again"}"#.utf8))
        #expect(FrontState.failedCapture(unread, device: "card reader", fallback: "x") == "The card could not be read, please swipe again.")
        let invalid = Failure(kind: nil, message: "invalid params: params.job must be an integer")
        #expect(CustomerText.failure(invalid, format, fallback: "Please try again.") == "Please try again.")
    }

    @Test("the welcome screen invites no swipe")
    func welcomeInvitesNoSwipe() {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber"))
        _ = state.update(.connected, now: 0)
        let text = Self.text(state)
        #expect(text.contains("Type your account number"))
        #expect(!text.lowercased().contains("swipe"), "\(text)")
    }

    @Test("on an idle kiosk the swipe hint and the sign-out sentence stay a minute, not one tick")
    func hintsStay() {
        var state = FrontState(config: FrontConfig(branchName: "Main St Lumber"))
        _ = state.update(.connected, now: 0)
        let swipe = Data(#"{"type":"swipe.unclaimed"}"#.utf8)
        _ = state.update(.event(swipe), now: 1_000)
        _ = state.update(.tick, now: 1_000.25)
        #expect(Self.text(state).contains(FrontState.swipeOnWelcome), "still there a tick later")
        _ = state.update(.tick, now: 1_059)
        #expect(Self.text(state).contains(FrontState.swipeOnWelcome))
        #expect(state.update(.tick, now: 1_061) == [.wipeScreen])
        #expect(!Self.text(state).contains(FrontState.swipeOnWelcome))

        var (signed, _) = Self.signedIn()
        _ = signed.update(.tick, now: 200)  // idle: signed out by the kiosk
        _ = signed.update(.tick, now: 200.25)
        #expect(Self.text(signed).contains("You were signed out because the kiosk was not used for a while."))
    }

    // MARK: - Amounts typed as amounts

    @Test("amounts are typed with the locale's decimal separator and read without floating point")
    func amountEntry() {
        func typed(_ text: String, _ locale: String, digits: Int = 2) -> Int? {
            var entry = AmountEntry(fractionDigits: digits)
            for c in text { entry.type(c, groupingSeparator: LocaleFormat(locale).groupingSeparator) }
            return entry.minorUnits
        }
        #expect(typed("125.50", "en_US") == 12_550)
        #expect(typed("125.5", "en_US") == 12_550)
        #expect(typed("1,250.05", "en_US") == 125_005, "',' groups thousands in en_US")
        #expect(typed("125,50", "fr_CA") == 12_550)
        #expect(typed("125.50", "fr_CA") == 12_550, "'.' is read as the decimal separator where it does not group")
        #expect(typed("1.250,50", "de_DE") == 125_050)
        #expect(typed("125.505", "en_US") == 12_550, "a third decimal is refused")
        #expect(typed("0.07", "en_US") == 7)
        #expect(typed(".5", "en_US") == 50)
        #expect(typed("125.5", "en_US", digits: 0) == 1_255, "no decimals for a currency without them")
        #expect(typed("", "en_US") == nil)
        #expect(typed("99999999999", "en_US") == 99_999_999_900, "at most 9 whole digits")
        var entry = AmountEntry()
        for c in "12.3" { entry.type(c, groupingSeparator: ",") }
        entry.erase(); entry.erase()
        #expect(entry.minorUnits == 1_200 && entry.text(decimalSeparator: ".") == "12")
        #expect(AmountEntry(minor: 12_550).text(decimalSeparator: ",") == "125,50")
        #expect(AmountEntry(minor: 1_205).text(decimalSeparator: ".") == "12.05")
    }

    @Test("balance forward: '125,50' on a fr_CA kiosk quotes 12550 minor units")
    func balanceForwardAmount() throws {
        var state = PayFlowTests().signedIn(balanceForward: true)
        state.config.localeIdentifier = "fr_CA"
        state.format = LocaleFormat("fr_CA")
        _ = state.update(.key(.char("1")), now: 1)
        for c in "125,50" { _ = state.update(.key(.char(c)), now: 1) }
        let text = FrontTextSpaces.plain(Self.text(state))
        #expect(text.contains("125,50") && text.contains("= 125,50 $ US"), "\(text)")
        #expect(text.contains("for example 125,50"))
        let quote = try #require(Self.sent(state.update(.key(.enter), now: 2), "payment.quote"))
        #expect((try JSONSerialization.jsonObject(with: quote.params) as? [String: Any])?["amount"] as? Int == 12_550)
    }

    // MARK: - Invoices

    static func invoices(covered: Bool = false) -> OpenItemsResult {
        OpenItemsResult(invoices: [
            .init(id: "I-1", number: "40117", job: 1, date: "2026-09-17", dueDate: "2026-10-17", poNumber: "SMITH-FRAMING",
                  amount: 482_350, openAmount: 482_350, amountDue: 482_350, pastDue: true,
                  coveredBy: covered ? [.init(id: "K7XQ2M", state: "pending")] : nil),
            .init(id: "I-2", number: "40188", job: 1, date: "2026-10-22", dueDate: "2026-11-21", poNumber: "SMITH-ROOF",
                  amount: 126_540, openAmount: 76_540, amountDue: 76_540, pastDue: true),
        ], financeCharges: 7_235, financeChargesRequired: true, currency: "USD")
    }

    static func onInvoices(_ items: OpenItemsResult) -> FrontState {
        var (state, _) = signedIn()
        _ = reply(&state, .options, options())
        _ = state.update(.key(.char("1")), now: 4)
        _ = reply(&state, .openItems, items, now: 4)
        return state
    }

    @Test("the invoice summary is drawn below the table, never over it")
    func summaryBesideTable() {
        var state = Self.onInvoices(Self.invoices())
        _ = state.update(.key(.enter), now: 5)
        let canvas = Layout.render(state, width: 80, height: 24)
        #expect(canvas.text.contains("Still open: $765.40") || canvas.text.contains("Still open: $4,823.50"))
        // Amounts are drawn over the padding of their row on purpose: only letters count.
        var owner: [Int: [Int: Int]] = [:]  // row → column → run index
        for (index, run) in canvas.runs.enumerated() where (3..<21).contains(run.row) {
            for (offset, character) in run.text.enumerated() where character != " " {
                let column = run.column + offset
                if let other = owner[run.row]?[column] {
                    Issue.record("row \(run.row), column \(column): \"\(canvas.runs[other].text)\" and \"\(run.text)\" overlap")
                    return
                }
                owner[run.row, default: [:]][column] = index
            }
        }
        #expect(canvas.text.contains("40117") && canvas.text.contains("40188"), "the table stays readable")
    }

    @Test("an invoice a payment covers shows 'Being paid (K7XQ2M)', cannot be selected and is not counted")
    func coveredInvoice() {
        var state = Self.onInvoices(Self.invoices(covered: true))
        let text = Self.text(state)
        #expect(text.contains("Being paid (K7XQ2M)"), "\(text)")
        _ = state.update(.key(.char(" ")), now: 5)  // on 40117
        guard case .invoices(let model) = state.screen else { Issue.record("left invoices"); return }
        #expect(model.chosen.isEmpty && model.runningTotal == 0)
        #expect(Self.text(state).contains("Invoice 40117 is already being paid (K7XQ2M), so it cannot be paid again."))
        _ = state.update(.key(.down), now: 5)
        _ = state.update(.key(.char(" ")), now: 5)
        guard case .invoices(let after) = state.screen else { return }
        #expect(after.runningTotal == 76_540 + 7_235, "only 40188 and the finance charges")
        let effects = state.update(.key(.char("p")), now: 6)
        let quote = Self.sent(effects, "payment.quote")
        #expect((try? JSONSerialization.jsonObject(with: quote?.params ?? Data()) as? [String: Any])?["invoices"] as? [String] == ["I-2"])
    }

    @Test("items.open rows decode covered_by when present and read as uncovered without it")
    func coveredByWire() throws {
        let with = #"{"id":"I-1","number":"40117","date":"2026-09-17","amount":1,"open_amount":1,"amount_due":1,"past_due":false,"covered_by":[{"id":"K7XQ2M","state":"scheduled"}]}"#
        let without = #"{"id":"I-1","number":"40117","date":"2026-09-17","amount":1,"open_amount":1,"amount_due":1,"past_due":false}"#
        let covered = try JSONDecoder().decode(OpenItemsResult.Invoice.self, from: Data(with.utf8))
        #expect(covered.coveredBy == [.init(id: "K7XQ2M", state: "scheduled")] && covered.isCovered)
        #expect(try !JSONDecoder().decode(OpenItemsResult.Invoice.self, from: Data(without.utf8)).isCovered)
    }

    // MARK: - History says the truth

    @Test("history labels follow the state: accepted, pending, scheduled, waiting, rejected with its reason")
    func historyLabels() throws {
        let json = #"""
        {"currency":"USD","payments":[
          {"id":"W4YT9Q","date":"2026-12-01T16:00:00Z","amount":5000,"method":"CARD ENDING IN 4444","state":"waiting","pending":false,"pay_on":"2026-12-01","waiting_for":"K7XQ2M"},
          {"id":"K7XQ2M","date":"2026-12-01T15:00:00Z","amount":12000,"method":"CARD ENDING IN 4444","state":"pending","pending":true},
          {"id":"S3RT5U","date":"2026-11-30T15:00:00Z","amount":7000,"method":"CARD ENDING IN 4444","state":"scheduled","pay_on":"2026-12-12"},
          {"id":"R9ZZ2A","date":"2026-11-29T15:00:00Z","amount":9000,"method":"CARD ENDING IN 4444","state":"rejected","pending":false,"reason":"payment_issue_call","message":"Card declined, please call us"},
          {"id":"P-2001-2","date":"2026-11-17","amount":33000,"method":"cash","state":"processed","pending":false}
        ]}
        """#
        let result = try JSONDecoder().decode(HistoryResult.self, from: Data(json.utf8))
        #expect(result.payments[2].pending == false, "no `pending`: read from the state")
        var (state, _) = Self.signedIn()
        _ = state.update(.key(.char("5")), now: 4)
        _ = Self.reply(&state, .history, result, now: 4)
        let text = Self.text(state)
        #expect(text.contains("Waiting for K7XQ2M"), "\(text)")
        #expect(text.contains("Pending"))
        #expect(text.contains("Scheduled for Dec 12, 2026"))
        #expect(text.contains("Rejected") && text.contains("Payment issue – please call the store: Card declined"))
        #expect(text.contains("Accepted") && text.contains("Cash"))
        #expect(!text.contains("PENDING") && !text.contains("P-2001-2"))
    }

    @Test("the done screen says when a scheduled payment runs, in words")
    func doneScheduled() {
        var (state, _) = Self.signedIn()
        state.screen = .done(DoneModel(result: PaymentSubmitResult(id: "K7XQ2M", state: "scheduled", amount: 12_000, currency: "USD",
                                                                     payOn: "2026-12-12", methodDescription: "CARD ENDING IN 4242",
                                                                     receiptsTo: [], lines: []), shownAt: 3))
        let text = Self.text(state)
        #expect(text.contains("Scheduled for Dec 12, 2026") && !text.contains("Status: scheduled"), "\(text)")
    }

    // MARK: - Smaller things a customer saw

    @Test("'Please sign on the pad first' goes once the pad reports points")
    func signFirstGoes() {
        var state = PayFlowTests().signedIn(balanceForward: true)
        state.screen = .signature(SignatureModel())
        _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S1"}"#.utf8))), now: 1)
        _ = state.update(.key(.enter), now: 1)
        #expect(Self.text(state).contains("Please sign on the pad first."))
        _ = state.update(.event(Data(#"{"type":"capture.progress","capture":"S1","points":1}"#.utf8)), now: 2)
        #expect(!Self.text(state).contains("Please sign on the pad first."))
    }

    @Test("'[←→ Job]' and the job selector only where there are jobs to choose")
    func jobButton() {
        var (state, _) = Self.signedIn()
        #expect(Self.text(state).contains("[←→ Job]"))
        var byAccount = Self.info
        byAccount.billingType = "account"
        byAccount.jobs = []
        _ = Self.reply(&state, .accountInfo, byAccount)
        #expect(!Self.text(state).contains("Job"), "\(Self.text(state))")
        #expect(state.update(.key(.right), now: 5).isEmpty)
        var onlyMaster = Self.info
        onlyMaster.jobs = [.init(number: 0, name: "Master")]
        _ = Self.reply(&state, .accountInfo, onlyMaster)
        let text = Self.text(state)
        #expect(!text.contains("[←→ Job]") && !text.contains("◀") && text.contains("Job 0 Master"), "\(text)")
    }

    @Test("unreachable kioskd: the screen says which — no socket, permission denied, no role, not answering — and forgets it once connected")
    func linkProblems() {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.unreachable(.noSocket(path: "/run/kioskd/nope.sock")), now: 1)
        var text = Self.text(state)
        #expect(text.contains("Service unavailable, please wait") && text.contains("no socket at /run/kioskd/nope.sock"), "\(text)")
        _ = state.update(.unreachable(.permissionDenied(path: "/run/kioskd/kioskd.sock", user: "kiosk (uid 999)")), now: 2)
        text = Self.text(state)
        #expect(text.contains("permission denied on /run/kioskd/kioskd.sock for user kiosk (uid") && text.contains("socket's group (kiosk)"), "\(text)")
        _ = state.update(.unreachable(.refused(path: "/s", user: "kiosk (uid 999)")), now: 3)
        #expect(Self.text(state).contains("no kiosk role"))
        _ = state.update(.unreachable(.notAnswering(path: "/run/kioskd/kioskd.sock", seconds: 10)), now: 3.5)
        text = Self.text(state)
        #expect(text.contains("kioskd is not answering (10 s) at /run/kioskd/kioskd.sock") && text.contains("systemctl status kioskd"), "\(text)")
        _ = state.update(.connected, now: 4)
        // A late "not answering" from the connection that has just answered changes nothing.
        _ = state.update(.unreachable(.notAnswering(path: "/run/kioskd/kioskd.sock", seconds: 10)), now: 4.5)
        #expect(!Self.text(state).contains("Service unavailable"), "\(Self.text(state))")
        _ = state.update(.disconnected, now: 5)
        #expect(!Self.text(state).contains("For staff"))
    }
}

/// fr_CA writes no-break spaces in amounts; compare them as spaces.
enum FrontTextSpaces {
    static func plain(_ text: String) -> String {
        String(text.map { $0 == "\u{A0}" || $0 == "\u{202F}" ? " " : $0 })
    }
}
