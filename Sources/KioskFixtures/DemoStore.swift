import Foundation
import KioskCore

/// A realistic lumber-yard data set for demos, screenshots and tests: two branches, three
/// store users, two profiles and four accounts covering each billing and receivables type.
///
/// Every date is relative to `today`, so the demo always has past-due invoices, this month's
/// sales and last year's. PIN hashes are real PBKDF2-SHA256 strings (210,000 iterations,
/// fixed salts) computed once; ``logins`` lists the clear PINs they were made from.
/// **Demo only**: these PINs are public; never load this document on a kiosk with real data.
public enum DemoStore {
    /// The clear demo PINs, one per contact that may sign in (the revoked contact is left out).
    public static let logins: [(account: String, contact: String, pin: String)] = [
        ("1001", "C-1001-1", "4821"),
        ("1001", "C-1001-2", "7360"),
        ("2001", "C-2001-1", "2468"),
        ("3001", "C-3001-1", "1357"),
        ("4001", "C-4001-1", "9012"),
    ]

    /// `$pbkdf2-sha256$i=210000$SALT$KEY` for each demo contact, computed with Python's
    /// `hashlib.pbkdf2_hmac('sha256', pin, salt, 210000)` (salt: 16 fixed bytes).
    static let pinHashes: [String: String] = [
        "C-1001-1": "$pbkdf2-sha256$i=210000$im3gFUJvKTGhG85V+srMQg$0c/qA1UIctObfZ67VaMXTxpjZYHpV8VzfRsoR/H1BFU",
        "C-1001-2": "$pbkdf2-sha256$i=210000$wxFZm2Za7TFxjihMsxR7vw$Roh3H5YxQUPKH2E1c8A/FP5eSghXaoP9mWa7hOzr2Js",
        "C-2001-1": "$pbkdf2-sha256$i=210000$ZUPAbx5bLTmWScN7yWfODA$pwlUUUu0uK+HLq0HgV7hXFHyNoxT41YKCK3/bUpFVj8",
        "C-3001-1": "$pbkdf2-sha256$i=210000$huF00AIe+jMitEuszRBp8Q$3H5jRWIhepNiEoc3M5hNk4NCGyNAMLdqvaS61bhp8Mo",
        "C-4001-1": "$pbkdf2-sha256$i=210000$1e4YWV0txQSDn1Z6Q2SQqA$pF5YtVXj0S3/v5VYFgDgb7s2WLTuv/kNBRELbYi34jM",
        // Revoked contact (PIN 5555): signing in must fail even with the right PIN.
        "C-4001-2": "$pbkdf2-sha256$i=210000$1RcfRie5lF3AsLTlqRfQJg$knQ+bZKuEOqwe7xo2Z4sS+csdLif+EVWk4Y5Iw1djiw",
    ]

    /// The demo branches' time zone: "today" for the demo is the day there.
    public static let timeZoneIdentifier = "America/Chicago"

    /// The day `kioskd --demo` dates the demo store by at `instant` (and tests expect).
    public static func today(at instant: Date) -> LocalDate {
        LocalDate(instant: instant, in: TimeZone(identifier: timeZoneIdentifier)!)
    }

    /// The whole demo as one sync document (`as_of` is `now`).
    public static func document(today: LocalDate, now: Instant) -> SyncDocument {
        SyncDocument(
            asOf: now, currency: "USD", receivablesManager: "U2",
            branches: [
                Branch(id: "B1", name: "Main St Lumber", timeZone: timeZoneIdentifier, acceptOnlinePayments: true,
                       payFinanceChargesFirst: true,
                       terms: "I authorize Main St Lumber to charge the payment method shown for the amount shown, "
                           + "applied to the invoices I selected. Payments received after 5 p.m. Central post the next "
                           + "business day. Returned payments are subject to a $25.00 fee.",
                       notifyEmail: "ar@mainstlumber.example", notifyUser: "U2"),
                Branch(id: "B2", name: "Riverside Yard", timeZone: timeZoneIdentifier, acceptOnlinePayments: true,
                       payFinanceChargesFirst: false, terms: nil, notifyEmail: "riverside@mainstlumber.example",
                       notifyUser: "U3"),
            ],
            users: [
                StoreUser(id: "U1", firstName: "Ann", lastName: "Lee", email: "ann.lee@mainstlumber.example",
                          cell: "312-555-0141", notify: [.queue, .email, .text]),
                StoreUser(id: "U2", firstName: "Marcus", lastName: "Webb", email: "marcus.webb@mainstlumber.example",
                          cell: nil, notify: [.queue, .email]),
                StoreUser(id: "U3", firstName: "Rosa", lastName: "Delgado", email: nil, cell: "312-555-0187",
                          notify: [.text]),
            ],
            profiles: [
                Profile(id: "full", name: "Full access", permissions: Permission.allCases),
                Profile(id: "view", name: "View only",
                        permissions: [.viewBalances, .viewOpenItems, .viewCredits, .viewStatements, .viewHistory]),
            ],
            accounts: [
                smithBuilders(today), harborFarm(today), lakesideCabinet(today), greenwayHomes(today),
            ].map(printed))
    }

    // MARK: - Accounts

    /// 1001: open item, billed by job (0 Master, 1 Smith remodel, 2 Oak St duplex).
    static func smithBuilders(_ t: LocalDate) -> Account {
        func d(_ n: Int) -> LocalDate { t.adding(days: n) }
        return Account(
            number: "1001", name: "Pat Doe", company: "Doe Builders LLC", address: ["1420 W Fulton St", "Suite 200"],
            city: "Chicago", region: "IL", postalCode: "60607", country: "US", phone: "312-555-0101", branch: "B1",
            creditLimit: 2_500_000, pendingTransactions: 184_000, receivablesType: .openItem, billingType: .job,
            assignedUser: "U1", links: AccountLinks(erp: "C-1001", accounting: "QB-88412", gateway: "GW-1001"),
            jobs: [Job(number: 0, name: "Master"), Job(number: 1, name: "Smith remodel"), Job(number: 2, name: "Oak St duplex")],
            contacts: [
                Contact(id: "C-1001-1", name: "Pat Doe", email: "pat@doebuilders.example", profile: "full", pinHash: pinHashes["C-1001-1"]),
                Contact(id: "C-1001-2", name: "Jamie Doe", email: nil, profile: "view", pinHash: pinHashes["C-1001-2"]),
            ],
            items: [
                Item(id: "I-1001-0", kind: .invoice, number: "39980", job: 1, date: d(-120), dueDate: d(-90), poNumber: "SMITH-DEMO", amount: 210_000, openAmount: 0),
                Item(id: "I-1001-1", kind: .invoice, number: "40117", job: 1, date: d(-75), dueDate: d(-45), poNumber: "SMITH-FRAMING", amount: 482_350, openAmount: 482_350),
                Item(id: "I-1001-2", kind: .invoice, number: "40188", job: 1, date: d(-40), dueDate: d(-10), poNumber: "SMITH-ROOF", amount: 126_540, openAmount: 76_540),
                Item(id: "I-1001-3", kind: .invoice, number: "40231", job: 2, date: d(-20), dueDate: d(10), poNumber: "OAK-DECK", amount: 93_275, openAmount: 93_275),
                Item(id: "I-1001-4", kind: .invoice, number: "40235", job: 2, date: d(-18), dueDate: d(12), poNumber: "OAK-TRIM", amount: 15_000, openAmount: 15_000),
                Item(id: "I-1001-5", kind: .invoice, number: "40240", job: 0, date: d(-15), dueDate: d(15), amount: 64_800, openAmount: 64_800),
                Item(id: "I-1001-6", kind: .financeCharge, number: "FC-2291", job: 1, date: d(-30), dueDate: d(-30), amount: 7_235, openAmount: 7_235),
                // Returned trim, covering invoice 40235 entirely; a damaged-sheathing credit covering part of 40240.
                Item(id: "CM-1001-1", kind: .creditMemo, number: "CM-7710", job: 2, date: d(-12), amount: 15_000, openAmount: 15_000, linkedInvoice: "I-1001-4"),
                Item(id: "CM-1001-2", kind: .creditMemo, number: "CM-7724", job: 0, date: d(-9), amount: 20_000, openAmount: 20_000, linkedInvoice: "I-1001-5"),
                Item(id: "PMT-1001-3", kind: .payment, number: "CHK-5521", job: 0, date: d(-6), amount: 10_000, openAmount: 10_000),
                // New charges: not on a statement yet.
                Item(id: "I-1001-7", kind: .invoice, number: "40262", job: 2, date: d(-3), dueDate: d(27), poNumber: "OAK-WINDOWS", amount: 38_910, openAmount: 38_910, billed: false),
                Item(id: "DA-1001-1", kind: .debitAdjustment, number: "DA-310", job: 0, date: d(-2), dueDate: d(28), amount: 2_500, openAmount: 2_500, billed: false),
            ],
            sales: sales(t, seed: 1, jobs: [0, 1, 2], base: 48_000),
            payments: [
                ProcessedPayment(id: "P-1001-1", job: 1, date: d(-85), amount: 210_000, method: "check", applied: [.init(item: "I-1001-0", amount: 210_000)]),
                ProcessedPayment(id: "P-1001-2", job: 1, date: d(-25), amount: 50_000, method: "card", applied: [.init(item: "I-1001-2", amount: 50_000)]),
                ProcessedPayment(id: "P-1001-3", job: 0, date: d(-6), amount: 10_000, method: "check", applied: []),
            ],
            cardsOnFile: [
                CardOnFile(id: "K-1001-1", description: "CARD ENDING IN 4242", token: "demo-vault-1001-a", brand: "visa", last4: "4242", expiry: "\(t.year + 2)-08"),
                CardOnFile(id: "K-1001-2", job: 2, description: "Pat's Oak St Amex", token: "demo-vault-1001-b", brand: "amex", last4: "1005", expiry: "\(t.year + 1)-03"),
            ],
            statements: statements("1001", t, jobs: [1, 2]))
    }

    /// 2001: balance forward, billed by account, at the branch without terms.
    static func harborFarm(_ t: LocalDate) -> Account {
        func d(_ n: Int) -> LocalDate { t.adding(days: n) }
        return Account(
            number: "2001", name: "Luis Ortega", company: "Harbor Farm Supply", address: ["88 County Rd 9", ""],
            city: "Joliet", region: "IL", postalCode: "60431", country: "US", phone: "815-555-0122", branch: "B2",
            creditLimit: 750_000, pendingTransactions: 0, receivablesType: .balanceForward, billingType: .account,
            assignedUser: "U3", links: AccountLinks(erp: "C-2001", accounting: nil, gateway: "GW-2001"),
            contacts: [Contact(id: "C-2001-1", name: "Luis Ortega", email: "luis@harborfarm.example", profile: "full", pinHash: pinHashes["C-2001-1"])],
            items: [
                Item(id: "I-2001-0", kind: .invoice, number: "50940", date: d(-95), dueDate: d(-65), amount: 90_000, openAmount: 0),
                Item(id: "I-2001-1", kind: .invoice, number: "51002", date: d(-62), dueDate: d(-32), amount: 118_420, openAmount: 118_420),
                Item(id: "I-2001-2", kind: .invoice, number: "51077", date: d(-33), dueDate: d(-3), amount: 64_150, openAmount: 31_150),
                Item(id: "I-2001-3", kind: .financeCharge, number: "FC-2310", date: d(-31), dueDate: d(-31), amount: 1_776, openAmount: 1_776),
                Item(id: "CA-2001-1", kind: .creditAdjustment, number: "CA-118", date: d(-20), amount: 4_500, openAmount: 4_500),
                Item(id: "I-2001-4", kind: .invoice, number: "51140", date: d(-4), dueDate: d(26), amount: 22_980, openAmount: 22_980, billed: false),
            ],
            sales: sales(t, seed: 2, jobs: [nil], base: 21_000),
            payments: [
                ProcessedPayment(id: "P-2001-1", date: d(-48), amount: 90_000, method: "check", applied: [.init(item: "I-2001-0", amount: 90_000)]),
                ProcessedPayment(id: "P-2001-2", date: d(-14), amount: 33_000, method: "cash", applied: [.init(item: "I-2001-2", amount: 33_000)]),
            ],
            cardsOnFile: [CardOnFile(id: "K-2001-1", description: "CARD ENDING IN 4444", token: "demo-vault-2001-a", brand: "mastercard", last4: "4444", expiry: "\(t.year + 3)-11")],
            statements: statements("2001", t, jobs: [nil]))
    }

    /// 3001: open item, billed by account, no representative, no gateway link (so no cards).
    static func lakesideCabinet(_ t: LocalDate) -> Account {
        func d(_ n: Int) -> LocalDate { t.adding(days: n) }
        return Account(
            number: "3001", name: "Dana Kim", company: "Lakeside Cabinet Co.", address: ["301 Lake St"],
            city: "Evanston", region: "IL", postalCode: "60201", country: "US", phone: nil, branch: "B1",
            creditLimit: 300_000, pendingTransactions: 12_500, receivablesType: .openItem, billingType: .account,
            assignedUser: nil, links: AccountLinks(erp: "C-3001", accounting: "QB-90017", gateway: nil),
            contacts: [Contact(id: "C-3001-1", name: "Dana Kim", email: "dana@lakesidecabinet.example", profile: "full", pinHash: pinHashes["C-3001-1"])],
            items: [
                Item(id: "I-3001-0", kind: .invoice, number: "39912", date: d(-70), dueDate: d(-40), poNumber: "LK-0398", amount: 18_800, openAmount: 0),
                Item(id: "I-3001-1", kind: .invoice, number: "40190", date: d(-50), dueDate: d(-20), poNumber: "LK-0412", amount: 27_615, openAmount: 27_615),
                Item(id: "I-3001-2", kind: .invoice, number: "40252", date: d(-8), dueDate: d(22), poNumber: "LK-0431", amount: 41_090, openAmount: 41_090),
                Item(id: "CM-3001-1", kind: .creditMemo, number: "CM-7731", date: d(-5), amount: 3_200, openAmount: 3_200),
            ],
            sales: sales(t, seed: 3, jobs: [nil], base: 12_000),
            payments: [ProcessedPayment(id: "P-3001-1", date: d(-36), amount: 18_800, method: "check", applied: [.init(item: "I-3001-0", amount: 18_800)])],
            statements: statements("3001", t, jobs: [nil]))
    }

    /// 4001: billed by job with only the master job (behaves as job 0 selected).
    static func greenwayHomes(_ t: LocalDate) -> Account {
        func d(_ n: Int) -> LocalDate { t.adding(days: n) }
        return Account(
            number: "4001", name: "Sam Patel", company: "Greenway Homes", address: ["9 Prairie Ave", "Unit B"],
            city: "Naperville", region: "IL", postalCode: "60540", country: "US", phone: "630-555-0199", branch: "B2",
            creditLimit: 1_000_000, pendingTransactions: 45_000, receivablesType: .openItem, billingType: .job,
            assignedUser: "U2", links: AccountLinks(erp: "C-4001", accounting: "QB-90233", gateway: "GW-4001"),
            jobs: [Job(number: 0, name: "Master")],
            contacts: [
                Contact(id: "C-4001-1", name: "Sam Patel", email: "sam@greenwayhomes.example", profile: "full", pinHash: pinHashes["C-4001-1"]),
                Contact(id: "C-4001-2", name: "Former Buyer", email: nil, profile: "view", revoked: true, pinHash: pinHashes["C-4001-2"]),
            ],
            items: [
                Item(id: "I-4001-0", kind: .invoice, number: "51960", job: 0, date: d(-60), dueDate: d(-30), poNumber: "GW-70", amount: 120_000, openAmount: 0),
                Item(id: "I-4001-1", kind: .invoice, number: "52011", job: 0, date: d(-44), dueDate: d(-14), poNumber: "GW-77", amount: 156_300, openAmount: 156_300),
                Item(id: "I-4001-2", kind: .invoice, number: "52045", job: 0, date: d(-11), dueDate: d(19), poNumber: "GW-81", amount: 88_725, openAmount: 88_725),
                Item(id: "I-4001-3", kind: .financeCharge, number: "FC-2344", job: 0, date: d(-30), dueDate: d(-30), amount: 2_344, openAmount: 2_344),
            ],
            sales: sales(t, seed: 4, jobs: [0], base: 36_000),
            payments: [ProcessedPayment(id: "P-4001-1", job: 0, date: d(-28), amount: 120_000, method: "card", applied: [.init(item: "I-4001-0", amount: 120_000)])],
            cardsOnFile: [CardOnFile(id: "K-4001-1", description: "Greenway office Visa", token: "demo-vault-4001-a", brand: "visa", last4: "1881", expiry: "\(t.year + 2)-01")],
            statements: statements("4001", t, jobs: [0]))
    }

    // MARK: - Generated history

    /// About 15 months of sales, one every 17 days from today back, plus a few special lines:
    /// charged and cash sales, a gift-card sale, positive and negative adjustments.
    static func sales(_ t: LocalDate, seed: Int, jobs: [Int?], base: Int) -> [Sale] {
        var out = [Sale]()
        var k = 0
        var daysAgo = seed % 3  // some accounts have a sale today
        while daysAgo <= 455 {
            let amount = base + (k * 7_919 + seed * 1_237) % (base / 2)
            let job = jobs[k % jobs.count]
            out.append(Sale(date: t.adding(days: -daysAgo), job: job, kind: .sale, amount: amount,
                            tax: amount * 825 / 10_000, charge: k % 4 != 3, giftCard: false))
            if k % 7 == 5 {
                let correction = k % 2 == 0 ? amount / 10 : -(amount / 8)  // price fix or return
                out.append(Sale(date: t.adding(days: -daysAgo + 1), job: job, kind: .adjustment, amount: correction, tax: 0, charge: true))
            }
            k += 1
            daysAgo += 17
        }
        out.append(Sale(date: t.adding(days: -9), job: jobs[0], kind: .sale, amount: 5_000, tax: 0, charge: false, giftCard: true))
        out.append(Sale(date: t.adding(days: -7), job: jobs[jobs.count - 1], kind: .adjustment, amount: -3_450, tax: 0, charge: true))
        return out
    }

    /// Month-end statements for the last four months (per job on job-billed accounts).
    static func statements(_ account: String, _ t: LocalDate, jobs: [Int?]) -> [Statement] {
        var out = [Statement]()
        var monthEnd = t.firstOfMonth.adding(days: -1)
        for _ in 0..<4 {
            for job in jobs {
                let suffix = job.map { "-J\($0)" } ?? ""
                let number = "S-\(account)-\(monthEnd.year)\(monthEnd.month < 10 ? "0" : "")\(monthEnd.month)\(suffix)"
                out.append(Statement(number: number, issuedAt: instant(monthEnd, hour: 23), job: job))
            }
            monthEnd = monthEnd.firstOfMonth.adding(days: -1)
        }
        return out
    }

    static func instant(_ day: LocalDate, hour: Int) -> Instant {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour))!
        return Instant(date)
    }
}
