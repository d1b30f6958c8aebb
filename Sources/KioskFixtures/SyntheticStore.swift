import Foundation
import KioskCore

/// Large, deterministic sync documents for load tests and benchmarks (not demo data: the
/// names are plain and the figures uninteresting, but every record is valid).
public enum SyntheticStore {
    /// `accounts` accounts with `itemsPerAccount` items each; the same seed gives the same document.
    public static func document(accounts: Int, itemsPerAccount: Int, seed: UInt64 = 1,
                                asOf: Instant = Instant("2026-11-20T12:00:00Z")!) -> SyncDocument {
        var random = SplitMix64(seed: seed)
        let branch = Branch(id: "B1", name: "Main St", timeZone: "America/Chicago", acceptOnlinePayments: true,
                            payFinanceChargesFirst: true)
        let user = StoreUser(id: "U1", firstName: "Ann", lastName: "Lee", email: "ann@example.com", notify: [.queue])
        let profile = Profile(id: "full", name: "Full access", permissions: Permission.allCases)
        let start = LocalDate("2025-01-01")!
        var list = [Account]()
        list.reserveCapacity(accounts)
        for n in 0..<accounts {
            let jobBilled = n % 3 == 0
            let jobs = jobBilled ? [Job(number: 0, name: "Master"), Job(number: 1, name: "Job 1"), Job(number: 2, name: "Job 2")] : []
            func job() -> Int? { jobBilled ? Int(random.next() % 3) : nil }
            var items = [Item]()
            items.reserveCapacity(itemsPerAccount)
            for i in 0..<itemsPerAccount {
                let date = start.adding(days: Int(random.next() % 680))
                let amount = Int(random.next() % 500_000) + 100
                let open = random.next() % 4 == 0 ? 0 : Int(random.next() % UInt64(amount + 1))
                let kinds: [ItemKind] = [.invoice, .invoice, .invoice, .financeCharge, .debitAdjustment, .payment, .creditMemo, .creditAdjustment]
                let kind = kinds[Int(random.next() % UInt64(kinds.count))]
                items.append(Item(id: "I\(n)-\(i)", kind: kind, number: String(100_000 + i), job: job(), date: date,
                                  dueDate: kind.isCharge ? date.adding(days: 30) : nil, poNumber: i % 5 == 0 ? "PO-\(i)" : nil,
                                  amount: amount, openAmount: open, billed: random.next() % 5 != 0))
            }
            let sales = (0..<5).map { _ in
                Sale(date: start.adding(days: Int(random.next() % 680)), job: job(), kind: random.next() % 6 == 0 ? .adjustment : .sale,
                     amount: Int(random.next() % 90_000), tax: Int(random.next() % 7_000), charge: random.next() % 2 == 0,
                     giftCard: random.next() % 20 == 0)
            }
            let payments = (0..<2).map { p in
                ProcessedPayment(id: "P\(n)-\(p)", job: job(), date: start.adding(days: Int(random.next() % 680)),
                                 amount: Int(random.next() % 200_000), method: "check",
                                 applied: [.init(item: "I\(n)-0", amount: 100)])
            }
            list.append(Account(
                number: String(1_000_000 + n), name: "Customer \(n)", company: "Company \(n)", address: ["\(n) Main St"],
                city: "Springfield", region: "IL", postalCode: "62701", country: "US", phone: "555-0100", branch: "B1",
                creditLimit: Int(random.next() % 1_000_000), pendingTransactions: Int(random.next() % 10_000),
                receivablesType: n % 4 == 0 ? .balanceForward : .openItem, billingType: jobBilled ? .job : .account,
                assignedUser: n % 2 == 0 ? "U1" : nil, links: AccountLinks(erp: "C-\(n)"), jobs: jobs,
                contacts: [Contact(id: "C\(n)", name: "Contact \(n)", profile: "full")],
                items: items, sales: sales, payments: payments,
                cardsOnFile: [CardOnFile(id: "K\(n)", description: "CARD ENDING IN 4242", token: "tok-\(n)", brand: "visa",
                                         last4: "4242", expiry: "2029-01")],
                statements: [Statement(number: "S\(n)", issuedAt: asOf)]))
        }
        return SyncDocument(asOf: asOf, currency: "USD", receivablesManager: "U1", branches: [branch], users: [user],
                            profiles: [profile], accounts: list)
    }

    /// The document as compact JSON, as the back office or a technician would send it.
    /// Keys sorted: JSONEncoder otherwise writes an object's members in hash order, which
    /// changes from one process to the next, and a test that edits the text must find its spot.
    public static func json(_ document: SyncDocument) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(document)
    }
}

/// A small, fast, seedable generator (SplitMix64), so fixtures never depend on the system RNG.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
