import Foundation
import GRDB
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// The streamed apply (one account decoded at a time, unchanged accounts recognised by their
/// bytes) against the whole-document apply it replaces: same rows, same refusals.
@Suite("Store: streamed sync apply")
struct SyncStreamTests {
    static let fixture: Data = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sync/store-example.json")
        return try! Data(contentsOf: url)
    }()

    func streamed(_ store: KioskStore, _ data: Data) async throws(StoreError) -> SyncOutcome {
        let stream: SyncDocumentStream
        do { stream = try SyncDocumentStream(bytes: data) } catch { throw StoreError.invalidDocument(error) }
        return try await store.apply(stream: stream, audit: testAudit)
    }

    /// The sentence the whole-document path gives (decode, then the store's checks), or nil.
    func wholeRefusal(_ data: Data, into store: KioskStore) async -> String? {
        do {
            let document = try SyncDocument.decode(from: data, known: try await store.knownReferences())
            _ = try await store.apply(document, audit: testAudit)
            return nil
        } catch let error as SyncDocumentError { return StoreError.invalidDocument(error).description } catch { return "\(error)" }
    }

    func streamRefusal(_ data: Data, into store: KioskStore) async -> String? {
        do { _ = try await streamed(store, data); return nil } catch { return error.description }
    }

    func edited(_ edit: (inout [String: Any]) -> Void) -> Data {
        var object = try! JSONSerialization.jsonObject(with: Self.fixture) as! [String: Any]
        edit(&object)
        return try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    static func set(_ o: inout [String: Any], account i: Int, _ key: String, _ value: Any?) {
        var accounts = o["accounts"] as! [[String: Any]]
        accounts[i][key] = value
        o["accounts"] = accounts
    }

    @Test("a streamed document stores exactly what the whole-document apply stores")
    func sameRows() async throws {
        let whole = try KioskStore(directory: try scratchDirectory())
        _ = try await whole.apply(try SyncDocument.decode(from: Self.fixture), audit: testAudit)
        let stream = try KioskStore(directory: try scratchDirectory())
        let outcome = try await streamed(stream, Self.fixture)
        #expect(outcome.accounts.inserted == 2 && outcome.branches.inserted == 1 && outcome.users.inserted == 2)
        // Fingerprints differ by scheme; every other column is the same.
        func rows(_ store: KioskStore) async throws -> [String] {
            try await dump(store).map { $0.replacingOccurrences(of: #"fingerprint:"[^"]*""#, with: "", options: .regularExpression) }
        }
        #expect(try await rows(whole) == rows(stream))
    }

    @Test("refusals: the same sentence and path as the whole-document apply, whichever problem comes first")
    func sameRefusals() async throws {
        let cases: [Data] = [
            edited { Self.set(&$0, account: 1, "credit_limit", "lots") },                 // a type
            edited { Self.set(&$0, account: 0, "number", nil) },                           // missing
            edited { Self.set(&$0, account: 1, "branch", "B9") },                          // a reference
            edited { Self.set(&$0, account: 1, "number", "1001") },                        // a repeated number
            edited { $0["currency"] = "XXY" },                                             // the header
            edited { $0["currency"] = "XXY"; Self.set(&$0, account: 1, "credit_limit", 1.5) },  // decoding beats validation
            edited { Self.set(&$0, account: 0, "branch", "B9"); Self.set(&$0, account: 1, "city", 5) },
            edited { Self.set(&$0, account: 1, "receivables_type", "barter") },
            edited { $0["format"] = "kioskpay.sync.v0" },
            Data(String(decoding: Self.fixture, as: UTF8.self).replacingOccurrences(of: "\"2026-10-31\"", with: "\"2026-10-32\"").utf8),
            Data(#"{"format": "kioskpay.sync.v1", "as_of": "2026-11-20T12:00:00Z", "currency": "USD", "accounts": [{"number": "1"} {}]}"#.utf8),
            Data(#"{"format": "kioskpay.sync.v1", "as_of": "2026-11-20T12:00:00Z", "currency": "USD", "accounts": [{"number": 1e400}]}"#.utf8),
        ]
        for data in cases {
            let whole = await wholeRefusal(data, into: try KioskStore(directory: try scratchDirectory()))
            let stream = await streamRefusal(data, into: try KioskStore(directory: try scratchDirectory()))
            #expect(whole != nil)
            #expect(stream == whole, "\(String(decoding: data.prefix(200), as: UTF8.self))")
        }
    }

    @Test("an older document is refused as before")
    func older() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await streamed(store, Self.fixture)
        let older = edited { $0["as_of"] = "2026-01-01T00:00:00Z" }
        await #expect(throws: StoreError.olderDocument(stored: "2026-11-20T12:00:00Z", received: "2026-01-01T00:00:00Z")) {
            _ = try await streamed(store, older)
        }
    }

    @Test("re-applying the same bytes writes nothing; re-indented bytes are still unchanged; a change is written")
    func unchanged() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await streamed(store, Self.fixture)
        let before = try await dump(store)
        let again = try await streamed(store, Self.fixture)
        #expect(again.accounts.unchanged == 2 && again.rowsWritten == 0 && again.accounts.updated == 0)
        let compact = Data(String(decoding: Self.fixture, as: UTF8.self).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined().utf8)
        let third = try await streamed(store, compact)
        #expect(third.accounts.unchanged == 2 && third.rowsWritten == 0)
        #expect(try await dump(store) == before)
        // Members in another order: other bytes, the same accounts. Decoded, compared with what
        // is stored, counted unchanged and only re-stamped (sync.apply's "the same document twice
        // changes nothing" holds for clients whose JSON writer reorders members).
        let reordered = try await streamed(store, edited { _ in })
        #expect(reordered.accounts.unchanged == 2 && reordered.accounts.updated == 0 && reordered.rowsWritten == 0)
        #expect(try await streamed(store, edited { _ in }).accounts.unchanged == 2, "re-stamped: found by its bytes now")
        let changed = edited { Self.set(&$0, account: 1, "city", "Shelbyville") }
        let fourth = try await streamed(store, changed)
        #expect(fourth.accounts.updated == 1 && fourth.accounts.unchanged == 1)
        #expect(try await store.account(number: (try SyncDocument.decode(from: changed)).accounts[1].number)?.account.city == "Shelbyville")
    }

    @Test("upgrade: accounts stored with the old fingerprints are recognised unchanged, re-stamped, not rewritten")
    func upgrade() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await store.apply(try SyncDocument.decode(from: Self.fixture), audit: nil)  // the old scheme's fingerprints
        let oldPrints = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT fingerprint FROM account") }
        #expect(oldPrints.allSatisfy(AccountFingerprint.isLegacy))
        let rowids = try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT rowid FROM item ORDER BY rowid") }
        let first = try await streamed(store, Self.fixture)
        #expect(first.accounts.unchanged == 2 && first.accounts.updated == 0 && first.rowsWritten == 0)
        #expect(try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT rowid FROM item ORDER BY rowid") } == rowids)
        let newPrints = try await store.pool.read { db in try String.fetchAll(db, sql: "SELECT fingerprint FROM account") }
        #expect(newPrints.allSatisfy { $0.hasPrefix(AccountFingerprint.prefix) })
        let second = try await streamed(store, Self.fixture)
        #expect(second.accounts.unchanged == 2 && second.rowsWritten == 0)
    }

    @Test("a bad account at index 9,000 refuses the whole document: nothing is written", .timeLimit(.minutes(5)))
    func badAccountLate() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let document = SyntheticStore.document(accounts: 9_001, itemsPerAccount: 1)
        var text = String(decoding: try SyntheticStore.json(document), as: UTF8.self)
        // Account 9,000's item has a date that is not a date. Keys are sorted (SyntheticStore.json),
        // so the account's items come before its number: the last item date before the number.
        let last = try #require(text.range(of: "\"number\":\"1009000\""))
        let date = try #require(text.range(of: "\"date\":\"", options: .backwards, range: text.startIndex..<last.lowerBound))
        text.replaceSubrange(date.upperBound..<text.index(date.upperBound, offsetBy: 10), with: "2026-02-30")
        let refusal = await streamRefusal(Data(text.utf8), into: store)
        #expect(refusal?.contains("accounts[9000].") == true, "\(refusal ?? "accepted")")
        #expect(refusal?.contains("not a date") == true, "\(refusal ?? "accepted")")
        let counts = try await store.pool.read { db in
            [try Int.fetchOne(db, sql: "SELECT count(*) FROM account")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM item")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM branch")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM search_entry")!]
        }
        #expect(counts == [0, 0, 0, 0])
    }

    /// The search index rows and what searches find (both tiers: key index and trigrams).
    func searchState(_ store: KioskStore) async throws -> [String] {
        var out = try await store.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, field, account, ref, term, key, name, label FROM search_entry ORDER BY 1, 2, 3, 4, 5")
                .map { "\($0)" }
        }
        for text in ["Customer 1", "ompany 2", "100004", "PO-5", "contact", "pat", "example.com", "10023", "Shelby"] {
            let (matches, more) = try await store.search(text, limit: 25)
            out.append("\(text): \(matches.map { "\($0.kind) \($0.field) \($0.account) \($0.ref ?? "-") \($0.rank)" }) \(more)")
        }
        return out
    }

    @Test("the search index built in bulk by a streamed apply is the one the per-row triggers build")
    func searchIndex() async throws {
        let first = SyntheticStore.document(accounts: 30, itemsPerAccount: 8)
        var second = first
        second.asOf = Instant("2026-11-21T12:00:00Z")!
        second.accounts[3].name = "Shelbyville Supply"
        second.accounts[4].items.removeFirst(3)
        second.accounts[5].contacts[0].name = "Pat Shelby"
        second.accounts.append(contentsOf: SyntheticStore.document(accounts: 32, itemsPerAccount: 2).accounts.suffix(2))
        let whole = try KioskStore(directory: try scratchDirectory())
        let stream = try KioskStore(directory: try scratchDirectory())
        for document in [first, second] {
            _ = try await whole.apply(document, audit: nil)
            _ = try await streamed(stream, try SyntheticStore.json(document))
            #expect(try await searchState(whole) == searchState(stream))
        }
        // The triggers are back after the apply: a later write through them keeps the index.
        let triggers = try await stream.pool.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%' ORDER BY name")
        }
        #expect(Set(SearchIndexBatch.deferred).isSubset(of: Set(triggers)))
        try await stream.pool.write { db in try db.execute(sql: "UPDATE account SET name = 'Renamed Here' WHERE number = '1000007'") }
        #expect(try await stream.search("Renamed", limit: 5).matches.map(\.account) == ["1000007"])
    }
}
