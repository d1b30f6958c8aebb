import Foundation
import Testing
import KioskCore
import KioskFixtures

/// The current statement built on request (DOMAIN.md "Statements, credits, history"), over the
/// demo data as of 2026-11-20 (its newest statements were issued at the end of October).
@Suite("Figures: the current statement")
struct CurrentStatementTests {
    static let today = LocalDate("2026-11-20")!
    static let document = DemoStore.document(today: today, now: Instant("2026-11-20T18:00:00Z")!)
    static func account(_ number: String) -> Account { document.accounts.first { $0.number == number }! }
    static func branch(_ a: Account) -> Branch { document.branches.first { $0.id == a.branch }! }

    @Test("aging buckets: current until due, then 1–30, 31–60, 61–90, over 90")
    func buckets() {
        #expect([0, -5, 1, 30, 31, 60, 61, 90, 91, 400].map { AgingBucket(daysPastDue: $0).rawValue }
                == ["current", "current", "1_30", "1_30", "31_60", "31_60", "61_90", "61_90", "over_90", "over_90"])
    }

    @Test("amount due is the sum of the buckets less credits, and equals the balances' total, for every demo account and scope")
    func amountDueIsTotal() throws {
        for a in Self.document.accounts {
            for job in [nil] + a.jobs.map(\.number) {
                let scope = try Figures.scope(for: a, job: job)
                let s = Figures.currentStatement(a, scope: scope, branch: Self.branch(a), today: Self.today)
                #expect(s.amountDue == Figures.balances(a, scope: scope).total, "\(a.number) job \(String(describing: job))")
                #expect(s.aging.values.reduce(0, +) == s.items.reduce(0) { $0 + $1.item.openAmount })
                #expect(s.items.allSatisfy { $0.item.kind.isCharge && $0.item.openAmount > 0 })
            }
        }
    }

    @Test("1001's open charges aged from their due dates, in the pay order")
    func agedItems() throws {
        let a = Self.account("1001")
        let s = Figures.currentStatement(a, scope: try Figures.scope(for: a, job: nil), branch: Self.branch(a), today: Self.today)
        let byID = Dictionary(uniqueKeysWithValues: s.items.map { ($0.item.id, $0) })
        #expect(byID["I-1001-1"]?.daysPastDue == 45 && byID["I-1001-1"]?.bucket == .days31to60)
        #expect(byID["I-1001-2"]?.daysPastDue == 10 && byID["I-1001-2"]?.bucket == .days1to30)
        #expect(byID["I-1001-3"]?.daysPastDue == 0 && byID["I-1001-3"]?.bucket == .current)
        #expect(byID["I-1001-6"]?.bucket == .days1to30, "the finance charge is aged too")
        #expect(byID["I-1001-0"] == nil, "a closed invoice is not an open charge")
        #expect(s.items.first?.item.id == "I-1001-1", "the most urgent first, as items.open")
    }

    @Test("activity since the newest statement: charges, credits and payments after its day, payment items not twice")
    func activitySinceLastStatement() throws {
        let a = Self.account("1001")
        let s = Figures.currentStatement(a, scope: try Figures.scope(for: a, job: nil), branch: Self.branch(a), today: Self.today)
        #expect(s.lastStatement?.number == "S-1001-202610-J1" || s.lastStatement?.number == "S-1001-202610-J2")
        #expect(s.activity.map(\.id) == ["I-1001-4", "I-1001-5", "CM-1001-1", "CM-1001-2", "P-1001-3", "I-1001-7", "DA-1001-1"])
        #expect(s.charges == 121_210 && s.credits == 35_000 && s.payments == 10_000)
        #expect(!s.activity.contains { $0.id == "PMT-1001-3" }, "the unapplied part of P-1001-3 is not listed again")

        let job2 = Figures.currentStatement(a, scope: try Figures.scope(for: a, job: 2), branch: Self.branch(a), today: Self.today)
        #expect(job2.lastStatement?.number == "S-1001-202610-J2")
        #expect(job2.activity.map(\.id) == ["I-1001-4", "CM-1001-1", "I-1001-7"])
    }

    @Test("a payment processed at the kiosk is listed as a payment; with no statement, everything through today")
    func kioskPaymentAndNoStatement() throws {
        var a = Self.account("3001")
        a.statements = []
        a.items.append(Item(id: PaymentCommitment.kioskCreditID("P123"), kind: .payment, number: "P123", date: Self.today,
                            amount: 5_000, openAmount: 5_000))
        a.items.append(Item(id: "I-LATER", kind: .invoice, number: "99999", date: Self.today.adding(days: 1), amount: 1, openAmount: 1))
        let s = Figures.currentStatement(a, scope: try Figures.scope(for: a, job: nil), branch: Self.branch(a), today: Self.today)
        #expect(s.lastStatement == nil)
        #expect(s.activity.contains { $0.id == "P123" && $0.kind == "payment" && $0.amount == 5_000 })
        #expect(!s.activity.contains { $0.id == "I-LATER" }, "nothing after today")
        #expect(s.activity.count == a.items.filter { $0.kind != .payment && $0.date <= Self.today }.count + a.payments.count + 1)
    }
}
