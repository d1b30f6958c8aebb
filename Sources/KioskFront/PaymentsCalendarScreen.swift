import Foundation
import KioskProtocol

/// The payments calendar: a month with the days that have payments marked, the day under the
/// cursor's tallies, and (Enter) that day's payments one by one.
public struct CalendarModel: Sendable, Equatable {
    var cursor: CalendarDay
    var today: CalendarDay
    public var month: CalendarMonthResult?
    public var day: CalendarDayResult?
    public var message: String?
    init(today: CalendarDay) { self.cursor = today; self.today = today }

    /// The shown month's tallies of the day under the cursor, when it has payments.
    var cursorDay: CalendarMonthResult.Day? { month?.days.first { $0.date == cursor.text } }
    var marked: Set<CalendarDay> { Set((month?.days ?? []).compactMap { CalendarDay($0.date) }) }
}

extension FrontState {
    mutating func openCalendar() -> [Effect] {
        // The branch's today (account.get), else the pay window's; without either the month
        // cannot be known, and nothing opens.
        guard let today = session?.info?.today.flatMap(CalendarDay.init) ?? payWindow?.today else { return [] }
        let model = CalendarModel(today: today)
        screen = .calendar(model)
        return [monthRequest(model.cursor)]
    }

    private mutating func monthRequest(_ day: CalendarDay) -> Effect {
        send(.calendarMonth, Methods.calendarMonth, CalendarMonthParams(job: session?.job, year: day.year, month: day.month))
    }

    mutating func calendarKey(_ key: Key, _ model: inout CalendarModel) -> [Effect] {
        defer { if case .calendar = screen { screen = .calendar(model) } }
        let next = key.movingDay(model.cursor, today: model.today)
        switch key {
        case .enter:
            guard model.cursorDay != nil else { model.message = "No payments on that day."; return [] }
            model.message = nil
            return [send(.calendarDay, Methods.calendarDay, CalendarDayParams(job: session?.job, date: model.cursor.text))]
        case .escape:
            if model.day != nil { model.day = nil } else { screen = .home }
            return []
        default: break
        }
        guard let next else { return [] }
        // Days before today are empty (DOMAIN.md): the calendar starts at today's month.
        let day = max(next, model.today)
        let monthChanged = day.firstOfMonth != model.cursor.firstOfMonth
        model.cursor = day
        model.day = nil
        model.message = nil
        guard monthChanged else { return [] }
        model.month = nil
        return [monthRequest(day)]
    }

    mutating func calendarReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        guard case .calendar(var model) = screen else { return [] }
        switch (purpose, result) {
        case (.calendarMonth, .success(let data)):
            guard let month = Wire.decode(CalendarMonthResult.self, data) else { model.message = "The kiosk could not read the calendar."; break }
            // A reply for a month the customer has already left is dropped.
            if month.year == model.cursor.year, month.month == model.cursor.month { model.month = month }
        case (.calendarDay, .success(let data)):
            guard let day = Wire.decode(CalendarDayResult.self, data) else { model.message = "The kiosk could not read that day."; break }
            if day.date == model.cursor.text { model.day = day }
        case (_, .failure(let failure)):
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read the calendar. Please try again.")
        default: break
        }
        screen = .calendar(model)
        return []
    }
}

extension Layout {
    mutating func calendar(_ model: CalendarModel) {
        canvas.put(top, 2, "Payments calendar  \(state.session?.jobName ?? "")", .strong)
        monthGrid(row: top + 1, column: 4, cursor: model.cursor, today: model.today, earliest: model.today, latest: nil, marked: model.marked)
        let right = 44
        canvas.put(top + 2, right, state.format.date(model.cursor.text), .strong)
        if model.month == nil {
            canvas.put(top + 4, right, "Loading…", .dim)
        } else if let day = model.cursorDay {
            let currency = model.month?.currency ?? state.session?.currency ?? "USD"
            figure(top + 4, right, "\(day.scheduled.count) scheduled", state.format.money(day.scheduled.total, currency), right: 78)
            figure(top + 5, right, "\(day.autopay.count) autopay", state.format.money(day.autopay.total, currency), right: 78)
            canvas.put(top + 7, right, "Enter: the day's payments", .dim)
        } else {
            canvas.put(top + 4, right, "No payments on this day.", .dim)
        }
        canvas.put(top + 9, right, "• a day with payments, * today", .dim)
        if let day = model.day {
            var row = top + 11
            for payment in day.payments where row < bottom {
                let who = payment.id.map { "Payment \($0)" } ?? "Projected"
                let rule = payment.rule.map { ", autopay (rule \($0.position))" } ?? ""
                let status = payment.state.map { CustomerText.status(state: $0, payOn: nil, waitingFor: nil, state.format) } ?? ""
                let text = "\(who)\(rule)  \(status)  \(payment.methodDescription)"
                canvas.put(row, 2, String(text.prefix(62)), .strong)
                canvas.put(row, 78 - state.format.money(payment.amount, day.currency).count, state.format.money(payment.amount, day.currency), .strong)
                row += 1
                let lines = payment.lines.map { line in line.number.map { "invoice \($0)" } ?? (line.id == "finance_charges" ? "finance charges" : line.id) }
                for text in wrap("  for " + lines.joined(separator: ", "), width: 74).prefix(2) where row < bottom {
                    canvas.put(row, 4, text); row += 1
                }
            }
        }
        message(model.message)
        buttons([("←→↑↓ Day", .right), ("PgUp PgDn Month", .pageDown), ("Enter Payments", .enter), ("T Today", .char("t")), ("Esc Back", .escape)])
    }
}
