import Foundation

/// A day of the calendar as the wire writes it (`YYYY-MM-DD`, the branch's day), with the
/// arithmetic a month grid needs. Proleptic Gregorian, no time zone: the daemon already said
/// which day is today in the branch's zone (`payment.options`' `pay_window`).
struct CalendarDay: Comparable, Hashable, Sendable {
    let year: Int, month: Int, day: Int

    init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), (1...Self.days(inMonth: month, year: year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    var text: String { String(format: "%04d-%02d-%02d", year, month, day) }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 0000-03-01 (a civil-from-days count): adding and weekdays without Foundation.
    private var ordinal: Int {
        let y = month <= 2 ? year - 1 : year
        let m = month <= 2 ? month + 9 : month - 3
        return 365 * y + y / 4 - y / 100 + y / 400 + (153 * m + 2) / 5 + day - 1
    }

    func adding(days count: Int) -> CalendarDay {
        var n = ordinal + count
        // Inverse of `ordinal` (H. Hinnant's civil_from_days, shifted to 0000-03-01).
        let era = (n >= 0 ? n : n - 146_096) / 146_097
        let doe = n - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        n = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return CalendarDay(year: n, month: m, day: d) ?? self
    }

    /// 0 Monday … 6 Sunday.
    var weekday: Int { ((ordinal % 7) + 7 + 2) % 7 }

    /// The same day `count` months later, or the month's last day when it has fewer days.
    func adding(months count: Int) -> CalendarDay {
        let index = year * 12 + (month - 1) + count
        let y = index / 12, m = index % 12 + 1
        return CalendarDay(year: y, month: m, day: min(day, Self.days(inMonth: m, year: y))) ?? self
    }

    var firstOfMonth: CalendarDay { CalendarDay(year: year, month: month, day: 1)! }

    static func < (a: CalendarDay, b: CalendarDay) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }
}

extension Key {
    /// Where a month grid's cursor goes from `day`: ←→ a day, ↑↓ a week, PgUp/PgDn a month,
    /// T to `today`; nil for any other key.
    func movingDay(_ day: CalendarDay, today: CalendarDay) -> CalendarDay? {
        switch self {
        case .left: day.adding(days: -1)
        case .right: day.adding(days: 1)
        case .up: day.adding(days: -7)
        case .down: day.adding(days: 7)
        case .pageUp: day.adding(months: -1)
        case .pageDown: day.adding(months: 1)
        case .char("t"), .char("T"): today
        default: nil
        }
    }
}
