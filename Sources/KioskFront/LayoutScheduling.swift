import Foundation
import KioskProtocol

/// The month calendar a day is chosen on, and the list of payments made for a later day.
extension Layout {
    mutating func payDay(_ model: PayDayModel) {
        let title = if case .reschedule(let id) = model.purpose { "Move payment \(id) to another day" } else { "When should this payment be made?" }
        canvas.put(top, 2, title, .strong)
        canvas.put(top, 50, "Today: \(state.format.date(model.today.text))", .dim)
        monthGrid(row: top + 2, column: 8, cursor: model.cursor, today: model.today, earliest: model.today, latest: model.latest)
        let chosen = model.cursor == model.today ? "Today, \(state.format.date(model.cursor.text))" : state.format.date(model.cursor.text)
        canvas.put(top + 11, 2, "Chosen: ", .strong)
        canvas.put(top + 11, 10, chosen, .selected)
        canvas.put(top + 13, 2, "←→ a day   ↑↓ a week   PgUp PgDn a month   T today   digits: a day of the month", .dim)
        canvas.put(top + 14, 2, "* is today. Days before today and more than a year ahead cannot be chosen.", .dim)
        message(model.message)
        buttons([("Enter Choose this day", .enter), ("T Today", .char("t")), ("Esc Back", .escape)])
    }

    mutating func scheduled(_ model: ScheduledModel) {
        canvas.put(top, 2, "Scheduled payments  \(state.session?.jobName ?? "")", .strong)
        guard let rows = model.rows else {
            canvas.put(top + 2, 2, model.message == nil ? "Loading…" : "", .dim)
            message(model.message)
            buttons([("Esc Back", .escape)])
            return
        }
        if rows.isEmpty {
            canvas.put(top + 2, 2, "You have no payments scheduled for a later day.", .dim)
        } else {
            canvas.put(top + 1, 2, "Payment  Day             Paid with                Status", .dim)
            canvas.put(top + 1, 72, "Amount", .dim)
        }
        for (i, row) in rows.prefix(bottom - top - 3).enumerated() {
            let day = row.payOn.map(state.format.date) ?? ""
            let status = row.state == "waiting" ? "Waiting for \(row.waitingFor ?? "another payment")" : "Scheduled"
            let text = pad(row.id, 8) + " " + pad(day, 15) + " " + pad(CustomerText.method(row.method), 24) + " " + pad(status, 20)
            let style: Canvas.Style = i == model.cursor ? .selected : .normal
            canvas.put(top + 2 + i, 2, pad(text, 76), style, key: .pick(i))
            canvas.put(top + 2 + i, 78 - money(row.amount).count, money(row.amount), style)
        }
        message(model.message)
        var keys: [(label: String, key: Key)] = []
        if !rows.isEmpty { keys += [("R Move to another day", .char("r")), ("C Cancel it", .char("c")), ("Enter Details", .enter)] }
        buttons(keys + [("Esc Back", .escape)])
    }

    /// A month of days from Monday at (`row`, `column`): the month's name with ◀ ▶, the
    /// weekdays, then the weeks. `today` is starred, days outside `earliest`…`latest` dimmed,
    /// days in `marked` strong, the cursor selected.
    mutating func monthGrid(row: Int, column: Int, cursor: CalendarDay, today: CalendarDay, earliest: CalendarDay?, latest: CalendarDay?,
                            marked: Set<CalendarDay> = []) {
        let month = cursor.firstOfMonth
        let names = Self.monthAndWeekdays(month, locale: state.format.identifier)
        let before = earliest.map { month > $0.firstOfMonth } ?? true, after = latest.map { month < $0.firstOfMonth } ?? true
        canvas.put(row, column + 2, "◀ ", before ? .strong : .dim, key: .pageUp)
        canvas.put(row, column + 4, names.month.padding(toLength: 20, withPad: " ", startingAt: 0), .strong)
        canvas.put(row, column + 25, " ▶", after ? .strong : .dim, key: .pageDown)
        for (i, name) in names.weekdays.enumerated() { canvas.put(row + 1, column + i * 5, String(name.prefix(3))) }
        var day = month
        var line = row + 2
        while day.month == month.month {
            let x = column + day.weekday * 5
            let offered = (earliest.map { day >= $0 } ?? true) && (latest.map { day <= $0 } ?? true)
            let text = String(format: "%3d", day.day) + (day == today ? "*" : (marked.contains(day) ? "•" : " "))
            let style: Canvas.Style = day == cursor ? .selected : (marked.contains(day) ? .strong : (offered ? .normal : .dim))
            canvas.put(line, x - 1, text, style)
            if day.weekday == 6 { line += 1 }
            day = day.adding(days: 1)
        }
    }

    /// "December 2026" and the weekdays' short names from Monday, in the kiosk's locale.
    static func monthAndWeekdays(_ day: CalendarDay, locale identifier: String) -> (month: String, weekdays: [String]) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: identifier)
        formatter.calendar = calendar
        formatter.timeZone = calendar.timeZone
        formatter.setLocalizedDateFormatFromTemplate("LLLLyyyy")
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: 1)) ?? Date(timeIntervalSince1970: 0)
        let sundayFirst = formatter.shortStandaloneWeekdaySymbols ?? ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        return (formatter.string(from: date), Array(sundayFirst.dropFirst()) + [sundayFirst[0]])
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(text.prefix(width)).padding(toLength: width, withPad: " ", startingAt: 0)
    }
}
