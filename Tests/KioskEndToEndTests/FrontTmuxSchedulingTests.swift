import Foundation
import KioskFixtures
import Testing

/// Paying on a later day in the real front (issue 14, item 1): choose a day a week ahead on
/// the confirm screen's calendar, see it under "Scheduled payments", move it, cancel it.
@Suite("kiosk-front scheduling in tmux", .serialized)
struct FrontTmuxSchedulingTests {
    @Test("schedule a payment for next week, see it on the calendar and listed, move it a day, cancel it; kioskctl agrees at each step")
    func scheduleMoveCancel() throws {
        let daemon = try DaemonProcess(label: "front-schedule", extraArguments: ["--demo"])
        defer { daemon.stop() }
        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signInAsPat()
        try front.waitFor("Credit available")
        try front.keys("Right", "Right")
        try front.waitFor("Job 1 Smith remodel")
        try front.keys("1")
        try front.waitFor("Selected total")
        try front.keys("Down", "Space")
        try front.waitFor("[x] 40188")
        try front.waitFor("$837.75")  // 765.40 + the finance charges paid first
        try front.keys("p")
        try front.waitFor("CARD ENDING IN")
        try front.keys("Enter")
        try front.waitFor("Waiting for your signature")
        try front.keys("d")
        try front.waitFor("points signed")
        try front.keys("Enter")
        try front.waitFor("I authorize")
        try front.keys("Space", "Enter")
        try front.waitFor("Press Enter to pay now")
        try front.keys("d")
        try front.waitFor("When should this payment be made?")
        try front.keys("Down")
        let calendar = try front.waitFor("Chosen: ")
        let day = DemoStore.today(at: Date()).adding(days: 7)
        try front.saveScreen("pay-day")
        try front.keys("Enter")
        let confirm = try front.waitFor("Press Enter to schedule this payment")
        #expect(confirm.contains("On "), "\(calendar)\n\(confirm)")
        try front.keys("Enter")
        let done = try front.waitFor("Payment number (temporary):")
        let id = String(try #require(done.firstMatch(of: /Payment number \(temporary\): (\w+)/)).1)
        #expect(done.contains("Scheduled for"), "\(done)")
        let listed = try daemon.kioskctl(["payments", "list", "--state", "scheduled"])
        #expect(listed.stdout.contains(id) && listed.stdout.contains("(pay on \(day))"), "a week from today: \(listed.stdout)")

        try front.keys("Enter")
        try front.signInAsPat()
        try front.waitFor("[8] Payments calendar")
        try front.waitFor("Doe Builders LLC")  // account.get has answered: it says which day today is
        // The calendar: a week from today has it.
        try front.keys("8")
        try front.waitFor("No payments on this day.")
        try front.keys("Down")
        try front.waitFor("1 scheduled")
        try front.keys("Enter")
        let onCalendar = try front.waitFor("Payment \(id)")
        #expect(onCalendar.contains("for invoice 40188") && onCalendar.contains("finance charges"), "\(onCalendar)")
        try front.saveScreen("calendar")
        try front.keys("Escape", "Escape")
        try front.waitFor("[7] Scheduled payments")
        try front.keys("7")
        try front.waitFor(id)
        try front.saveScreen("scheduled")
        try front.keys("r")
        try front.waitFor("Move payment \(id) to another day")
        try front.keys("Right", "Enter")
        try front.waitFor("Payment \(id): Scheduled for")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "scheduled"]).stdout.contains("(pay on \(day.adding(days: 1)))"))
        try front.keys("c")
        try front.waitFor("Press C again to cancel payment \(id)")
        try front.keys("c")
        try front.waitFor("You have no payments scheduled for a later day.")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "deleted"]).stdout.contains(id))
    }
}
