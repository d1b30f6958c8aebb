import Foundation
import KioskJSON
import KioskProtocol
import Testing
@testable import KioskFront

/// The customer's autopay screens without a terminal (issue 14, item 7): the rule list, the
/// editor's rows and operators, digits for amounts, the signature and terms, and what every
/// request carries; replies are canned, keys are the customer's.
struct AutopayScreensTests {
    static let permissions = ["pay", "view_balances", "view_open_items", "view_history", "manage_autopay"]
    static let terms = AutopayTermsWire(text: "By saving this autopay rule, I authorize the store to charge it.", sha256: "feed")

    static func rule(_ id: String, _ position: Int, enabled: Bool = true, locked: Bool = false, pending: Bool = false, problem: String? = nil,
                     criteria: [AutopayCriterionWire] = [.init(field: "job", op: "is", values: [.integer(2)])]) -> AutopayRuleWire {
        AutopayRuleWire(id: id, position: position, method: .init(cardOnFile: "K-1001-1"), enabled: enabled, locked: locked, criteria: criteria,
                        methodDescription: "CARD ENDING IN 4242", source: locked ? "backoffice" : "kiosk", pendingSync: pending, problem: problem)
    }

    static let methods = PaymentMethodsListResult(methods: [
        .init(id: "K-1001-1", type: "card", description: "CARD ENDING IN 4242", last4: "4242", brand: "visa", expiry: "2030-01",
              accountType: nil, job: nil, isDefault: true, state: "active", error: nil),
        .init(id: "K-1001-2", type: "card", description: "Pat's Oak St Amex", last4: "1005", brand: "amex", expiry: "2030-03",
              accountType: nil, job: 2, isDefault: false, state: "active", error: nil),
        .init(id: "K-OLD", type: "card", description: "OLD CARD", last4: "0001", brand: "visa", expiry: "2020-01",
              accountType: nil, job: nil, isDefault: false, state: "expired", error: nil),
        .init(id: "BA-1", type: "bank_account", description: "ACCOUNT ENDING 6789", last4: "6789", brand: nil, expiry: nil,
              accountType: "checking", job: nil, isDefault: false, state: "active", error: nil),
    ])

    /// Signed in as Pat, on the rule list with `rules`.
    func onList(_ rules: [AutopayRuleWire]) throws -> FrontState {
        var (state, _) = CustomerFacingTests.signedIn(permissions: Self.permissions)
        let effects = state.update(.key(.char("a")), now: 2)
        #expect(try #require(CustomerFacingTests.sent(effects, "autopay.list")).purpose == .autopayList)
        _ = CustomerFacingTests.reply(&state, .autopayList, AutopayListResult(rules: rules, terms: Self.terms))
        return state
    }

    func params(_ request: Request?) -> [String: Any] {
        guard let request else { return [:] }
        return (try? JSONSerialization.jsonObject(with: request.params)) as? [String: Any] ?? [:]
    }

    func text(_ state: FrontState) -> String { CustomerFacingTests.text(state) }

    func keys(_ state: inout FrontState, _ keys: Key...) -> [Effect] {
        var effects: [Effect] = []
        for key in keys { effects += state.update(.key(key), now: 3) }
        return effects
    }

    func type(_ state: inout FrontState, _ text: String) {
        for c in text { _ = state.update(.key(.char(c)), now: 3) }
    }

    func editor(_ state: FrontState) -> AutopayEditorModel? {
        if case .autopayEditor(let model) = state.screen { return model }
        return nil
    }

    @Test("home offers Autopay rules only with manage_autopay; the list reads each rule: conditions, method, on/off, locked, waiting, problem")
    func list() throws {
        let (viewer, _) = CustomerFacingTests.signedIn()
        #expect(text(viewer).contains("[A] Autopay rules"))
        var copy = viewer
        #expect(copy.update(.key(.char("a")), now: 2).isEmpty && copy.screen.name == "home", "not offered without manage_autopay")

        let rules = [Self.rule("A1", 1, criteria: [.init(field: "job", op: "is", values: [.integer(2)]),
                                                   .init(field: "days_until_due", op: "le", values: [.integer(0)])]),
                     Self.rule("R2", 2, enabled: false, locked: true,
                               criteria: [.init(field: "amount", op: "between", values: [.integer(1_000), .integer(50_000)])]),
                     Self.rule("A3", 3, pending: true, problem: "method_expired",
                               criteria: [.init(field: "po_number", op: "one_of", values: [.string("OAK-DECK"), .string("OAK-TRIM")])])]
        var state = try onList(rules)
        let screen = text(state)
        #expect(screen.contains("Autopay rules") && screen.contains("▸ 1  job = 2, days until due ≤ 0"), "\(screen)")
        #expect(screen.contains("CARD ENDING IN 4242") && screen.contains("On") && screen.contains("Off"))
        #expect(screen.contains("amount $10.00–$500.00") && screen.contains("locked by the store"), "\(screen)")
        #expect(screen.contains("PO one of \"OAK-DECK\"/\"OAK-TRIM\""), "\(screen)")
        #expect(screen.contains("waiting for the store; cannot run: its card has expired"), "\(screen)")
        #expect(screen.contains("[N New]") && screen.contains("[O On/off]") && screen.contains("[X Delete]") && screen.contains("[Esc Back]"), "\(screen)")
        // Every screen fits 80×24 with the message line and buttons.
        #expect(screen.split(separator: "\n", omittingEmptySubsequences: false).count == 24)
        _ = keys(&state, .escape)
        #expect(state.screen.name == "home")
    }

    @Test("a locked rule offers no change keys, says why, and sends nothing; a daemon refusal naming a rule is shown as its sentence")
    func locked() throws {
        var state = try onList([Self.rule("A1", 1), Self.rule("R2", 2, locked: true)])
        _ = keys(&state, .down)
        var screen = text(state)
        #expect(!screen.contains("[O On/off]") && !screen.contains("[X Delete]") && !screen.contains("Enter Edit"), "\(screen)")
        for key in [Key.enter, .char("u"), .char("j"), .char("o"), .char("x"), .char("x"), .char("+"), .char("-")] {
            #expect(state.update(.key(key), now: 3).isEmpty, "\(key) on a locked rule sends nothing")
        }
        screen = text(state)
        #expect(screen.contains("Rule 2 is locked by the store, so it cannot be changed here. Please ask a"), "\(screen)")
        // The daemon refuses a rule locked since the list was read: its sentence, not a generic one.
        _ = keys(&state, .up)
        #expect(CustomerFacingTests.sent(keys(&state, .char("o")), "autopay.disable") != nil)
        let refusal = Failure(kind: "permission_denied", message: "this rule is locked by the store: ask the store to change it", rule: "A1")
        _ = state.update(.reply(.autopayChange, generation: state.generation, .failure(refusal)), now: 4)
        #expect(text(state).contains("This rule is locked by the store: ask the store to change it."), "\(text(state))")
    }

    @Test("U/J move, O turns off and on, X twice deletes: each sends its request with the rule's id; the replies redraw the list")
    func changes() throws {
        var state = try onList([Self.rule("A1", 1), Self.rule("A2", 2)])
        #expect(keys(&state, .char("u")).isEmpty, "the first rule cannot move up")
        #expect(text(state).contains("Rule 1 is already tried first."))
        let down = try #require(CustomerFacingTests.sent(keys(&state, .char("j")), "autopay.move"))
        #expect(params(down)["id"] as? String == "A1" && params(down)["position"] as? Int == 2)
        _ = CustomerFacingTests.reply(&state, .autopayChange, AutopayRulesResult(rules: [Self.rule("A2", 1), Self.rule("A1", 2)]))
        guard case .autopay(let moved) = state.screen else { Issue.record("left the list"); return }
        #expect(moved.cursor == 1 && moved.chosen?.id == "A1", "the cursor follows the rule moved")
        let up = try #require(CustomerFacingTests.sent(keys(&state, .char("+")), "autopay.move"))
        #expect(params(up)["id"] as? String == "A1" && params(up)["position"] as? Int == 1)
        _ = CustomerFacingTests.reply(&state, .autopayChange, AutopayRulesResult(rules: [Self.rule("A1", 1), Self.rule("A2", 2)]))

        let off = try #require(CustomerFacingTests.sent(keys(&state, .up, .char("o")), "autopay.disable"))
        #expect(params(off)["id"] as? String == "A1")
        _ = CustomerFacingTests.reply(&state, .autopayChange, Self.rule("A1", 1, enabled: false))
        #expect(text(state).contains("▸ 1  job = 2                             CARD ENDING IN 4242     Off"), "\(text(state))")
        #expect(CustomerFacingTests.sent(keys(&state, .char("O")), "autopay.enable") != nil)
        _ = CustomerFacingTests.reply(&state, .autopayChange, Self.rule("A1", 1))

        #expect(keys(&state, .char("x")).isEmpty)
        #expect(text(state).contains("Press X again to delete rule 1."))
        let delete = try #require(CustomerFacingTests.sent(keys(&state, .char("x")), "autopay.delete"))
        #expect(params(delete)["id"] as? String == "A1")
        let reload = CustomerFacingTests.reply(&state, .autopayChange, OKResult())
        #expect(CustomerFacingTests.sent(reload, "autopay.list") != nil, "after a delete the list is read again")
        _ = CustomerFacingTests.reply(&state, .autopayList, AutopayListResult(rules: [Self.rule("A2", 1)], terms: Self.terms))
        #expect(!text(state).contains("A1") && text(state).contains("▸ 1"))
        // X then another key forgets the first X.
        _ = keys(&state, .char("x"), .down)
        #expect(keys(&state, .char("x")).isEmpty, "a second X after another key asks again")
    }

    @Test("operators offered per field are the protocol's: job is/is not/one of; amounts and days compare; texts contain")
    func operatorsPerField() throws {
        var state = try onList([])
        _ = keys(&state, .char("n"))
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        var seen: [AutopayField: [String]] = [:]
        for _ in AutopayField.allCases {
            let model = try #require(editor(state))
            let field = model.rows[0].field
            _ = keys(&state, .tab)  // to the operator
            var ops: [String] = []
            for _ in 0..<10 {
                let op = try #require(editor(state)).rows[0].op
                if ops.contains(op) { break }
                ops.append(op)
                _ = keys(&state, .right)
            }
            seen[field] = ops
            _ = keys(&state, .backTab, .right)  // the next field
        }
        #expect(seen[.job] == ["is", "is_not", "one_of"])
        #expect(seen[.amount] == ["is", "is_not", "lt", "le", "gt", "ge", "between"])
        #expect(seen[.ageDays] == seen[.amount] && seen[.daysUntilDue] == seen[.amount])
        #expect(seen[.lineItem] == ["is", "is_not", "contains", "one_of"] && seen[.poNumber] == seen[.lineItem])
    }

    @Test("a new rule with two criteria: method chosen, job is 2 and an amount typed as digits; the pad, the autopay terms, then autopay.create with signature and terms hash")
    func newRule() throws {
        var state = try onList([])
        #expect(text(state).contains("You have no autopay rules yet."))
        let opened = keys(&state, .char("n"))
        #expect(CustomerFacingTests.sent(opened, "payment_methods.list") != nil)
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        var model = try #require(editor(state))
        #expect(model.methods?.map(\.id) == ["K-1001-1", "K-1001-2", "BA-1"], "active methods only")
        #expect(model.method == AutopayMethodWire(cardOnFile: "K-1001-1"), "the default first")
        // The method: → twice, the bank account.
        _ = keys(&state, .up, .right, .right)
        #expect(editor(state)?.method == AutopayMethodWire(bankAccount: "BA-1") && text(state).contains("ACCOUNT ENDING 6789"))
        // Row 1: job is 2 (a digit on the field goes to the value).
        _ = keys(&state, .down)
        type(&state, "2")
        // Row 2: invoice amount at most 1,250.50, typed as the pay screen takes amounts.
        _ = keys(&state, .char("+"), .right)  // a new row; its field → amount
        _ = keys(&state, .tab, .right, .right, .right)  // operator: is → is not → less than → at most
        _ = keys(&state, .tab)
        type(&state, "1,250.5x")
        model = try #require(editor(state))
        #expect(model.rows.count == 2 && model.rows[1].field == .amount && model.rows[1].op == "le")
        #expect(model.rows[1].amounts[0].minorUnits == 125_050, "1,250.5 typed: 1250.50; the x is refused")
        let screen = text(state)
        #expect(screen.contains("[Esc Cancel]") && !screen.contains("[X Del row]"), "no delete while typing a value, and every button fits: \(screen)")
        _ = keys(&state, .backTab)
        #expect(text(state).contains("[X Del row]") && text(state).contains("[Esc Cancel]"), "\(text(state))")
        _ = keys(&state, .tab)
        #expect(screen.contains("New autopay rule") && screen.contains("Job") && screen.contains("Invoice amount")
                && screen.contains("is at most") && screen.contains("1250.5"), "\(screen)")
        // Save: the pad first.
        let begin = try #require(CustomerFacingTests.sent(keys(&state, .enter), "device.capture.begin"))
        #expect(params(begin)["kind"] as? String == "signature" && params(begin)["prompt"] as? String == "Sign to authorize autopay")
        #expect(state.screen.name == "signature" && text(state).contains("Sign to authorize this autopay rule"))
        _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S9"}"#.utf8))), now: 4)
        _ = state.update(.event(Data(#"{"type":"capture.progress","capture":"S9","points":40}"#.utf8)), now: 4)
        #expect(CustomerFacingTests.sent(keys(&state, .enter), "device.capture.finish") != nil)
        _ = state.update(.event(Data(#"{"type":"capture.done","capture":"S9","points":40,"strokes":2}"#.utf8)), now: 5)
        #expect(state.screen.name == "terms" && text(state).contains("Autopay terms") && text(state).contains("I authorize the store"))
        #expect(keys(&state, .enter).isEmpty && text(state).contains("Press Space to tick"))
        let create = try #require(CustomerFacingTests.sent(keys(&state, .char(" "), .enter), "autopay.create"))
        let sent = params(create)
        #expect(sent["signature"] as? String == "S9" && sent["terms_sha256"] as? String == "feed" && sent["locked"] == nil)
        #expect((sent["method"] as? [String: Any])?["bank_account"] as? String == "BA-1")
        let criteria = try #require(sent["criteria"] as? [[String: Any]])
        #expect(criteria.count == 2)
        #expect(criteria[0]["field"] as? String == "job" && criteria[0]["op"] as? String == "is" && criteria[0]["values"] as? [Int] == [2])
        #expect(criteria[1]["field"] as? String == "amount" && criteria[1]["op"] as? String == "le" && criteria[1]["values"] as? [Int] == [125_050])
        #expect(state.screen.name == "autopay-editor" && text(state).contains("Saving your rule…"))
        // Saved: the list, read again, says so.
        let back = CustomerFacingTests.reply(&state, .autopaySave, Self.rule("A7K2QXM", 1))
        #expect(CustomerFacingTests.sent(back, "autopay.list") != nil && state.screen.name == "autopay")
        #expect(text(state).contains("Rule 1 is saved."))
        #expect(state.autopaySigning == nil)
    }

    @Test("invalid_rule: its sentence, and the cursor on the row it names (null: the method line); nothing is lost")
    func invalidRule() throws {
        var state = try onList([Self.rule("A1", 1, criteria: [.init(field: "job", op: "is", values: [.integer(2)]),
                                                                .init(field: "age_days", op: "ge", values: [.integer(15)])])])
        let opened = keys(&state, .enter)
        #expect(CustomerFacingTests.sent(opened, "payment_methods.list") != nil && text(state).contains("Change autopay rule 1"))
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        // Through the pad and the terms.
        func sign(_ state: inout FrontState) -> Request? {
            _ = keys(&state, .enter)
            _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S1"}"#.utf8))), now: 4)
            _ = state.update(.event(Data(#"{"type":"capture.done","capture":"S1","points":4,"strokes":1}"#.utf8)), now: 4)
            return CustomerFacingTests.sent(keys(&state, .char(" "), .enter), "autopay.update")
        }
        let update = try #require(sign(&state))
        #expect(params(update)["id"] as? String == "A1" && (params(update)["criteria"] as? [Any])?.count == 2)
        let refusal = Failure(kind: "invalid_rule", message: "the rule cannot be saved: row 2: no such job", reason: "between_reversed", row: 1)
        _ = state.update(.reply(.autopaySave, generation: state.generation, .failure(refusal)), now: 5)
        var model = try #require(editor(state))
        #expect(model.line == 2 && !model.busy && model.rows.count == 2)
        #expect(text(state).contains("Row 2: the first value must not be more than the second."), "\(text(state))")
        // Null row: the rule itself (the method).
        _ = try #require(sign(&state))
        let method = Failure(kind: "invalid_rule", message: "the rule cannot be saved: the method has expired", reason: "method_expired", row: nil)
        _ = state.update(.reply(.autopaySave, generation: state.generation, .failure(method)), now: 5)
        model = try #require(editor(state))
        #expect(model.line == 0 && text(state).contains("That card has expired. Please choose another."))
    }

    @Test("the front checks empty values before the pad; between needs two; one of takes commas; Esc on the pad or terms goes back unsaved")
    func frontChecks() throws {
        var state = try onList([])
        _ = keys(&state, .char("n"))
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        #expect(keys(&state, .enter).isEmpty, "job is (nothing): nothing sent")
        #expect(text(state).contains("Row 1: please type a value."))
        // Days until due between -5 and (nothing); the cursor is on the value the check named.
        #expect(editor(state)?.line == 1 && editor(state)?.part == .value(0))
        _ = keys(&state, .backTab, .backTab)
        for _ in 0..<4 { _ = keys(&state, .right) }  // job → amount → line item → age → days until due
        #expect(editor(state)?.rows[0].field == .daysUntilDue)
        _ = keys(&state, .tab)
        for _ in 0..<6 { _ = keys(&state, .right) }  // → between
        _ = keys(&state, .tab)
        type(&state, "-5")
        #expect(keys(&state, .enter).isEmpty && text(state).contains("Row 1: please type both values."))
        _ = keys(&state, .tab)
        type(&state, "0")
        #expect(editor(state)?.rows[0].texts == ["-5", "0"])
        // PO number one of two values, letters typed (X types into a text box; it deletes nothing).
        _ = keys(&state, .char("+"))
        _ = keys(&state, .left)  // job ← PO number (backwards)
        #expect(editor(state)?.rows[1].field == .poNumber)
        _ = keys(&state, .tab, .left)  // is → one of (backwards)
        _ = keys(&state, .tab)
        type(&state, "oak-deck, X-1")
        var model = try #require(editor(state))
        #expect(model.rows.count == 2 && model.rows[1].op == "one_of" && model.rows[1].texts[0] == "oak-deck, X-1")
        // Esc on the pad: back to the rule, unsaved, nothing lost.
        _ = keys(&state, .enter)
        #expect(state.screen.name == "signature")
        _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S2"}"#.utf8))), now: 4)
        let cancel = keys(&state, .escape)
        #expect(CustomerFacingTests.sent(cancel, "device.capture.cancel") != nil && state.screen.name == "autopay-editor")
        model = try #require(editor(state))
        #expect(model.rows[1].texts[0] == "oak-deck, X-1" && state.autopaySigning == nil)
        // Through the pad, Esc on the terms: back, unsaved.
        _ = keys(&state, .enter)
        _ = state.update(.reply(.captureSignature, generation: state.generation, .success(Data(#"{"capture":"S3"}"#.utf8))), now: 4)
        _ = state.update(.event(Data(#"{"type":"capture.done","capture":"S3","points":4,"strokes":1}"#.utf8)), now: 4)
        _ = keys(&state, .escape)
        #expect(state.screen.name == "autopay-editor" && text(state).contains("Not saved: the terms were not accepted."))
        // The criteria built: strings, integers, a negative day.
        let criteria = try #require(editor(state)).rows.enumerated().map { try? $0.element.criterion(row: $0.offset).get() }
        try #require(criteria.count == 2)
        #expect(criteria[0]?.values == [.integer(-5), .integer(0)] && criteria[1]?.values == [.string("oak-deck"), .string("X-1")])
        // X on a field deletes the row; the last row stays.
        _ = keys(&state, .backTab, .backTab, .char("x"))
        #expect(editor(state)?.rows.count == 1)
        _ = keys(&state, .char("x"))
        #expect(editor(state)?.rows.count == 1 && text(state).contains("A rule needs at least one condition."))
    }

    @Test("at most 20 rows; no method on file says where to save one")
    func limits() throws {
        var state = try onList([])
        _ = keys(&state, .char("n"))
        _ = CustomerFacingTests.reply(&state, .autopayMethods, PaymentMethodsListResult(methods: []))
        for _ in 0..<25 { _ = keys(&state, .char("+")) }
        #expect(editor(state)?.rows.count == 20 && text(state).contains("A rule has at most 20 conditions."))
        #expect(keys(&state, .enter).isEmpty)
        #expect(text(state).contains("No card or bank account is ready to use. Save one under Payment methods first."), "\(text(state))")
    }

    @Test("bad keys on the list and the editor never crash and never send anything unexpected; replies for other screens are ignored")
    func badKeys() throws {
        var state = try onList([Self.rule("A1", 1), Self.rule("R2", 2, locked: true)])
        let every: [Key] = [.up, .down, .left, .right, .tab, .backTab, .backspace, .pageUp, .pageDown, .pick(99), .pick(-1), .function(1), .function(12),
                            .char("é"), .char("\u{7f}"), .char("🙂"), .char("0"), .char("-"), .char(","), .char("."), .char("z")]
        for key in every {
            let effects = state.update(.key(key), now: 3)
            for case .send(let request) in effects { #expect(["account.get", "autopay.move"].contains(request.method), "\(key): \(request.method)") }
            _ = text(state)
        }
        // A reply of garbage on the list.
        _ = state.update(.reply(.autopayList, generation: state.generation, .success(Data("[1,2".utf8))), now: 4)
        _ = text(state)
        // The editor, before the methods answer, and after.
        state = try onList([])
        _ = keys(&state, .char("n"))
        for key in every + [.enter, .char("x"), .char("+")] { _ = state.update(.key(key), now: 3); _ = text(state) }
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        for (i, key) in (every + every + [.char("a"), .char("x"), .char("+"), .char(" ")]).enumerated() {
            _ = state.update(.key(key), now: 3 + Double(i) / 100)
            _ = text(state)
        }
        // Any row, any box: wide characters and very long text stay inside the line.
        for _ in 0..<120 { _ = state.update(.key(.char("9")), now: 5) }
        let lines = text(state).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 24 && lines.allSatisfy { $0.count <= 80 })
        // A save reply when no save is on its way changes nothing.
        _ = state.update(.reply(.autopaySave, generation: state.generation, .failure(Failure(kind: "invalid_rule", message: "x", row: 99))), now: 6)
        _ = text(state)
    }

    @Test("the calendar's day says autopay (rule N) for a projected payment; history rows a rule made say autopay (rule N)")
    func calendarAndHistory() throws {
        var (state, _) = CustomerFacingTests.signedIn(permissions: Self.permissions)
        var calendar = CalendarModel(today: try #require(CalendarDay("2026-12-02")))
        calendar.month = CalendarMonthResult(year: 2026, month: 12, days: [.init(date: "2026-12-02", scheduled: .init(count: 0, total: 0),
                                                                                 autopay: .init(count: 1, total: 93_275))], currency: "USD")
        calendar.day = CalendarDayResult(date: "2026-12-02", scheduled: .init(count: 0, total: 0), autopay: .init(count: 1, total: 93_275),
                                         payments: [.init(kind: "autopay", id: nil, state: nil, job: 2, amount: 93_275, methodDescription: "CARD ENDING IN 4242",
                                                          rule: .init(id: "A7K2QXM", position: 1), lines: [.init(id: "I-1001-3", number: "40231", amount: 93_275)])],
                                         currency: "USD")
        state.screen = .calendar(calendar)
        #expect(text(state).contains("Projected, autopay (rule 1)") && text(state).contains("for invoice 40231"), "\(text(state))")

        state.screen = .home
        let opened = keys(&state, .char("5"))
        #expect(CustomerFacingTests.sent(opened, "history.list") != nil && CustomerFacingTests.sent(opened, "autopay.list") != nil)
        let history = HistoryResult(payments: [.init(id: "K7XQ2M", source: "kiosk", date: "2026-12-12T14:00:00Z", job: 2, amount: 93_275,
                                                     method: "CARD ENDING IN 4242", state: "pending", pending: true, autopayRule: "A7K2QXM")],
                                    currency: "USD")
        _ = CustomerFacingTests.reply(&state, .history, history)
        #expect(text(state).contains("Autopay (rule A7K2QXM) · Pending"), "before the rules answer, the rule's id: \(text(state))")
        _ = CustomerFacingTests.reply(&state, .autopayPositions, AutopayListResult(rules: [Self.rule("A7K2QXM", 1)], terms: Self.terms))
        #expect(text(state).contains("Autopay (rule 1) · Pending"), "\(text(state))")
        // Without manage_autopay, history asks for no rules.
        var (viewer, _) = CustomerFacingTests.signedIn()
        #expect(CustomerFacingTests.sent(keys(&viewer, .char("5")), "autopay.list") == nil)
    }

    @Test("a rule with a condition this front cannot show is never saved without it; the pay-block sentence stays clear of the longer menu")
    func unreadableAndHome() throws {
        var state = try onList([Self.rule("R1", 1, criteria: [.init(field: "job", op: "is", values: [.integer(2)]),
                                                              .init(field: "colour", op: "is", values: [.string("red")])])])
        _ = keys(&state, .enter)
        _ = CustomerFacingTests.reply(&state, .autopayMethods, Self.methods)
        #expect(editor(state)?.rows.count == 1 && text(state).contains("cannot be shown here"))
        #expect(keys(&state, .enter).isEmpty && state.screen.name == "autopay-editor", "no pad, nothing sent")

        var (home, _) = CustomerFacingTests.signedIn(permissions: Self.permissions)
        home.session?.payBlock = .pending(id: "HPE2Q9", amount: 999)
        let lines = text(home).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let menu = try #require(lines.firstIndex { $0.contains("[A] Autopay rules") })
        let warning = try #require(lines.firstIndex { $0.contains("is still being processed") })
        #expect(warning > menu && lines[menu].hasSuffix("[A] Autopay rules"), "\(text(home))")
    }

    @Test("while a rejection notice shows, A is its OK; after it, A opens the rules")
    func rejectionFirst() throws {
        var (state, _) = CustomerFacingTests.signedIn(permissions: Self.permissions)
        state.session?.rejections = [RejectionNotice(payment: "K1", amount: 100, currency: "USD", createdAt: "2026-12-01T10:00:00Z", reason: "payment_issue_call", message: "declined")]
        #expect(CustomerFacingTests.sent(keys(&state, .char("a")), "payment.acknowledge") != nil && state.screen.name == "home")
        #expect(CustomerFacingTests.sent(keys(&state, .char("a")), "autopay.list") != nil && state.screen.name == "autopay")
    }
}
