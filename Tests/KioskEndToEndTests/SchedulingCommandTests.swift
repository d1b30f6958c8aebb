import Foundation
import Testing

/// A manager's view of payments made for a later day (issue 14, item 2): list them by state,
/// show one, move it, cancel it, through kioskctl against the real daemon; refused for the
/// front's role and for a bad date, with a sentence and a failing exit status.
@Suite("Scheduling from kioskctl", .serialized)
struct SchedulingCommandTests {
    let helper = PaymentTests()

    /// `days` from today in Chicago (the demo branch's zone), as YYYY-MM-DD.
    static func chicagoDay(_ days: Int) -> String {
        var chicago = Calendar(identifier: .gregorian)
        chicago.timeZone = TimeZone(identifier: "America/Chicago")!
        let c = chicago.dateComponents([.year, .month, .day], from: chicago.date(byAdding: .day, value: days, to: Date())!)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    @Test("payments list --state scheduled, payment show, reschedule, cancel; audited; refused for the front and for a bad date")
    func reschedulingAndCancelling() throws {
        let daemon = try helper.demo("kioskctl-schedule")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "2001", "pin": "2468"])
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let day = Self.chicagoDay(7)
        let paid = try client.call("payment.submit", params: ["amount": 5_000, "method": ["card_on_file": "K-2001-1"], "signature": try helper.sign(client),
                                                              "terms_sha256": terms, "pay_on": day], id: 3).result
        let id = try #require(paid["id"] as? String)

        let scheduled = try daemon.kioskctl(["payments", "list", "--state", "scheduled"])
        #expect(scheduled.status == 0 && scheduled.stdout.contains(id) && scheduled.stdout.contains("(pay on \(day))"), "\(scheduled.stdout)")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "waiting"]).stdout.contains("No payments in state waiting."))
        let shown = try daemon.kioskctl(["payment", "show", "2001", id])
        #expect(shown.stdout.contains("scheduled, pay on \(day)"), "\(shown.stdout)")

        let later = Self.chicagoDay(14)
        let moved = try daemon.kioskctl(["payment", "reschedule", id, later])
        #expect(moved.status == 0 && moved.stdout.contains("Rescheduled \(id): it runs on \(later)."), "\(moved.stdout)\(moved.stderr)")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "scheduled"]).stdout.contains("(pay on \(later))"))

        // Bad input: a sentence, a failing status, nothing changed.
        let shape = try daemon.kioskctl(["payment", "reschedule", id, "next tuesday"])
        #expect(shape.status != 0 && shape.stderr.contains("the date must be YYYY-MM-DD"), "\(shape.stderr)")
        let past = try daemon.kioskctl(["payment", "reschedule", id, "2001-01-01"])
        #expect(past.status != 0 && !past.stderr.isEmpty, "a day before today is refused: \(past.stderr)")
        let tooFar = try daemon.kioskctl(["payment", "reschedule", id, Self.chicagoDay(400)])
        #expect(tooFar.status != 0, "more than a year ahead is refused: \(tooFar.stdout)")
        let unknown = try daemon.kioskctl(["payment", "cancel", "ZZZZZZ"])
        #expect(unknown.status != 0 && unknown.stderr.contains("there is no payment"), "\(unknown.stderr)")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "scheduled"]).stdout.contains("(pay on \(later))"), "unchanged")

        // The front's role may not use the manager's commands.
        let front = try daemon.kioskctl(["payment", "cancel", id], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(front.status != 0, "\(front.stdout)")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "scheduled"]).stdout.contains(id), "still scheduled")

        let cancelled = try daemon.kioskctl(["payment", "cancel", id])
        #expect(cancelled.status == 0 && cancelled.stdout.contains("Cancelled \(id); it will not be sent."), "\(cancelled.stdout)\(cancelled.stderr)")
        #expect(!(try daemon.kioskctl(["payments", "list", "--state", "scheduled"]).stdout.contains(id)))
        #expect(try daemon.kioskctl(["payments", "list", "--state", "deleted"]).stdout.contains(id))
        #expect(try helper.sql(daemon, "SELECT count(*) FROM outbox WHERE payment = '\(id)' AND topic = 'payment'") == "0", "never sent")
        let audit = try helper.sql(daemon, "SELECT group_concat(action, ',') FROM audit_log WHERE detail LIKE '%\(id)%'")
        #expect(audit.contains("payment.reschedule") && audit.contains("payment.cancel"), "\(audit)")
        let again = try daemon.kioskctl(["payment", "cancel", id])
        #expect(again.status != 0, "a cancelled payment cannot be cancelled again: \(again.stdout)")
    }
}
