import KioskCore
import Testing

/// DOMAIN.md "Payments calendar": what falls on which day, the tallies per kind, and a day's
/// order, with the kiosk's payments (autopay projections join when rules exist).
struct PaymentsCalendarTests {
    static let today = LocalDate(year: 2026, month: 12, day: 2)!

    static func payment(_ id: String, _ state: PaymentState, on day: Int?, job: Int? = nil, amount: Int = 1_000,
                        rule: PaymentsCalendar.RuleRef? = nil, first invoice: String = "I-1", at created: String = "2026-11-30T10:00:00Z") -> PaymentsCalendar.Payment {
        .init(id: id, state: state, payOn: day.map { today.adding(days: $0) }, job: job, amount: amount, methodDescription: "CARD ENDING IN 4242",
              rule: rule, lines: [.init(id: invoice, amount: amount)], createdAt: created)
    }

    @Test("scheduled on their day, waiting on today; pending, processed, rejected, deleted and past days are not on it")
    func placement() {
        let payments = [Self.payment("S1", .scheduled, on: 3), Self.payment("W1", .waiting, on: 0), Self.payment("P1", .pending, on: nil),
                        Self.payment("X1", .processed, on: 5), Self.payment("R1", .rejected, on: 5), Self.payment("D1", .deleted, on: 5),
                        Self.payment("S0", .scheduled, on: -1), Self.payment("A1", .scheduled, on: 3, rule: .init(id: "R7", position: 2))]
        let entries = PaymentsCalendar.entries(payments, today: Self.today, job: nil)
        #expect(entries.map(\.payment.id).sorted() == ["A1", "S1", "W1"])
        #expect(entries.first { $0.payment.id == "W1" }?.date == Self.today)
        #expect(entries.first { $0.payment.id == "A1" }?.kind == .autopay, "a payment a rule made is autopay")
        let days = PaymentsCalendar.month(year: 2026, month: 12, entries: entries)
        #expect(days.map(\.date.description) == ["2026-12-02", "2026-12-05"])
        #expect(days[1].scheduled.count == 1 && days[1].scheduled.total == 1_000 && days[1].autopay.count == 1)
        #expect(PaymentsCalendar.month(year: 2027, month: 1, entries: entries).isEmpty)
    }

    @Test("with a job: that job's payments only; without: the whole account's")
    func jobScope() {
        let payments = [Self.payment("J1", .scheduled, on: 1, job: 1), Self.payment("J2", .scheduled, on: 1, job: 2),
                        Self.payment("ALL", .scheduled, on: 1, job: nil)]
        #expect(PaymentsCalendar.entries(payments, today: Self.today, job: 2).map(\.payment.id) == ["J2"])
        #expect(PaymentsCalendar.entries(payments, today: Self.today, job: nil).count == 3)
    }

    @Test("a day: scheduled first by when they were made, then autopay by rule position and invoice-number order")
    func dayOrder() {
        let payments = [Self.payment("A-late", .scheduled, on: 4, rule: .init(id: "R2", position: 2), first: "I-9"),
                        Self.payment("S-new", .scheduled, on: 4, at: "2026-12-01T09:00:00Z"),
                        Self.payment("A-100", .scheduled, on: 4, rule: .init(id: "R1", position: 1), first: "I-100"),
                        Self.payment("S-old", .scheduled, on: 4, at: "2026-11-01T09:00:00Z"),
                        Self.payment("A-20", .scheduled, on: 4, rule: .init(id: "R1", position: 1), first: "I-20")]
        let entries = PaymentsCalendar.entries(payments, today: Self.today, job: nil)
        let numbers = ["I-100": "100", "I-20": "20", "I-9": "9"]
        let (day, ordered) = PaymentsCalendar.day(Self.today.adding(days: 4), entries: entries, numbers: numbers)
        #expect(ordered.map(\.payment.id) == ["S-old", "S-new", "A-20", "A-100", "A-late"], "20 before 100: invoice-number order, not text order")
        #expect(day.scheduled.count == 2 && day.autopay.count == 3 && day.autopay.total == 3_000)
        let (empty, none) = PaymentsCalendar.day(Self.today.adding(days: 9), entries: entries)
        #expect(none.isEmpty && empty.scheduled.count == 0 && empty.autopay.total == 0)
    }
}
