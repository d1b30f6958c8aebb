#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures
import KioskFront

/// What `kioskd --demo` shows for account 1001 on a day, computed from the same source the
/// daemon seeds from (`DemoStore`, dated by `DemoStore.today(at:)`) and formatted by the
/// front's own `LocaleFormat`: a test never dates the demo a second, different way.
struct DemoDay: Hashable {
    let today: LocalDate
    let format: LocaleFormat

    init(_ today: LocalDate, locale: String = "fr_CA") {
        self.today = today
        format = LocaleFormat(locale)
    }

    var account: Account {
        DemoStore.document(today: today, now: Instant(Date())).accounts.first { $0.number == "1001" }!
    }

    /// "S-1001-202611-J": the newest month's past statements (one per job) as the list starts its rows.
    var newestStatement: String {
        let newest = account.statements.max { $0.issuedAt < $1.issuedAt }!
        return newest.number.prefix { $0 != "J" } + "J"
    }

    /// The day the newest statements were issued, as the statements screen writes it.
    var statementDate: String {
        let newest = account.statements.max { $0.issuedAt < $1.issuedAt }!
        return plain(format.date(String(newest.issuedAt.description.prefix(10))))
    }

    /// The back office's payments, newest first, as the history screen writes their days.
    var historyDates: [String] {
        account.payments.sorted { $0.date > $1.date }.map { plain(format.date($0.date.description)) }
    }

    /// Invoice 40117's date and due date as the invoices screen writes them.
    var invoice40117: (date: String, due: String) {
        let item = account.items.first { $0.number == "40117" }!
        return (plain(format.date(item.date.description)), plain(format.date(item.dueDate!.description)))
    }

    /// fr_CA writes no-break spaces; the screens are compared with them as spaces.
    private func plain(_ text: String) -> String {
        String(text.map { $0 == "\u{A0}" || $0 == "\u{202F}" ? " " : $0 })
    }

    static func == (a: DemoDay, b: DemoDay) -> Bool { a.today == b.today && a.format == b.format }
    func hash(into hasher: inout Hasher) { hasher.combine(today) }
}

/// A process clock set to a chosen day with libfaketime (Debian package `faketime`):
/// `LD_PRELOAD` and `FAKETIME="@YYYY-MM-DD 18:00:00"` in UTC, so the clock starts there and
/// runs on. 18:00 UTC is noon in Chicago, the demo's zone: the same day there. Monotonic
/// clocks are left alone (session idle times and NIO's timers keep real time).
///
/// `FAKETIME_SHARED` is preset to names that do not exist. Without it libfaketime creates its
/// shared clock and `setenv`s that variable while the process starts, which moves `environ`
/// off the stack — and Swift on Linux finds `argv` just below `environ`: every Swift
/// program then sees no arguments at all (kioskd would ignore `--socket`). With it set,
/// libfaketime finds no shared clock, keeps its own, and leaves the environment alone. (The
/// `faketime` command avoids the problem the same way, but forks: SIGTERM would reach it,
/// not kioskd.)
struct FakeTime {
    static let library = ["/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
                          "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1"]
        .first { FileManager.default.fileExists(atPath: $0) }
    static var available: Bool { library != nil }

    let instant: Date
    let environment: [String: String]

    init(day: String) throws {
        guard let library = Self.library else { throw TmuxFront.Failure("libfaketime is not installed") }
        guard let date = ISO8601DateFormatter().date(from: day + "T18:00:00Z") else { throw TmuxFront.Failure("not a day: \(day)") }
        instant = date
        environment = ["LD_PRELOAD": library, "FAKETIME": "@\(day) 18:00:00", "TZ": "UTC",
                       "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_SHARED": "/kioskpay_no_sem /kioskpay_no_shm"]
    }
}
