import Foundation
import Testing
@testable import KioskClient
import KioskProtocol

@Suite struct MoneyFormatTests {
    @Test(arguments: [
        (0, "$0.00"), (5, "$0.05"), (99, "$0.99"), (100, "$1.00"), (123_456, "$1,234.56"),
        (-1_200, "-$12.00"), (-5, "-$0.05"), (123_456_789, "$1,234,567.89"), (100_000_000, "$1,000,000.00"),
    ])
    func usd(minor: Int, expected: String) {
        #expect(MoneyFormat.format(minor, currency: "USD") == expected)
    }

    @Test func otherCurrenciesPutTheCodeAfter() {
        #expect(MoneyFormat.format(123_456, currency: "EUR") == "1,234.56 EUR")
        #expect(MoneyFormat.format(-99, currency: "CAD") == "-0.99 CAD")
        #expect(MoneyFormat.format(0, currency: "GBP") == "0.00 GBP")
        #expect(MoneyFormat.format(1_234_567, currency: "JPY") == "1,234,567 JPY")
        #expect(MoneyFormat.format(1_234_567, currency: "KWD") == "1,234.567 KWD")
    }

    @Test func extremesDoNotTrap() {
        #expect(MoneyFormat.format(Int.min, currency: "USD").hasPrefix("-$92,233,720,368,547,758."))
        #expect(MoneyFormat.format(Int.max, currency: "USD") == "$92,233,720,368,547,758.07")
    }
}

@Suite struct AccountReportTests {
    static func info(representative: AccountInfo.Representative? = .init(firstName: "Ann", lastName: "Lee", email: "ann@example.com", cell: "555-0100"),
                     address: [String] = ["12 Oak Rd", "Suite 4"], billing: String = "job",
                     links: AccountInfo.Links = .init(erp: "C-1001", accounting: nil, gateway: "G-77")) -> AccountInfo {
        AccountInfo(number: "1001", name: "Pat Doe", company: "Doe Builders", address: address, city: "Springfield",
                    region: "IL", postalCode: "62701", country: "US", phone: "555-0101", receivablesType: "open_item",
                    billingType: billing,
                    jobs: billing == "job" ? [.init(number: 0, name: "Master"), .init(number: 1, name: "Smith remodel")] : [],
                    representative: representative, links: links, branch: "B1", currency: "USD")
    }

    static func balances(scope: String = "consolidated", job: Int? = nil) -> BalancesResult {
        BalancesResult(scope: scope, job: job, creditLimit: 500_000, creditAvailable: 123_456, outstanding: 250_000,
                       credits: 10_000, amountDue: 240_000, newCharges: 5_000, total: 245_000, currency: "USD")
    }

    static let summary = SummaryResult(totalBalance: 250_000, totalPastDue: 100_000,
                                       oldestInvoice: .init(number: "10023", date: "2026-10-01"), invoiceCount: 2, currency: "USD")
    static let activity = ActivityResult(lastChargeDate: nil, lastSaleDate: "2026-11-02", lastPaymentDate: "2026-10-15",
                                         lastPaymentAmount: 5_000, ytdSales: 1_234_567, mtdSales: 0, priorMonthSales: 100,
                                         priorYearSales: -500, currency: "USD")
    static func openItems(required: Bool = true, invoices: [OpenItemsResult.Invoice]? = nil) -> OpenItemsResult {
        OpenItemsResult(invoices: invoices ?? [
            .init(id: "I-1", number: "10023", job: 1, date: "2026-10-01", dueDate: "2026-10-31", poNumber: "PO-7",
                  amount: 10_000, openAmount: 10_000, amountDue: 8_000, pastDue: true),
            .init(id: "I-2", number: "10024", job: 0, date: "2026-11-01", dueDate: "2026-12-01", poNumber: nil,
                  amount: 150_000, openAmount: 150_000, amountDue: 150_000, pastDue: false),
        ], financeCharges: 1_200, financeChargesRequired: required, currency: "USD")
    }

    static func report(_ account: AccountInfo = info(), balances: BalancesResult = balances(),
                       openItems: OpenItemsResult = openItems()) -> AccountReport {
        AccountReport(account: account, balances: balances, summary: summary, activity: activity, openItems: openItems)
    }

    func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The lines of the "Open items" section.
    func openItemLines(_ report: AccountReport) -> [String] {
        let all = lines(report.render())
        guard let start = all.firstIndex(of: "Open items") else { return [] }
        return Array(all[start...])
    }

    @Test func sectionsAppearInOrder() {
        let text = Self.report().render()
        let headings = ["Account", "Representative", "Links", "Balances — All jobs (consolidated)", "Summary", "Activity", "Open items"]
        let positions = headings.map { heading in lines(text).firstIndex(of: heading) }
        #expect(!positions.contains(nil))
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted())
        #expect(text.hasSuffix("\n"))
    }

    @Test func representativePanelShownWithItsContactLines() {
        let text = Self.report().render()
        #expect(text.contains("Representative\n"))
        #expect(text.contains("Ann Lee"))
        #expect(text.contains("Email  ann@example.com"))
        #expect(text.contains("Cell   555-0100"))
    }

    @Test func representativePanelHiddenWithoutAssignedUser() {
        let text = Self.report(Self.info(representative: nil)).render()
        #expect(!text.contains("Representative"))
    }

    @Test func emailAndCellHiddenWhenNotSet() {
        let text = Self.report(Self.info(representative: .init(firstName: "Rosa", lastName: "Delgado", email: nil, cell: "555-0187"))).render()
        #expect(text.contains("Rosa Delgado"))
        #expect(!text.contains("Email"))
        #expect(text.contains("555-0187"))
        let noCell = Self.report(Self.info(representative: .init(firstName: "Rosa", lastName: "Delgado", email: "", cell: nil))).render()
        #expect(!noCell.contains("Email"))
        #expect(!noCell.contains("Cell"))
    }

    @Test func addressShowsOnlyUsedLines() {
        let report = Self.report(Self.info(address: ["12 Oak Rd", "  "]))
        #expect(report.addressLines() == ["12 Oak Rd", "Springfield, IL 62701", "US"])
        let two = Self.report(Self.info(address: ["12 Oak Rd", "Suite 4"]))
        #expect(two.addressLines() == ["12 Oak Rd", "Suite 4", "Springfield, IL 62701", "US"])
        let text = two.render()
        #expect(text.contains("  Address      12 Oak Rd\n               Suite 4\n"))
    }

    @Test func missingLinksAreShownAsNotLinked() {
        let text = Self.report(Self.info(links: .init(erp: "C-1", accounting: nil, gateway: nil))).render()
        #expect(text.contains("Accounting customer  not linked"))
        #expect(text.contains("Payment gateway      not linked"))
        #expect(text.contains("C-1"))
    }

    @Test func scopeLabels() {
        #expect(Self.report(balances: Self.balances(scope: "consolidated")).scopeLabel == "All jobs (consolidated)")
        #expect(Self.report(balances: Self.balances(scope: "job", job: 1)).scopeLabel == "Job 1 — Smith remodel")
        #expect(Self.report(balances: Self.balances(scope: "job", job: 0)).scopeLabel == "Job 0 — Master")
        #expect(Self.report(balances: Self.balances(scope: "job", job: 7)).scopeLabel == "Job 7")
        #expect(Self.report(Self.info(billing: "account"), balances: Self.balances(scope: "account")).scopeLabel == "Account")
        #expect(Self.report(balances: Self.balances(scope: "job", job: 1)).render().contains("Balances — Job 1 — Smith remodel\n"))
    }

    @Test func balancesShowCreditsNegativeAndAccountWideCredit() {
        let text = Self.report().render()
        #expect(text.contains("Credits            -$100.00"))
        #expect(text.contains("Credit limit      $5,000.00"))
        #expect(text.contains("Credit available  $1,234.56"))
        let job = Self.report(balances: Self.balances(scope: "job", job: 1)).render()
        #expect(job.contains("Credit limit      $5,000.00  (whole account)"))
        #expect(job.contains("Credit available  $1,234.56  (whole account)"))
    }

    @Test func activityShowsNoneForMissingDates() {
        let text = Self.report().render()
        #expect(text.contains("Last charge       none"))
        #expect(text.contains("Last payment      2026-10-15, $50.00"))
        #expect(text.contains("Sales last year   -$5.00"))
    }

    @Test func pastDueInvoicesAreMarked() {
        let rows = openItemLines(Self.report())
        let late = rows.first { $0.contains("10023") }
        let current = rows.first { $0.contains("10024") }
        #expect(late?.hasSuffix("PAST DUE") == true)
        #expect(current?.contains("PAST DUE") == false)
        #expect(current?.hasSuffix(" ") == false)
        #expect(rows.contains { $0.contains("Number") && $0.contains("Amount due") && $0.contains("PO") })
    }

    @Test func financeChargesLine() {
        #expect(Self.report().render().contains("Finance charges: $12.00 (must be paid first)"))
        let optional = Self.report(openItems: Self.openItems(required: false)).render()
        #expect(optional.contains("Finance charges: $12.00\n"))
        let none = Self.report(openItems: OpenItemsResult(invoices: [], financeCharges: 0, financeChargesRequired: false, currency: "USD")).render()
        #expect(none.contains("No open invoices."))
        #expect(none.contains("Finance charges: none"))
    }

    @Test func jobColumnOnlyWhenConsolidatingJobs() {
        let consolidated = openItemLines(Self.report()).first { $0.contains("Number") } ?? ""
        #expect(consolidated.contains("Job"))
        let oneJob = openItemLines(Self.report(balances: Self.balances(scope: "job", job: 1))).first { $0.contains("Number") } ?? ""
        #expect(oneJob.contains("Due"))
        #expect(!oneJob.contains("Job"))
    }
}

@Suite struct JSONTextTests {
    @Test func compactKeepsStringsAndDropsLayout() throws {
        let input = Data("\u{FEFF}{\n  \"a\" : \"x y\\n \\\" z\",\n  \"b\": [1, 2]\n}\n".utf8)
        let out = try #require(JSONText.compactObject(input))
        #expect(String(decoding: out, as: UTF8.self) == "{\"a\":\"x y\\n \\\" z\",\"b\":[1,2]}")
    }

    @Test func compactRejectsNonObjects() {
        #expect(JSONText.compactObject(Data("[1]".utf8)) == nil)
        #expect(JSONText.compactObject(Data("{x".utf8)) == nil)
        #expect(JSONText.compactObject(Data([0xFF, 0xFE])) == nil)
    }

    @Test func findsTheResultMemberVerbatim() {
        let line = Array(#"{"jsonrpc":"2.0","id":3,"x":{"result":1},"result": {"a": [1, {"b":"}"}], "c": null} }"#.utf8)
        let range = JSONText.memberValueRange("result", in: line)
        #expect(range.map { String(decoding: line[$0], as: UTF8.self) } == #"{"a": [1, {"b":"}"}], "c": null}"#)
        #expect(JSONText.memberValueRange("missing", in: line) == nil)
        let scalar = Array(#"{"id":1,"result":true}"#.utf8)
        #expect(JSONText.memberValueRange("result", in: scalar).map { String(decoding: scalar[$0], as: UTF8.self) } == "true")
    }
}

@Suite struct ClientErrorTests {
    @Test func sentences() {
        #expect(ClientError.daemonNotRunning(socketPath: "/run/kioskd/kioskd.sock").description
                == "kioskd is not running or the socket path is wrong: /run/kioskd/kioskd.sock (start it with `systemctl start kioskd`, or pass --socket)")
        #expect(ClientError.permissionDenied(socketPath: "/s").description
                == "permission denied on /s: the socket is for group kiosk; add your user to group kiosk and to kiosk-manager (managers) or kiosk-tech (technicians), then log in again")
        #expect(ClientError.server(.app(.notFound, "There is no account 9.")).description == "There is no account 9.")
        #expect(ClientError.connectionClosed(daemonMessage: "no role").description.hasSuffix("no role"))
    }

    @Test func connectFailuresAreClassified() {
        let missing = KioskClient.connectionError(errno: ENOENT, socketPath: "/x")
        #expect(missing == .daemonNotRunning(socketPath: "/x"))
        let denied = KioskClient.connectionError(errno: EACCES, socketPath: "/x")
        #expect(denied == .permissionDenied(socketPath: "/x"))
        #expect(KioskClient.connectionError(errno: ECONNREFUSED, socketPath: "/x") == .daemonNotRunning(socketPath: "/x"))
    }
}
