import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// Paying on a later day and the scheduled payments list, without a terminal (issue 14,
/// item 1): the month calendar's keys and bounds, what the submit, reschedule and cancel
/// carry, and the calendar arithmetic checked against Foundation's.
struct SchedulingScreensTests {
    func atConfirm(window: PaymentOptions.PayWindow? = .init(today: "2026-12-01", latest: "2027-12-01")) -> FrontState {
        var state = FrontState(config: FrontConfig())
        _ = state.update(.connected, now: 0)
        var session = SessionData(account: "1001", contactName: "Pat Doe", permissions: ["pay", "view_history"], idleSeconds: 120, endsAt: 900)
        session.options = PaymentOptions(receivablesType: "open_item", currency: "USD", cardsOnFile: [], terms: .init(text: "T.", sha256: "abc"),
                                         acceptsOnlinePayments: true, payWindow: window)
        state.session = session
        state.draft.total = 5_000
        state.draft.invoices = ["I-1"]
        state.draft.cardOnFile = "K1"
        state.draft.methodDescription = "CARD ENDING IN 4242"
        state.draft.signature = "S1"
        state.draft.termsSHA256 = "abc"
        state.screen = .confirm(ConfirmModel())
        return state
    }

    func text(_ state: FrontState) -> String { Layout.render(state, width: 80, height: 24).text }

    func sent(_ effects: [Effect]) -> (method: String, params: [String: Any])? {
        guard case .send(let request)? = effects.last else { return nil }
        return (request.method, (try? JSONSerialization.jsonObject(with: request.params)) as? [String: Any] ?? [:])
    }

    @Test("CalendarDay adds days and names weekdays as Foundation's Gregorian calendar does, leap days included")
    func calendarArithmetic() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = try #require(CalendarDay("2027-12-20"))
        let origin = calendar.date(from: DateComponents(year: 2027, month: 12, day: 20))!
        for n in stride(from: -800, through: 800, by: 7) {
            let ours = start.adding(days: n)
            let theirs = calendar.dateComponents([.year, .month, .day, .weekday], from: calendar.date(byAdding: .day, value: n, to: origin)!)
            #expect(ours.text == String(format: "%04d-%02d-%02d", theirs.year!, theirs.month!, theirs.day!))
            #expect(ours.weekday == (theirs.weekday! + 5) % 7, "Monday-first weekday of \(ours.text)")
        }
        #expect(CalendarDay("2028-01-31")!.adding(months: 1).text == "2028-02-29", "the month's last day when it is shorter")
        #expect(CalendarDay("2027-02-29") == nil && CalendarDay("2026-13-01") == nil && CalendarDay("26-1-1") == nil)
    }

    @Test("confirm → D: a month calendar from today; a week later chosen; the confirm says when; the submit carries pay_on")
    func payLater() throws {
        var state = atConfirm()
        #expect(text(state).contains("When") && text(state).contains("Today") && text(state).contains("[D Pay on another day]"))
        _ = state.update(.key(.char("d")), now: 1)
        #expect(state.screen.name == "pay-day")
        let calendar = text(state)
        #expect(calendar.contains("December 2026") && calendar.contains("Mon") && calendar.contains("  1*"), "\(calendar)")
        _ = state.update(.key(.down), now: 1)
        #expect(text(state).contains("Chosen: Dec 8, 2026"))
        _ = state.update(.key(.enter), now: 1)
        #expect(state.screen.name == "confirm" && state.draft.payOn == "2026-12-08")
        let confirm = text(state)
        #expect(confirm.contains("On Dec 8, 2026") && confirm.contains("Press Enter to schedule this payment"), "\(confirm)")
        let submit = try #require(sent(state.update(.key(.enter), now: 2)))
        #expect(submit.method == "payment.submit" && submit.params["pay_on"] as? String == "2026-12-08")
        // Back to today: no pay_on at all.
        var again = atConfirm()
        again.draft.payOn = "2026-12-08"
        _ = again.update(.key(.char("d")), now: 1)
        _ = again.update(.key(.char("t")), now: 1)
        _ = again.update(.key(.enter), now: 1)
        #expect(again.draft.payOn == nil)
        #expect(try #require(sent(again.update(.key(.enter), now: 2))).params["pay_on"] == nil)
    }

    @Test("the calendar's ends hold: no day before today, none past a year ahead; digits jump to a day of the month")
    func bounds() {
        var state = atConfirm()
        _ = state.update(.key(.char("d")), now: 1)
        _ = state.update(.key(.left), now: 1)
        #expect(text(state).contains("That day has passed.") && text(state).contains("Chosen: Today, Dec 1, 2026"))
        for _ in 0..<14 { _ = state.update(.key(.pageDown), now: 1) }
        #expect(text(state).contains("A payment can be made at most a year ahead.") && text(state).contains("Chosen: Dec 1, 2027"))
        for _ in 0..<11 { _ = state.update(.key(.pageUp), now: 1) }
        _ = state.update(.key(.char("2")), now: 1)
        _ = state.update(.key(.char("4")), now: 1)
        #expect(text(state).contains("Chosen: Jan 24, 2027"), "\(text(state))")
        _ = state.update(.key(.char("3")), now: 1)
        _ = state.update(.key(.char("9")), now: 1)  // no 39th: starts again at the 9th
        #expect(text(state).contains("Chosen: Jan 9, 2027"))
        _ = state.update(.key(.escape), now: 1)
        #expect(state.screen.name == "confirm" && state.draft.payOn == nil, "Esc changes nothing")
    }

    @Test("a daemon that sends no pay window offers no other day")
    func olderDaemon() {
        var state = atConfirm(window: nil)
        #expect(!text(state).contains("Pay on another day"))
        #expect(state.update(.key(.char("d")), now: 1).isEmpty)
        #expect(state.screen.name == "confirm")
    }

    @Test("scheduled payments: listed from history, moved on the calendar (payment.reschedule), cancelled with a second C")
    func scheduledList() throws {
        var state = atConfirm()
        state.screen = .home
        let list = try #require(sent(state.update(.key(.char("7")), now: 1)))
        #expect(list.method == "history.list")
        let rows = [HistoryResult.Row(id: "K7XQ2M", source: "kiosk", date: "2026-11-30T16:00:00Z", job: nil, amount: 5_000,
                                      method: "CARD ENDING IN 4242", state: "scheduled", pending: false, payOn: "2026-12-10"),
                    HistoryResult.Row(id: "P-9", date: "2026-10-15", job: nil, amount: 1, method: "check", state: "processed", pending: false)]
        let history = try JSONEncoder().encode(HistoryResult(payments: rows, currency: "USD"))
        _ = state.update(.reply(.scheduled, generation: state.generation, .success(history)), now: 1)
        var screen = text(state)
        #expect(screen.contains("K7XQ2M") && screen.contains("Dec 10, 2026") && !screen.contains("P-9"), "\(screen)")

        _ = state.update(.key(.char("r")), now: 2)
        #expect(text(state).contains("Move payment K7XQ2M to another day") && text(state).contains("Chosen: Dec 10, 2026"))
        _ = state.update(.key(.right), now: 2)
        let moved = try #require(sent(state.update(.key(.enter), now: 2)))
        #expect(moved.method == "payment.reschedule" && moved.params["id"] as? String == "K7XQ2M" && moved.params["pay_on"] as? String == "2026-12-11")
        let summary = PaymentSummaryWire(id: "K7XQ2M", account: "1001", job: nil, amount: 5_000, currency: "USD", state: "scheduled",
                                         createdAt: "2026-11-30T16:00:00Z", payOn: "2026-12-11", methodDescription: "CARD ENDING IN 4242", reason: nil, message: nil, lines: [])
        let reload = state.update(.reply(.reschedule, generation: state.generation, .success(try JSONEncoder().encode(summary))), now: 3)
        #expect(state.screen.name == "scheduled" && sent(reload)?.method == "history.list")
        #expect(text(state).contains("Payment K7XQ2M: Scheduled for Dec 11, 2026."))

        _ = state.update(.reply(.scheduled, generation: state.generation, .success(history)), now: 3)
        #expect(state.update(.key(.char("c")), now: 4).isEmpty, "the first C only asks")
        screen = text(state)
        #expect(screen.contains("Press C again to cancel payment K7XQ2M of $50.00"))
        _ = state.update(.key(.down), now: 4)
        #expect(!text(state).contains("Press C again"), "another key keeps it")
        _ = state.update(.key(.char("c")), now: 4)
        let cancel = try #require(sent(state.update(.key(.char("c")), now: 4)))
        #expect(cancel.method == "payment.cancel" && cancel.params["id"] as? String == "K7XQ2M")
    }

    @Test("the payments calendar: today's month asked, days with payments marked, a day's payments on Enter, months by PgDn")
    func paymentsCalendar() throws {
        var state = atConfirm()
        state.screen = .home
        state.session?.info = AccountInfo(number: "1001", name: "Pat Doe", company: nil, address: [], city: nil, region: nil, postalCode: nil,
                                          country: nil, phone: nil, receivablesType: "open_item", billingType: "account", jobs: [],
                                          representative: nil, links: .init(erp: nil, accounting: nil, gateway: nil), branch: "B1", currency: "USD")
        state.session?.info?.today = "2026-12-02"
        let asked = try #require(sent(state.update(.key(.char("8")), now: 1)))
        #expect(asked.method == "calendar.month" && asked.params["year"] as? Int == 2026 && asked.params["month"] as? Int == 12)
        let month = CalendarMonthResult(year: 2026, month: 12, days: [.init(date: "2026-12-09", scheduled: .init(count: 1, total: 93_275),
                                                                            autopay: .init(count: 0, total: 0))], currency: "USD")
        _ = state.update(.reply(.calendarMonth, generation: state.generation, .success(try JSONEncoder().encode(month))), now: 1)
        #expect(text(state).contains("No payments on this day."))
        #expect(state.update(.key(.enter), now: 1).isEmpty)
        #expect(text(state).contains("No payments on that day."))
        _ = state.update(.key(.left), now: 1)
        #expect(text(state).contains("Dec 2, 2026"), "days before today are not shown")
        _ = state.update(.key(.down), now: 1)
        let tallies = text(state)
        #expect(tallies.contains("1 scheduled") && tallies.contains("$932.75") && tallies.contains("  9•"), "\(tallies)")
        let day = try #require(sent(state.update(.key(.enter), now: 2)))
        #expect(day.method == "calendar.day" && day.params["date"] as? String == "2026-12-09")
        let breakdown = CalendarDayResult(date: "2026-12-09", scheduled: .init(count: 1, total: 93_275), autopay: .init(count: 0, total: 0),
                                          payments: [.init(kind: "scheduled", id: "K7XQ2M", state: "scheduled", job: 2, amount: 93_275,
                                                           methodDescription: "CARD ENDING IN 4242", rule: nil,
                                                           lines: [.init(id: "I-1001-3", number: "40231", amount: 93_275)])],
                                          currency: "USD")
        _ = state.update(.reply(.calendarDay, generation: state.generation, .success(try JSONEncoder().encode(breakdown))), now: 2)
        #expect(text(state).contains("Payment K7XQ2M") && text(state).contains("for invoice 40231"))
        let next = try #require(sent(state.update(.key(.pageDown), now: 3)))
        #expect(next.params["month"] as? Int == 1 && next.params["year"] as? Int == 2027)
        // The December reply arriving late is dropped: January is on show.
        _ = state.update(.reply(.calendarMonth, generation: state.generation, .success(try JSONEncoder().encode(month))), now: 3)
        #expect(text(state).contains("Loading…"))
    }
}
