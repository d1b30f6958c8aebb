import Foundation
import Testing
@testable import KioskCore

/// Every malformed document is refused with the first bad path, never a crash.
@Suite("Sync document validation")
struct SyncDocumentTests {
    static let fixture: Data = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sync/store-example.json")
        return try! Data(contentsOf: url)
    }()

    /// Applies `edit` to the fixture's JSON and returns the refusal (or nil when it was accepted).
    func refusal(_ edit: (inout [String: Any]) -> Void) -> SyncDocumentError? {
        var object = try! JSONSerialization.jsonObject(with: Self.fixture) as! [String: Any]
        edit(&object)
        let data = try! JSONSerialization.data(withJSONObject: object)
        do { _ = try SyncDocument.decode(from: data); return nil } catch { return error }
    }

    static func setAccount(_ o: inout [String: Any], _ i: Int, _ key: String, _ value: Any) {
        var accounts = o["accounts"] as! [[String: Any]]
        accounts[i][key] = value
        o["accounts"] = accounts
    }

    static func setItem(_ o: inout [String: Any], _ a: Int, _ i: Int, _ key: String, _ value: Any) {
        var accounts = o["accounts"] as! [[String: Any]]
        var items = accounts[a]["items"] as! [[String: Any]]
        items[i][key] = value
        accounts[a]["items"] = items
        o["accounts"] = accounts
    }

    @Test("the fixture itself is valid")
    func valid() { #expect(refusal { _ in } == nil) }

    @Test("not JSON at all")
    func notJSON() throws {
        #expect(throws: SyncDocumentError.self) { _ = try SyncDocument.decode(from: Data("{oops".utf8)) }
        #expect(throws: SyncDocumentError.self) { _ = try SyncDocument.decode(from: Data([0xff, 0xfe])) }
        #expect(throws: SyncDocumentError.self) { _ = try SyncDocument.decode(from: Data()) }
    }

    @Test("bad paths are named", arguments: [
        ("format", "path:format"),
        ("as_of", "path:as_of"),
        ("currency", "path:currency"),
        ("due_date", "path:accounts[0].items[0].due_date"),
        ("amount_type", "path:accounts[0].items[0].amount"),
        ("open_over", "path:accounts[0].items[0].open_amount"),
        ("kind", "path:accounts[0].items[0].kind"),
        ("job_missing", "path:accounts[0].items[0].job"),
        ("job_unknown", "path:accounts[0].items[0].job"),
        ("job_on_flat", "path:accounts[1].items[0].job"),
        ("dup_item", "path:accounts[0].items[1].id"),
        ("memo_target", "path:accounts[0].items[3].linked_invoice"),
        ("branch", "path:accounts[1].branch"),
        ("profile", "path:accounts[0].contacts[0].profile"),
        ("pin", "path:accounts[0].contacts[0].pin_hash"),
        ("pan", "path:accounts[0].cards_on_file[0].description"),
        ("expiry", "path:accounts[0].cards_on_file[0].expiry"),
        ("time_zone", "path:branches[0].time_zone"),
        ("dup_account", "path:accounts[1].number"),
        ("missing_name", "path:accounts[0].name"),
        ("negative_sale", "path:accounts[0].sales[0].amount"),
        ("fraction", "path:accounts[0].credit_limit"),
        ("huge_item", "path:accounts[0].items[0].amount"),
        ("huge_limit", "path:accounts[0].credit_limit"),
        ("huge_sale", "path:accounts[0].sales[2].amount"),
        ("not_iso", "path:currency"),
    ])
    func badPath(_ change: String, _ expected: String) {
        let error = refusal { o in
            switch change {
            case "format": o["format"] = "kioskpay.sync.v9"
            case "as_of": o["as_of"] = "yesterday"
            case "currency": o["currency"] = "dollars"
            case "due_date": Self.setItem(&o, 0, 0, "due_date", "2026-13-01")
            case "amount_type": Self.setItem(&o, 0, 0, "amount", "100")
            case "open_over": Self.setItem(&o, 0, 0, "open_amount", 10001)
            case "kind": Self.setItem(&o, 0, 0, "kind", "voucher")
            case "job_missing": Self.setItem(&o, 0, 0, "job", NSNull())
            case "job_unknown": Self.setItem(&o, 0, 0, "job", 5)
            case "job_on_flat": Self.setItem(&o, 1, 0, "job", 0)
            case "dup_item": Self.setItem(&o, 0, 1, "id", "I-1")
            case "memo_target": Self.setItem(&o, 0, 3, "linked_invoice", "M-1")
            case "branch": Self.setAccount(&o, 1, "branch", "B9")
            case "profile":
                var accounts = o["accounts"] as! [[String: Any]]
                var contacts = accounts[0]["contacts"] as! [[String: Any]]
                contacts[0]["profile"] = "nobody"
                accounts[0]["contacts"] = contacts; o["accounts"] = accounts
            case "pin":
                var accounts = o["accounts"] as! [[String: Any]]
                var contacts = accounts[0]["contacts"] as! [[String: Any]]
                contacts[0]["pin_hash"] = "1234"
                accounts[0]["contacts"] = contacts; o["accounts"] = accounts
            case "pan", "expiry":
                var accounts = o["accounts"] as! [[String: Any]]
                var cards = accounts[0]["cards_on_file"] as! [[String: Any]]
                if change == "pan" { cards[0]["description"] = "Visa 4111 1111 1111 1111" } else { cards[0]["expiry"] = "04/28" }
                accounts[0]["cards_on_file"] = cards; o["accounts"] = accounts
            case "time_zone":
                var branches = o["branches"] as! [[String: Any]]
                branches[0]["time_zone"] = "Mars/Olympus"
                o["branches"] = branches
            case "dup_account": Self.setAccount(&o, 1, "number", "1001")
            case "missing_name":
                var accounts = o["accounts"] as! [[String: Any]]
                accounts[0].removeValue(forKey: "name"); o["accounts"] = accounts
            case "negative_sale":
                var accounts = o["accounts"] as! [[String: Any]]
                var sales = accounts[0]["sales"] as! [[String: Any]]
                sales[0]["amount"] = -5
                accounts[0]["sales"] = sales; o["accounts"] = accounts
            case "fraction": Self.setAccount(&o, 0, "credit_limit", 12.5)
            case "huge_item":
                Self.setItem(&o, 0, 0, "amount", 4_611_686_018_427_387_904)
                Self.setItem(&o, 0, 0, "open_amount", 4_611_686_018_427_387_904)
            case "huge_limit": Self.setAccount(&o, 0, "credit_limit", Int.max)
            case "huge_sale":
                var accounts = o["accounts"] as! [[String: Any]]
                var sales = accounts[0]["sales"] as! [[String: Any]]
                sales[2]["amount"] = Int.min
                accounts[0]["sales"] = sales; o["accounts"] = accounts
            case "not_iso": o["currency"] = "ABC"
            default: Issue.record("unknown case \(change)")
            }
        }
        #expect(error != nil, "\(change) was accepted")
        #expect("path:\(error?.path ?? "-")" == expected, "\(change): \(error?.description ?? "accepted")")
        // The sentence never repeats a card number back.
        #expect(!(error?.description.contains("4111") ?? false))
    }

    @Test("the largest allowed amounts in every record cannot overflow any figure")
    func largestAmounts() throws {
        let top = SyncLimits.maximumAmount
        var account = Account(number: "1", name: "Big", branch: "B1", creditLimit: top, pendingTransactions: top)
        for i in 0..<2_000 {
            let kind: ItemKind = [.invoice, .financeCharge, .debitAdjustment, .payment, .creditMemo, .creditAdjustment][i % 6]
            account.items.append(Item(id: "I\(i)", kind: kind, number: "\(i)", date: LocalDate("2026-01-01")!,
                                      dueDate: LocalDate("2026-01-02"), amount: top, openAmount: top, billed: i % 2 == 0,
                                      linkedInvoice: kind == .creditMemo ? "I0" : nil))
            account.sales.append(Sale(date: LocalDate("2026-01-0\(1 + i % 9)")!, kind: i % 2 == 0 ? .sale : .adjustment,
                                      amount: i % 2 == 0 ? top : -top, tax: top, charge: true))
        }
        let document = SyncDocument(asOf: Instant("2026-01-01T00:00:00Z")!, currency: "USD",
                                    branches: [Branch(id: "B1", name: "B", timeZone: "UTC")], accounts: [account])
        try document.validate()
        let today = LocalDate("2026-02-01")!
        let balances = Figures.balances(account, scope: .account)
        let billedCharges = account.items.filter { $0.kind.isCharge && $0.billed }.count
        #expect(balances.outstanding == top * billedCharges)
        _ = Figures.summary(account, scope: .account, today: today)
        _ = Figures.activity(account, scope: .account, today: today)
        _ = Figures.openItems(account, scope: .account, branch: document.branches[0], today: today)
    }

    @Test("as_of: lowercase t/z accepted; fractions kept so ordering survives storage")
    func instants() {
        #expect(Instant("2030-01-01t11:00:00z") == Instant("2030-01-01T11:00:00Z"))
        let half = Instant("2026-11-20T10:00:00.5Z")!
        #expect(Instant(half.description) == half)
        #expect(Instant("2026-11-20T10:00:00Z")! < Instant(half.description)!)
        #expect(Instant("2026-11-20T10:00:00Z")!.description == "2026-11-20T10:00:00Z")
        #expect(Instant("2026-11-20 10:00:00Z") == nil)
    }

    @Test("messages fit the field: a job is not money, a PIN hash says what is wrong with it")
    func messages() {
        let job = refusal { o in Self.setItem(&o, 0, 0, "job", "0") }
        #expect(job?.problem == "expected a whole number")
        #expect(PINHashFormat.problem("$pbkdf2-sha256$i=999$Zml4dHVyZS1zYWx0LTAwMQ$oh0cBIoPcynMsfc6EiDvyX+yAexpqYVcTdVbDz7JmK4")?
                    .contains("iteration count") == true)
        #expect(PINHashFormat.problem("$pbkdf2-sha256$i=210000$Zml4dHVyZS1zYWx0LTAwMQ$AAAA")?.contains("32 bytes") == true)
    }

    @Test("a job-billed account's records must name a job; a flat account's must not")
    func jobRules() {
        let error = refusal { o in Self.setAccount(&o, 0, "jobs", [] as [Any]) }
        #expect(error?.path == "accounts[0].jobs")
        let flat = refusal { o in Self.setAccount(&o, 1, "jobs", [["number": 0, "name": "M"]]) }
        #expect(flat?.path == "accounts[1].jobs")
    }

    @Test("PIN hash format: base64 without padding and a 32-byte key")
    func pinHash() {
        #expect(PINHashFormat.parse("$pbkdf2-sha256$i=210000$Zml4dHVyZS1zYWx0LTAwMQ$oh0cBIoPcynMsfc6EiDvyX+yAexpqYVcTdVbDz7JmK4") != nil)
        #expect(PINHashFormat.parse("$pbkdf2-sha256$i=210000$Zml4dHVyZS1zYWx0LTAwMQ==$oh0cBIoPcynMsfc6EiDvyX+yAexpqYVcTdVbDz7JmK4") == nil)
        #expect(PINHashFormat.parse("$pbkdf2-sha256$i=210000$Zml4dHVyZS1zYWx0LTAwMQ$AAAA") == nil)
        #expect(PINHashFormat.parse("$pbkdf2-sha1$i=210000$Zml4dHVyZS1zYWx0LTAwMQ$oh0cBIoPcynMsfc6EiDvyX+yAexpqYVcTdVbDz7JmK4") == nil)
        #expect(PINHashFormat.parse("") == nil)
    }

    @Test("dates: only real YYYY-MM-DD days")
    func dates() {
        #expect(LocalDate("2024-02-29") != nil)
        #expect(LocalDate("2025-02-29") == nil)
        #expect(LocalDate("2026-1-01") == nil)
        #expect(LocalDate("2026-01-01T00:00") == nil)
        #expect(LocalDate("２０２６-01-01") == nil)
        #expect(LocalDate("2026-12-31")?.adding(days: 1) == LocalDate("2027-01-01"))
        #expect(LocalDate("2026-03-01")?.firstOfPreviousMonth == LocalDate("2026-02-01"))
    }

    @Test("card-number-like runs are spotted in free text")
    func cardRuns() {
        #expect(containsCardNumberLikeRun("4111-1111-1111-1111"))
        #expect(containsCardNumberLikeRun("pan 4111111111111111 x"))
        #expect(!containsCardNumberLikeRun("CARD ENDING IN 1234"))
        #expect(!containsCardNumberLikeRun("Bob's primary card 2028-04"))
    }
}
