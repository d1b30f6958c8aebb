import Foundation
import KioskCore
import KioskFixtures
import Testing

/// The paged customer lists (PROTOCOL.md "Paged lists") through a real kioskd: every page
/// read back makes the whole list once, in order; the totals are the whole list's on every
/// page; a call without a page is the first 25; kioskctl pages and says where it is.
@Suite("Paged lists over the socket", .serialized)
struct PagingTests {
    /// Account 1000001 (billed by account, open item) with 300 items, 60 statements and 70
    /// back-office payments: every list spans several pages of 25.
    static let account = "1000001"

    func daemon(_ label: String) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label)
        var document = SyntheticStore.document(accounts: 2, itemsPerAccount: 300)
        let start = LocalDate("2025-01-01")!
        document.accounts[1].statements = (0..<60).map {
            Statement(number: "S-\($0)", issuedAt: Instant("2025-\(String(format: "%02d", $0 % 12 + 1))-\(String(format: "%02d", $0 % 28 + 1))T12:00:00Z")!)
        }
        document.accounts[1].payments = (0..<70).map {
            ProcessedPayment(id: "P-\($0)", job: nil, date: start.adding(days: $0 * 3), amount: 1_000 + $0, method: "check", applied: [])
        }
        let file = daemon.directory + "/paging.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        let applied = try daemon.kioskctl(["sync", "apply", file])
        try #require(applied.status == 0, "\(applied.stderr)")
        return daemon
    }

    /// Every page of `method` (`limit` a page) and the rows of each.
    static func pages(_ client: RawClient, _ method: String, _ params: [String: Any], rows: String, limit: Int) throws -> [[String: Any]] {
        var pages: [[String: Any]] = []
        for page in 0..<1_000 {
            let reply = try client.call(method, params: params.merging(["page": page, "limit": limit]) { $1 }, id: page + 10)
            let result = try #require(reply["result"] as? [String: Any], "\(method) page \(page) → \(reply)")
            pages.append(result)
            if result["more"] as? Bool != true { break }
            #expect((result[rows] as? [Any])?.count == limit, "\(method) page \(page) is not full but has more")
        }
        return pages
    }

    @Test("each paged list: no page is the first 25 with more; every page read makes the whole list once, in order; totals are the whole list's")
    func everyListPages() throws {
        let daemon = try daemon("paging")
        let client = try daemon.client()
        let lists: [(method: String, rows: String, extra: [String: Any])] = [
            ("items.open", "invoices", [:]), ("invoices.list", "invoices", [:]), ("history.list", "payments", [:]),
            ("credits.list", "credits", [:]), ("statements.list", "statements", [:]),
        ]
        for list in lists {
            let params = ["account": Self.account].merging(list.extra) { $1 }
            let first = try client.call(list.method, params: params, id: 1).result
            let count = try #require(first["count"] as? Int, "\(list.method) → \(first)")
            #expect(count > 25, "\(list.method): the fixture must span pages (\(count))")
            #expect((first[list.rows] as? [Any])?.count == 25 && first["more"] as? Bool == true, "\(list.method)")
            #expect(first["page"] as? Int == 0 && first["limit"] as? Int == 25, "\(list.method)")

            // 7 a page: pages that do not divide the list evenly.
            let pages = try Self.pages(client, list.method, params, rows: list.rows, limit: 7)
            let rows = pages.flatMap { $0[list.rows] as? [[String: Any]] ?? [] }
            #expect(pages.count == (count + 6) / 7, "\(list.method): \(pages.count) pages for \(count) rows")
            #expect(rows.count == count, "\(list.method)")
            let ids = rows.map { "\($0["id"] ?? $0["number"] ?? "")" }
            #expect(Set(ids).count == count, "\(list.method): a row is on two pages")
            // The first page of 25 is the first 25 of the list read 7 at a time.
            let firstIDs = (first[list.rows] as? [[String: Any]] ?? []).map { "\($0["id"] ?? $0["number"] ?? "")" }
            #expect(firstIDs == Array(ids.prefix(25)), "\(list.method)")
            // Whole-list members are the same on every page.
            for key in ["count", "total", "open_total", "amount_due_total", "finance_charges"] where first[key] != nil {
                #expect(pages.allSatisfy { "\($0[key] ?? "")" == "\(first[key]!)" }, "\(list.method) \(key) differs between pages")
            }
            // Past the end: an empty page, nothing more.
            let past = try client.call(list.method, params: params.merging(["page": 9_999]) { $1 }, id: 2).result
            #expect((past[list.rows] as? [Any])?.isEmpty == true && past["more"] as? Bool == false && past["count"] as? Int == count)
        }
        // items.open's totals are the sums over the whole list, not the page.
        let all = try Self.pages(client, "items.open", ["account": Self.account], rows: "invoices", limit: 100)
            .flatMap { $0["invoices"] as? [[String: Any]] ?? [] }
        let page = try client.call("items.open", params: ["account": Self.account, "page": 3, "limit": 10], id: 3).result
        #expect(page["open_total"] as? Int == all.reduce(0) { $0 + ($1["open_amount"] as? Int ?? 0) })
        #expect(page["amount_due_total"] as? Int == all.reduce(0) { $0 + ($1["amount_due"] as? Int ?? 0) })
        let credits = try Self.pages(client, "credits.list", ["account": Self.account], rows: "credits", limit: 100)
            .flatMap { $0["credits"] as? [[String: Any]] ?? [] }
        let creditPage = try client.call("credits.list", params: ["account": Self.account, "page": 1], id: 4).result
        #expect(creditPage["total"] as? Int == credits.reduce(0) { $0 + ($1["remaining"] as? Int ?? 0) })
    }

    @Test("kioskctl: a page says where it is and how to see the next; --all reads every page; --json is the reply; bad paging is exit 64")
    func kioskctlPages() throws {
        let daemon = try daemon("paging-ctl")
        let client = try daemon.client()
        let count = try #require(client.call("items.open", params: ["account": Self.account], id: 1).result["count"] as? Int)
        let pages = (count + 24) / 25

        let shown = try daemon.kioskctl(["account", "show", Self.account])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("Page 1 of \(pages) (\(count) open invoices, 25 a page); more: --page 1."), "\(shown.stdout)")
        #expect(shown.stdout.contains("All \(count) open invoices: open "), "\(shown.stdout)")
        let all = try daemon.kioskctl(["account", "show", Self.account, "--all"])
        #expect(all.status == 0 && all.stdout.contains("All \(count) open invoices."), "\(all.stdout)\(all.stderr)")
        #expect(all.stdout.split(separator: "\n").count > shown.stdout.split(separator: "\n").count + count - 30)

        let history = try daemon.kioskctl(["history", "list", Self.account, "--page", "2", "--limit", "10"])
        #expect(history.status == 0 && history.stdout.contains("Page 3 of 7 (70 payments, 10 a page); more: --page 3."),
                "\(history.stdout)\(history.stderr)")
        let last = try daemon.kioskctl(["statement", "list", Self.account, "--page", "2"])
        #expect(last.status == 0 && last.stdout.contains("Page 3 of 3 (60 statements, 25 a page).") && !last.stdout.contains("more:"),
                "\(last.stdout)\(last.stderr)")
        let credits = try daemon.kioskctl(["credits", "list", Self.account])
        #expect(credits.status == 0 && credits.stdout.contains("Open credits: ") && credits.stdout.contains("; more: --page 1."),
                "\(credits.stdout)\(credits.stderr)")

        // --json: the daemon's reply as it is; with --all an array of the replies.
        let json = try daemon.kioskctl(["invoices", "list", Self.account, "--page", "1", "--limit", "30", "--json"])
        let page = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stderr)")
        #expect(page["page"] as? Int == 1 && page["limit"] as? Int == 30 && (page["invoices"] as? [Any])?.count == 30)
        let everything = try daemon.kioskctl(["statement", "list", Self.account, "--all", "--json"])
        let replies = try #require(try JSONSerialization.jsonObject(with: Data(everything.stdout.utf8)) as? [[String: Any]], "\(everything.stderr)")
        #expect(replies.count == 1 && (replies[0]["statements"] as? [Any])?.count == 60 && replies[0]["more"] as? Bool == false)

        for (arguments, words) in [(["history", "list", Self.account, "--page=-1"], "--page must be a page number from 0"),
                                   (["credits", "list", Self.account, "--limit", "0"], "--limit must be from 1 to 100"),
                                   (["invoices", "list", Self.account, "--limit", "500"], "--limit must be from 1 to 100"),
                                   (["account", "show", Self.account, "--all", "--page", "2"], "Give --page or --all, not both"),
                                   (["statement", "list", Self.account, "--page", "next"], "--page")] {
            let refused = try daemon.kioskctl(arguments)
            #expect(refused.status == 64, "\(arguments) → \(refused.status) \(refused.stderr)")
            #expect(refused.stderr.contains(words), "\(arguments) → \(refused.stderr)")
        }
    }
}
