import Foundation
import KioskCore
import KioskFixtures
import Testing

/// `calendar.month` and `calendar.day` through the real daemon with the demo store, and
/// `kioskctl calendar` (issue 14, item 4; autopay joins with the rules).
@Suite("Payments calendar", .serialized)
struct CalendarTests {
    let helper = PaymentTests()

    func schedule(_ client: RawClient, job: Int, invoices: [String], on day: String, terms: String, id: Int) throws -> String {
        let reply = try client.call("payment.submit", params: ["job": job, "invoices": invoices, "method": ["card_on_file": "K-1001-2"],
                                                               "signature": try helper.sign(client), "terms_sha256": terms, "pay_on": day], id: id)
        #expect(reply.result["state"] as? String == "scheduled", "\(reply)")
        return reply.result["id"] as? String ?? ""
    }

    @Test("scheduled payments on their days, by job, with their invoices; kioskctl prints the same; bad months and dates refused")
    func calendar() throws {
        let daemon = try helper.demo("calendar")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "1001", "pin": "4821"])
        let terms = (try client.call("payment.options", params: ["job": 2], id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let soon = SchedulingCommandTests.chicagoDay(3), later = SchedulingCommandTests.chicagoDay(10)
        let a = try schedule(client, job: 2, invoices: ["I-1001-3"], on: soon, terms: terms, id: 3)
        let b = try schedule(client, job: 2, invoices: ["I-1001-7"], on: later, terms: terms, id: 4)

        func month(_ day: String, job: Int? = nil) throws -> [[String: Any]] {
            var params: [String: Any] = ["year": Int(day.prefix(4))!, "month": Int(day.dropFirst(5).prefix(2))!]
            if let job { params["job"] = job }
            let reply = try client.call("calendar.month", params: params, id: 10)
            #expect(reply.error == nil, "\(reply)")
            return reply.result["days"] as? [[String: Any]] ?? []
        }
        let days = try month(soon)
        let first = try #require(days.first { $0["date"] as? String == soon })
        #expect((first["scheduled"] as? [String: Any])?["count"] as? Int == 1)
        #expect((first["scheduled"] as? [String: Any])?["total"] as? Int == 93_275)
        #expect((first["autopay"] as? [String: Any])?["count"] as? Int == 0)
        #expect(try month(later).contains { $0["date"] as? String == later })
        #expect(try month(soon, job: 1).isEmpty, "job 1 has none")

        let day = try client.call("calendar.day", params: ["date": soon], id: 11).result
        let payments = day["payments"] as? [[String: Any]] ?? []
        #expect(payments.count == 1 && payments[0]["id"] as? String == a && payments[0]["state"] as? String == "scheduled")
        #expect(((payments[0]["lines"] as? [[String: Any]])?.first)?["number"] as? String == "40231")

        // Staff: kioskctl, the same figures.
        let printed = try daemon.kioskctl(["calendar", "1001", "--month", String(later.prefix(7))])
        #expect(printed.status == 0 && printed.stdout.contains("\(later)  1 scheduled, $389.10 · 0 autopay, $0.00"), "\(printed.stdout)\(printed.stderr)")
        let listed = try daemon.kioskctl(["calendar", "day", "1001", later])
        #expect(listed.stdout.contains("scheduled \(b) (scheduled)") && listed.stdout.contains("invoice 40262"), "\(listed.stdout)")
        let badMonth = try daemon.kioskctl(["calendar", "1001", "--month", "2026-13"])
        #expect(badMonth.status != 0 && badMonth.stderr.contains("--month must be YYYY-MM"))

        // Bad input over the socket: the path named, nothing echoed.
        let thirteen = try client.call("calendar.month", params: ["year": 2026, "month": 13], id: 12)
        #expect(thirteen.errorCode == -32602 && (thirteen.error?["data"] as? [String: Any])?["path"] as? String == "params.month")
        let notADay = try client.call("calendar.day", params: ["date": "2026-02-30"], id: 13)
        #expect(notADay.errorCode == -32602 && !(notADay.error?["message"] as? String ?? "").contains("2026-02-30"))
        #expect(try client.call("calendar.month", params: ["year": 2026, "month": 12, "job": 9], id: 14).errorKind == "not_found")

        // Cancelled: off the calendar.
        #expect(try client.call("payment.cancel", params: ["id": a], id: 15).error == nil)
        #expect((try client.call("calendar.day", params: ["date": soon], id: 16).result["payments"] as? [[String: Any]])?.isEmpty == true)
    }

    @Test("the back office's autopay rules project their payments onto the calendar, with no id, by rule, until one is covered")
    func autopayProjections() throws {
        let daemon = try helper.demo("calendar-autopay")
        let today = DemoStore.today(at: Date())
        var document = DemoStore.document(today: today, now: Instant(Date()))
        let i = document.accounts.firstIndex { $0.number == "1001" }!
        document.accounts[i].autopayRules = [
            AutopayRule(id: "R-SMALL", position: 1, method: .cardOnFile("K-1001-1"),
                        criteria: [.init(field: "amount", op: "le", values: [.number(100_000)])]),
        ]
        let file = daemon.directory + "/rules.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        #expect(try daemon.kioskctl(["sync", "apply", file]).status == 0)
        let client = try daemon.client()
        // 40231 (job 2, $932.75) is due in 10 days, under the rule's $1,000.00: paid on its due date.
        let due = today.adding(days: 10).description
        let day = try client.call("calendar.day", params: ["account": "1001", "date": due], id: 1).result
        #expect((day["autopay"] as? [String: Any])?["count"] as? Int == 1 && (day["autopay"] as? [String: Any])?["total"] as? Int == 93_275, "\(day)")
        let projected = try #require((day["payments"] as? [[String: Any]])?.first)
        #expect(projected["kind"] as? String == "autopay" && projected["id"] == nil && projected["state"] == nil)
        #expect((projected["rule"] as? [String: Any])?["id"] as? String == "R-SMALL" && projected["job"] as? Int == 2)
        #expect(((projected["lines"] as? [[String: Any]])?.first)?["number"] as? String == "40231")
        // Over the rule's amount (40117, $4,823.50): never on it.
        let month = try client.call("calendar.month", params: ["account": "1001", "year": today.year, "month": today.month], id: 2).result
        let total = (month["days"] as? [[String: Any]] ?? []).compactMap { ($0["autopay"] as? [String: Any])?["total"] as? Int }.reduce(0, +)
        #expect(total < 482_350)
        // A scheduled payment covering 40231 takes it off autopay's plan.
        _ = try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 3)
        let terms = (try client.call("payment.options", params: ["job": 2], id: 4).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        _ = try schedule(client, job: 2, invoices: ["I-1001-3"], on: SchedulingCommandTests.chicagoDay(3), terms: terms, id: 5)
        let after = try client.call("calendar.day", params: ["date": due], id: 6).result
        #expect((after["autopay"] as? [String: Any])?["count"] as? Int == 0, "never paid twice: \(after)")
    }
}
