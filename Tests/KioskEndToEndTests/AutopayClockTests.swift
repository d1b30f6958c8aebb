#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures
import Testing

/// Autopay's start-of-day run through the real daemon with its clock moved by libfaketime
/// (issue 14 item 8): the rules run when the branch's day begins, once; a day the kiosk was
/// off runs once when it is back; and SIGKILL in the middle of a run leaves every account
/// either run or not, so the next start makes nothing twice.
///
/// These tests are part of the scheduler's suite (an extension of it), so they never run at the
/// same time as its other libfaketime daemons: the suite is serialized, and its daemons are heavy.
extension SchedulerClockTests {
    typealias Clock = SchedulerClockTests.MovableClock

    func autopaySQL(_ directory: String, _ query: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", directory + "/kiosk.sqlite", query]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Polls `query` until it prints `expected` (or `seconds` pass); returns what it printed last.
    func autopayWait(_ directory: String, _ query: String, for expected: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var current = try autopaySQL(directory, query)
        while current != expected, Date() < deadline {
            usleep(200_000)
            current = try autopaySQL(directory, query)
        }
        return current
    }

    func autopayApply(_ document: SyncDocument, to daemon: DaemonProcess) throws {
        let file = daemon.directory + "/document.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        let applied = try daemon.kioskctl(["sync", "apply", file])
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
    }

    @Test("the rules run when the branch's day begins, once; after days off, once, on the day the kiosk is back")
    func startOfDay() throws {
        // 2027-03-01 in Chicago (UTC-6 until 14 March).
        let today = LocalDate(year: 2027, month: 3, day: 1)!
        let directory = try makeScratchDirectory("autopay-clock")
        let clock = try Clock(at: Self.instant("2027-03-01T17:00:00Z"), directory: directory)
        var daemon = try DaemonProcess(label: "autopay-clock", environment: clock.environment)
        let data = daemon.dataDirectory
        var document = DemoStore.document(today: today, now: Instant(Self.instant("2027-03-01T17:00:00Z")))
        let i = document.accounts.firstIndex { $0.number == "1001" }!
        // Job 2's invoices on their due dates: 40231 on 11 March, 40262 on 28 March.
        document.accounts[i].autopayRules = [AutopayRule(id: "R-OAK", position: 1, method: .cardOnFile("K-1001-2"),
                                                         criteria: [.init(field: "job", op: "is", values: [.number(2)])])]
        try autopayApply(document, to: daemon)
        let count = "SELECT count(*) FROM payment WHERE autopay_rule IS NOT NULL"
        #expect(try autopaySQL(data, count) == "0", "nothing is due today")

        // A few seconds before midnight in Chicago: still nothing; just after: 40231 is paid.
        try clock.move(to: Self.instant("2027-03-11T05:59:52Z"))
        sleep(6)
        #expect(try autopaySQL(data, count) == "0", "not before the day begins")
        try clock.move(to: Self.instant("2027-03-11T06:00:01Z"))
        #expect(try autopayWait(data, count, for: "1", seconds: 15) == "1")
        #expect(try autopaySQL(data, "SELECT autopay_key || ' ' || state FROM payment WHERE autopay_rule = 'R-OAK'") == "2027-03-11|R-OAK|2 pending")
        #expect(try autopaySQL(data, "SELECT group_concat(item) FROM payment_line l JOIN payment p ON p.id = l.payment WHERE p.autopay_rule = 'R-OAK'") == "I-1001-3")
        try clock.move(to: Self.instant("2027-03-11T16:00:00Z"))
        sleep(6)
        #expect(try autopaySQL(data, count) == "1", "once a day")

        // Off from the 12th to the 31st: 40262 (due the 28th) is paid once, the day it is back,
        // and waits behind the pending payment of its job.
        // (The first daemon's scratch directory holds the data directory: keep it.)
        let first = daemon
        first.stop()
        try clock.move(to: Self.instant("2027-03-31T15:00:00Z"))
        daemon = try DaemonProcess(label: "autopay-clock-back", dataDirectory: data, environment: clock.environment)
        #expect(try autopayWait(data, count, for: "2", seconds: 15) == "2")
        #expect(try autopaySQL(data, "SELECT p.autopay_key || ' ' || p.state FROM payment p JOIN payment_line l ON l.payment = p.id WHERE l.item = 'I-1001-7'")
                == "2027-03-31|R-OAK|2 waiting")
        daemon.stop()
        daemon = try DaemonProcess(label: "autopay-clock-again", dataDirectory: data, environment: clock.environment)
        sleep(6)
        #expect(try autopaySQL(data, count) == "2", "a restart the same day makes nothing")
        #expect(try autopaySQL(data, "SELECT count(*) FROM audit_log WHERE action = 'autopay.payment'") == "2")
        daemon.stop()
        withExtendedLifetime(first) {}
    }

    /// `n` accounts billed by account, each with two invoices due on `due` and one rule that
    /// pays everything with its card.
    static func manyAccounts(_ n: Int, today: LocalDate, due: LocalDate) -> SyncDocument {
        var document = DemoStore.document(today: today, now: Instant(instant("2027-06-01T17:00:00Z")))
        document.accounts = (0..<n).map { k in
            var a = Account(number: "\(70_000 + k)", name: "Buyer \(k)", branch: "B1", receivablesType: .openItem,
                            contacts: [Contact(id: "C\(k)", name: "Buyer \(k)", email: nil, profile: "full")],
                            items: [Item(id: "I\(k)-1", kind: .invoice, number: "1\(k)", date: today.adding(days: -29), dueDate: due, amount: 1_000 + k, openAmount: 1_000 + k),
                                    Item(id: "I\(k)-2", kind: .invoice, number: "2\(k)", date: today.adding(days: -20), dueDate: due, amount: 500, openAmount: 500)],
                            cardsOnFile: [CardOnFile(id: "K\(k)", description: "CARD ENDING IN 4242", token: "t\(k)", brand: "visa", last4: "4242", expiry: "2030-01")])
            a.autopayRules = [AutopayRule(id: "R\(k)", position: 1, method: .cardOnFile("K\(k)"), criteria: [.init(field: "amount", op: "ge", values: [.number(0)])])]
            return a
        }
        return document
    }

    @Test("SIGKILL during a start-of-day run: every account is run once, whole; nothing is paid twice")
    func killDuringRun() throws {
        let n = 600
        let today = LocalDate(year: 2027, month: 6, day: 1)!
        let directory = try makeScratchDirectory("autopay-kill")
        let clock = try Clock(at: Self.instant("2027-06-01T17:00:00Z"), directory: directory)
        let first = try DaemonProcess(label: "autopay-kill", environment: clock.environment)
        let data = first.dataDirectory
        try autopayApply(Self.manyAccounts(n, today: today, due: today.adding(days: 1)), to: first)
        first.stop()
        let count = "SELECT count(*) FROM payment WHERE autopay_rule IS NOT NULL"
        #expect(try autopaySQL(data, count) == "0")

        // The next day (Chicago, UTC-5 in June): each start runs what is left, and is killed.
        try clock.move(to: Self.instant("2027-06-02T05:30:00Z"))
        var generator = SystemRandomNumberGenerator()
        var seen: [Int] = []
        for round in 0..<8 {
            let daemon = try DaemonProcess(label: "autopay-kill-\(round % 2)", dataDirectory: data, environment: clock.environment)
            usleep(UInt32.random(in: 100_000...1_500_000, using: &generator))
            kill(daemon.process.processIdentifier, SIGKILL)
            daemon.process.waitUntilExit()
            seen.append(Int(try autopaySQL(data, count)) ?? -1)
            if seen.last == n { break }
        }
        #expect(seen.contains { $0 > 0 && $0 < n }, "a kill landed in the middle of a run: \(seen)")
        let last = try DaemonProcess(label: "autopay-kill-last", dataDirectory: data, environment: clock.environment)
        #expect(try autopayWait(data, count, for: "\(n)", seconds: 120) == "\(n)", "after kills \(seen)")
        sleep(6)
        last.stop()

        #expect(try autopaySQL(data, count) == "\(n)", "one payment per account, never two")
        #expect(try autopaySQL(data, "SELECT count(*) FROM (SELECT item FROM payment_line GROUP BY item HAVING count(*) > 1)") == "0", "no invoice twice")
        #expect(try autopaySQL(data, "SELECT count(*) FROM payment_line") == "\(2 * n)", "every invoice due paid")
        #expect(try autopaySQL(data, "SELECT count(DISTINCT autopay_key) FROM payment") == "\(n)")
        #expect(try autopaySQL(data, "SELECT count(*) FROM payment p WHERE (SELECT count(*) FROM outbox o WHERE o.payment = p.id AND o.topic = 'payment') != 1") == "0")
        #expect(try autopaySQL(data, "SELECT count(*) FROM payment p WHERE (SELECT count(*) FROM audit_log a WHERE a.detail LIKE 'payment ' || p.id || ' %') != 1") == "0")
        #expect(try autopaySQL(data, "SELECT count(*) FROM payment p WHERE p.amount != (SELECT sum(amount) FROM payment_line l WHERE l.payment = p.id)") == "0")
        #expect(try autopaySQL(data, "SELECT count(*) FROM autopay_day WHERE day = '2027-06-02'") == "\(n)")
        #expect(try autopaySQL(data, "PRAGMA integrity_check") == "ok")
        print("autopay kill test: \(n) accounts, paid after each kill: \(seen)")
        withExtendedLifetime(first) {}
    }
}
