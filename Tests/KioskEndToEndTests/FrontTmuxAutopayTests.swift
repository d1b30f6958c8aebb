import Foundation
import KioskFixtures
import Testing

/// Autopay in the real front (issue 14, item 7): Pat makes a rule with two conditions, signs
/// and accepts the terms, sees it listed and its payment projected on the calendar; then the
/// daemon's clock moves to that day, its scheduler runs autopay, and the payment history shows
/// the payment the rule made.
@Suite("kiosk-front autopay in tmux", .serialized)
struct FrontTmuxAutopayTests {
    @Test("create a rule (job is 2, days until due at most 0), see it listed and projected; run its day; see the payment in the history marked autopay",
          .enabled(if: FakeTime.available, "libfaketime is needed to move the daemon's clock"))
    func ruleToPayment() throws {
        let directory = try makeScratchDirectory("front-autopay-clock")
        // The daemon reads a clock the test can move while it runs; it starts at now.
        let clock = try SchedulerClockTests.MovableClock(at: Date(), directory: directory)
        let daemon = try DaemonProcess(label: "front-autopay", extraArguments: ["--demo"], environment: clock.environment)
        defer { daemon.stop() }
        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signInAsPat()
        try front.waitFor("Doe Builders LLC")  // account.get has answered: the calendar knows today
        try front.waitFor("[A] Autopay rules")
        try front.keys("a")
        try front.waitFor("You have no autopay rules yet.")

        // A new rule: the default card; job is 2; days until due at most 0 (paid on the due date).
        try front.keys("n")
        try front.waitFor("◀ CARD ENDING IN 4242 ▶")
        try front.type("2")
        try front.keys("+")
        try front.waitFor("▸ 2")
        try front.keys("Right", "Right", "Right", "Right")  // job → amount → line item → age → days until due
        try front.waitFor("Days until due")
        try front.keys("Tab", "Right", "Right", "Right")  // is → is not → less than → at most
        try front.waitFor("is at most")
        try front.keys("Tab")
        try front.type("0")
        try front.waitFor("Type a number of days (0: the due date")
        try front.saveScreen("autopay-editor")
        try front.keys("Enter")
        try front.waitFor("Sign to authorize this autopay rule")
        try front.waitFor("Waiting for your signature")
        try front.keys("d")
        try front.waitFor("points signed")
        try front.keys("Enter")
        try front.waitFor("Autopay terms")
        try front.waitFor("I authorize the store to charge")
        try front.keys("Space")
        try front.waitFor("[x] I agree")
        try front.saveScreen("autopay-terms")
        try front.keys("Enter")
        try front.waitFor("Rule 1 is saved.")
        let listed = try front.waitFor("── Rule 1 pays each invoice where")
        #expect(listed.contains("job = 2, days until due ≤ 0") && listed.contains("CARD ENDING IN 4242"), "\(listed)")
        #expect(listed.contains("waiting for the store"), "made here, not yet acknowledged by the back office: \(listed)")
        try front.saveScreen("autopay-rules")
        // The daemon agrees: one rule, both rows, signed by the session (staff read it here).
        let reply = try daemon.client().call("autopay.list", params: ["account": "1001"])
        let saved = try #require((reply.result["rules"] as? [[String: Any]])?.first, "\(reply)")
        let criteria = saved["criteria"] as? [[String: Any]] ?? []
        #expect(criteria.map { $0["field"] as? String } == ["job", "days_until_due"] && criteria.map { $0["op"] as? String } == ["is", "le"])
        #expect(criteria.map { $0["values"] as? [Int] } == [[2], [0]] && (saved["method"] as? [String: Any])?["card_on_file"] as? String == "K-1001-1")

        // The calendar: invoice 40231 (job 2) is due in 10 days; the rule pays it that day.
        try front.keys("Escape")
        try front.waitFor("[8] Payments calendar")
        try front.keys("8")
        try front.waitFor("• a day with payments")
        try front.keys("Down", "Right", "Right", "Right")
        try front.waitFor("1 autopay")
        try front.keys("Enter")
        let day = try front.waitFor("Projected, autopay (rule 1)")
        #expect(day.contains("for invoice 40231") && day.contains("$932.75"), "\(day)")
        try front.saveScreen("autopay-calendar")
        try front.keys("Escape", "Escape")
        try front.waitFor("[8] Payments calendar")

        // Run the day: the daemon's clock moves ten days on; its scheduler runs autopay within seconds.
        try clock.move(to: Date().addingTimeInterval(10 * 86_400))
        var made = ""
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            made = try PaymentTests().sql(daemon, "SELECT id || ' ' || amount FROM payment WHERE autopay_rule IS NOT NULL")
            if !made.isEmpty { break }
            usleep(250_000)
        }
        #expect(made.hasSuffix(" 93275"), "the rule paid invoice 40231 (932.75) on its due day: \(made)\n\(daemon.log.suffix(2000))")
        let id = String(made.split(separator: " ").first ?? "")

        // The history. (Sessions count monotonic time, which the clock leaves alone; should one
        // have ended all the same, Pat signs in again.)
        try front.keys("5")
        let shown = try front.waitForAny(["Autopay (rule 1)", "Your session ended", "Type your account number"])
        if !shown.contains("Autopay (rule 1)") {
            try front.signInAsPat()
            try front.waitFor("[5] Payment history")
            try front.keys("5")
        }
        let history = try front.waitFor("Autopay (rule 1)")
        #expect(history.contains("$932.75") && history.contains("CARD ENDING IN 4242"), "\(history)")
        try front.saveScreen("autopay-history")
        try front.keys("Enter")
        try front.waitFor(id)
    }
}
