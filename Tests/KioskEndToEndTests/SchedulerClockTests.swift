#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import Testing

/// Scheduled payments run at the start of their day in the branch's zone (issue 14, item 3),
/// with the daemon's real clock moved by libfaketime: across midnight in two zones, across
/// the night a daylight-saving change ends, after a jump of the clock, and after days the
/// kiosk was off (it runs once, late, and says so).
@Suite("Scheduled payments on the clock", .serialized, .enabled(if: FakeTime.available, "faketime is not installed (scripts/install-deps.sh)"))
struct SchedulerClockTests {
    /// A wall clock for one daemon that the test can move while it runs: libfaketime reads
    /// the offset from a file on every call (`FAKETIME_NO_CACHE`). CLOCK_MONOTONIC keeps real
    /// time, so NIO's timers and the scheduler's sleeps are real seconds.
    struct MovableClock {
        let file: String
        var environment: [String: String]

        init(at instant: Date, directory: String) throws {
            file = directory + "/faketime.offset"
            environment = ["LD_PRELOAD": FakeTime.library!, "FAKETIME_TIMESTAMP_FILE": file, "FAKETIME_NO_CACHE": "1", "TZ": "UTC",
                           "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_SHARED": "/kioskpay_no_sem /kioskpay_no_shm"]
            try move(to: instant)
        }

        func move(to instant: Date) throws {
            let offset = Int(instant.timeIntervalSinceNow.rounded())
            try "\(offset >= 0 ? "+" : "")\(offset)\n".write(toFile: file, atomically: true, encoding: .utf8)
        }
    }

    static func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    /// A daemon whose clock reads `start`, with PayingStore's accounts at a branch in `zone`.
    func daemon(_ label: String, zone: String, start: Date) throws -> (DaemonProcess, MovableClock) {
        let directory = try makeScratchDirectory(label + "-clock")
        let clock = try MovableClock(at: start, directory: directory)
        let daemon = try DaemonProcess(label: label, configExtra: "emulated_devices = true", environment: clock.environment)
        try daemon.provisionBackOfficeKey()
        var document = PayingStore.document(count: 2, asOf: "2026-01-01T00:00:00Z")
        var branches = document["branches"] as! [[String: Any]]
        branches[0]["time_zone"] = zone
        document["branches"] = branches
        let setup = try daemon.client()
        #expect(try setup.call("sync.apply", params: document).error == nil)
        #expect(try setup.call("device.allow", params: ["id": "emulated-pad-1"], id: 2).error == nil)
        return (daemon, clock)
    }

    /// Signs in as account `n` and schedules 10.00 for `day`; returns the payment's id.
    func schedule(_ daemon: DaemonProcess, account n: Int, on day: String) throws -> String {
        let client = try daemon.client()
        #expect(try client.call("session.begin", params: ["account": "C\(10_000 + n)", "pin": PayingStore.pin], id: 1).error == nil)
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 2).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5]]]], id: 3)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 4)
        let reply = try client.call("payment.submit", params: ["amount": 1_000, "method": ["card_on_file": "K-\(n)"], "signature": capture,
                                                               "terms_sha256": PayingStore.termsSHA256, "pay_on": day], id: 5)
        #expect(reply.result["state"] as? String == "scheduled", "\(reply)")
        return reply.result["id"] as? String ?? ""
    }

    func state(_ daemon: DaemonProcess, _ id: String) throws -> String {
        try PaymentTests().sql(daemon, "SELECT state FROM payment WHERE id = '\(id)'")
    }

    /// Polls until the payment is pending (or `seconds` pass); returns its state then.
    func waitForPending(_ daemon: DaemonProcess, _ id: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var current = try state(daemon, id)
        while current != "pending", Date() < deadline {
            usleep(200_000)
            current = try state(daemon, id)
        }
        return current
    }

    @Test("midnight in the branch's zone, not UTC's: Tokyo (UTC+9) and Chicago on the night daylight saving ends",
          arguments: [("Asia/Tokyo", "2026-12-02T14:59:50Z", "2026-12-03"),     // 23:59:50 in Tokyo
                      ("America/Chicago", "2026-11-02T05:59:50Z", "2026-11-02")])  // 23:59:50 CST, the day after CDT ended
    func midnight(zone: String, start: String, day: String) throws {
        let (daemon, _) = try daemon("sched-\(zone.split(separator: "/").last!)", zone: zone, start: Self.instant(start))
        defer { daemon.stop() }
        let id = try schedule(daemon, account: 0, on: day)
        #expect(try state(daemon, id) == "scheduled", "before midnight in \(zone)")
        let due = try PaymentTests().sql(daemon, "SELECT next_attempt_at FROM outbox WHERE payment = '\(id)' AND topic = 'payment'")
        let midnight = Self.instant(start).addingTimeInterval(10)
        #expect(due.hasPrefix(ISO8601DateFormatter().string(from: midnight).prefix(19)), "the entry is due at \(midnight), the zone's midnight: \(due)")
        // The scheduler wakes for the day's start (not on its 30-second poll): pending within seconds.
        let final = try waitForPending(daemon, id, seconds: 20)
        #expect(final == "pending", "\(daemon.log.suffix(3000))")
        let became = try PaymentTests().sql(daemon, "SELECT updated_at FROM payment WHERE id = '\(id)'")
        let at = try #require(ISO8601DateFormatter.withFractions.date(from: became) ?? ISO8601DateFormatter().date(from: became))
        #expect(at >= midnight, "not before the zone's midnight (\(midnight)): \(became)")
        #expect(at < midnight.addingTimeInterval(5), "at once after it: \(became)")
        #expect(!daemon.log.contains("ran late"), "on time is not late")
    }

    @Test("a clock set forward past the day runs it at once; days the kiosk was off run it once, late, and say so")
    func clockJumpAndDaysOff() throws {
        let start = Self.instant("2026-12-10T12:00:00Z")  // 06:00 in Chicago
        let (daemon, clock) = try daemon("sched-jump", zone: "America/Chicago", start: start)
        let jumped = try schedule(daemon, account: 0, on: "2026-12-11")
        try clock.move(to: Self.instant("2026-12-11T15:00:00Z"))  // the next morning, 09:00
        // Found within the poll interval (the sleep measures real seconds, not the jump).
        #expect(try waitForPending(daemon, jumped, seconds: 40) == "pending")

        let off = try schedule(daemon, account: 1, on: "2026-12-12")
        daemon.stop()
        // Off for the 12th and the 13th: back on the 14th, it runs at start-up, once.
        let back = Self.instant("2026-12-14T16:00:00Z")
        try clock.move(to: back)
        let again = try DaemonProcess(label: "sched-jump-back", configExtra: "emulated_devices = true", dataDirectory: daemon.dataDirectory,
                                      environment: clock.environment)
        defer { again.stop() }
        #expect(try waitForPending(again, off, seconds: 10) == "pending")
        let audit = try PaymentTests().sql(again, "SELECT detail FROM audit_log WHERE action = 'payment.ran_late'")
        #expect(audit == "payment \(off) for 2026-12-12 ran on 2026-12-14", "\(audit)")
        #expect(again.log.contains("a scheduled payment ran late") && again.log.contains(off))
        let entries = try PaymentTests().sql(again, "SELECT count(*) FROM outbox WHERE payment = '\(off)' AND topic = 'payment'")
        #expect(entries == "1", "one entry: it runs once")
        // It was for the 12th, and 11th's was on time: only one late run is recorded.
        #expect(try PaymentTests().sql(again, "SELECT count(*) FROM audit_log WHERE action = 'payment.ran_late'") == "1")
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }
}
