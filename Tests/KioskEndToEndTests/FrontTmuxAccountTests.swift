import Foundation
import KioskCore
import KioskFixtures
import Testing

/// The customer's whole account in the real front (issue 13, items 1–4): the invoice
/// history paged and searched, an invoice with the payments applied to it, a payment's
/// detail from the history, and the statement as of today.
@Suite("kiosk-front account pages in tmux", .serialized)
struct FrontTmuxAccountTests {
    /// The demo store of `day`, with `extra` more paid invoices for Pat's account (1001):
    /// more than a page of invoice history.
    static func demoWithHistory(_ day: LocalDate, extra: Int) -> SyncDocument {
        var document = DemoStore.document(today: day, now: Instant(Date()))
        let index = document.accounts.firstIndex { $0.number == "1001" }!
        document.accounts[index].items += (1...extra).map { n in
            Item(id: "I-OLD-\(n)", kind: .invoice, number: "3\(String(format: "%04d", n))", job: 1,
                 date: day.adding(days: -400 + n), dueDate: day.adding(days: -370 + n), poNumber: "OLD-\(n)",
                 amount: 10_000 + n, openAmount: 0)
        }
        return document
    }

    @Test("invoice history: a page, Load more, search; an invoice shows its applied payment; a payment and today's statement open")
    func accountPages() throws {
        let daemon = try DaemonProcess(label: "front-account", extraArguments: ["--demo"])
        defer { daemon.stop() }
        let day = DemoStore.today(at: Date())
        let file = daemon.directory + "/history.json"
        try SyntheticStore.json(Self.demoWithHistory(day, extra: 30)).write(to: URL(fileURLWithPath: file))
        let applied = try daemon.kioskctl(["sync", "apply", file])
        #expect(applied.status == 0, "\(applied.stderr)")

        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signInAsPat()
        let home = try front.waitFor("Credit available")
        #expect(home.contains("[6] Invoices, open and paid"))
        let total = try #require(home.firstMatch(of: /Total\s+(\$[\d,]+\.\d\d)/)).1

        // 7 demo invoices + 30 paid ones: a page of 25, then the rest.
        try front.keys("6")
        let first = try front.waitFor("[L Load more]")
        #expect(first.contains("40262"), "newest first:\n\(first)")
        try front.saveScreen("invoice-history")
        try front.keys("l")
        try front.waitForGone("[L Load more]")
        try front.keys("PageDown", "PageDown", "PageDown", "PageDown")
        let last = try front.waitFor("30001")
        #expect(last.contains("Paid"), "the oldest invoice, paid:\n\(last)")

        // Search by number: 40188, paid in part by the back office's card payment.
        try front.keys("s")
        try front.type("40188")
        try front.keys("Enter")
        let found = try front.waitFor("SMITH-ROOF")  // the reply, not only the search box
        #expect(!found.contains("40117"))
        try front.keys("Enter")
        let invoice = try front.waitFor("Payments applied")
        #expect(invoice.contains("Invoice 40188") && invoice.contains("SMITH-ROOF"), "\(invoice)")
        #expect(invoice.contains("payment P-1001-2") && invoice.contains("$500.00") && invoice.contains("Card"), "\(invoice)")
        #expect(invoice.contains("Still open") && invoice.contains("$765.40"))
        try front.saveScreen("invoice")
        try front.keys("Escape")
        try front.waitFor("Search:  40188")
        try front.keys("Escape")
        try front.waitFor("[6] Invoices, open and paid")

        // Payment history: the newest row opens to the invoices it paid.
        try front.keys("5")
        try front.waitFor("Enter Details")
        try front.waitFor("Check")
        try front.keys("Enter")
        let payment = try front.waitFor("Applied by the store to")
        #expect(payment.contains("Payment P-1001-3"), "the newest payment (six days ago, a check):\n\(payment)")
        #expect(payment.contains("Not applied to any invoice yet."), "P-1001-3 is unapplied in the demo")
        try front.keys("Escape", "Down", "Down", "Enter")
        let older = try front.waitFor("Payment P-1001-1")
        #expect(older.contains("Invoice 39980") && older.contains("$2,100.00"), "\(older)")
        try front.saveScreen("payment")

        // Statements: today's, built now, adds up to home's Total.
        try front.keys("Escape", "Escape", "3")
        try front.waitFor("[C] Current statement, as of today")
        try front.keys("c")
        let statement = try front.waitFor("Over 90 days")
        #expect(statement.contains("Amount due") && statement.contains(String(total)), "home's Total \(total):\n\(statement)")
        #expect(statement.contains("40117") && statement.contains("days past due"))
        try front.saveScreen("current-statement")
    }
}
