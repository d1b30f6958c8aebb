import Foundation
import GRDB
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// The search index (migration 016) on the demo store, in the real SQLite file: what each kind
/// of text finds, the order of ranks and names, and that the triggers keep it true through
/// sync documents that rename, replace and drop records.
@Suite("Store: search index")
struct SearchIndexTests {
    static let now = Date()

    /// The demo store, plus three accounts that make "kim" match at every rank.
    static func document(asOf: Date = now, edit: (inout SyncDocument) -> Void = { _ in }) -> SyncDocument {
        var doc = DemoStore.document(today: DemoStore.today(at: now), now: Instant(asOf))
        let branch = doc.accounts[0].branch
        doc.accounts += [Account(number: "9001", name: "Zed Traders", company: "Kim", branch: branch),
                         Account(number: "9002", name: "Kimberly Ross", branch: branch),
                         Account(number: "9003", name: "Joakim Berg", branch: branch)]
        edit(&doc)
        return doc
    }

    static func store(_ doc: SyncDocument = document()) async throws -> KioskStore {
        let store = try KioskStore(directory: try scratchDirectory())
        _ = try await store.apply(doc, audit: testAudit)
        return store
    }

    /// `kind account [ref] field rank` per match, in order.
    static func found(_ store: KioskStore, _ text: String, limit: Int = 20) async throws -> [String] {
        try await store.search(text, limit: limit).matches.map { "\($0.kind) \($0.account)\($0.ref.map { " \($0)" } ?? "") \($0.field) \($0.rank.rawValue)" }
    }

    @Test("an account by number, by a word of its name; a contact by name and email; an invoice; a PO number")
    func eachKind() async throws {
        let store = try await Self.store()
        #expect(try await Self.found(store, "1001").first == "account 1001 number 1")
        let patel = try await store.search("PATEL", limit: 20).matches
        #expect(patel.map { "\($0.kind) \($0.account) \($0.rank)" } == ["account 4001 wordPrefix", "contact 4001 wordPrefix"], "\(patel)")
        #expect(patel.first?.accountName == "Sam Patel" && patel.last?.name == "Sam Patel")
        #expect(try await Self.found(store, "Jamie") == ["contact 1001 C-1001-2 name 2"])
        #expect(try await Self.found(store, "luis@harborfarm.example") == ["contact 2001 C-2001-1 email 1"])
        #expect(try await Self.found(store, "40117") == ["invoice 1001 I-1001-1 number 1"])
        let po = try await store.search("oak-deck", limit: 20).matches
        #expect(po.map { "\($0.kind) \($0.ref ?? "") \($0.label ?? "") \($0.term)" } == ["po_number I-1001-3 40231 OAK-DECK"], "\(po)")
        // Items other than invoices are not found by number: a finance charge, a credit memo.
        #expect(try await Self.found(store, "FC-2291").isEmpty)
        #expect(try await Self.found(store, "CM-7710").isEmpty)
    }

    @Test("ranked: exact, then prefix, then a later word's prefix, then anywhere; ties by name; the page and `more`")
    func ranking() async throws {
        let store = try await Self.store()
        #expect(try await Self.found(store, "kim") == [
            "account 9001 company 1",         // Kim (Zed Traders)
            "account 9002 name 2",            // Kimberly Ross
            "account 3001 name 3",            // Dana Kim: account before its contact (same name)
            "contact 3001 C-3001-1 name 3",
            "account 9003 name 4",            // Joakim Berg
        ])
        // Prefix ties by name: OAK-DECK, OAK-TRIM, OAK-WINDOWS are all Pat Doe's: by id. Then jOAKim.
        #expect(try await Self.found(store, "oak") == ["po_number 1001 I-1001-3 po_number 2", "po_number 1001 I-1001-4 po_number 2",
                                                         "po_number 1001 I-1001-7 po_number 2", "account 9003 name 4"])
        let page = try await store.search("kim", limit: 2)
        #expect(page.matches.count == 2 && page.more)
        let all = try await store.search("kim", limit: 5)
        #expect(all.matches.count == 5 && !all.more)
        // One or two characters: exact and prefix matches only (from the index, never a scan).
        #expect(try await Self.found(store, "ki") == ["account 9002 name 2", "account 9001 company 2"], "Kimberly Ross before Zed Traders")
        #expect(try await Self.found(store, "1") == ["account 1001 number 2"])
        // Text that means something to LIKE, GLOB or FTS5 is taken literally.
        for text in ["%", "_", "*", "?", "[", "\"", "a\"b", "OR", "NEAR(", "k*m"] {
            _ = try await store.search(text, limit: 5)
        }
        #expect(try await Self.found(store, "%").isEmpty)
        #expect(try await Self.found(store, "\"kim\"").isEmpty)
    }

    @Test("a sync that renames, replaces and drops records: the index follows; the FTS index stays consistent")
    func followsSync() async throws {
        let store = try await Self.store()
        #expect(try await Self.found(store, "40252") == ["invoice 3001 I-3001-2 number 1"])
        let later = Self.document(asOf: Self.now.addingTimeInterval(60)) { doc in
            let i4001 = doc.accounts.firstIndex { $0.number == "4001" }!
            doc.accounts[i4001].name = "Samira Quinn"
            let i3001 = doc.accounts.firstIndex { $0.number == "3001" }!
            doc.accounts[i3001].items.removeAll { $0.id == "I-3001-2" }
            doc.accounts[i3001].contacts[0].name = "Dana Kimura"
            doc.accounts[i3001].contacts[0].email = "dk@lakeside.example"
            let i1001 = doc.accounts.firstIndex { $0.number == "1001" }!
            doc.accounts[i1001].items[doc.accounts[i1001].items.firstIndex { $0.id == "I-1001-1" }!].poNumber = "SMITH-WALLS"
            doc.accounts[i1001].contacts.removeAll { $0.id == "C-1001-2" }
        }
        _ = try await store.apply(later, audit: testAudit)
        #expect(try await Self.found(store, "quinn") == ["account 4001 name 3"])
        #expect(try await Self.found(store, "patel") == ["contact 4001 C-4001-1 name 3"], "the old name is gone, the contact kept its own")
        let invoices = try await store.search("52011", limit: 5).matches
        #expect(invoices.map(\.accountName) == ["Samira Quinn"] && invoices.map(\.name) == ["Samira Quinn"], "\(invoices)")
        #expect(try await Self.found(store, "40252").isEmpty)
        #expect(try await Self.found(store, "kimura") == ["contact 3001 C-3001-1 name 3"])
        #expect(try await Self.found(store, "dana@lakesidecabinet").isEmpty)
        #expect(try await Self.found(store, "dk@lakeside") == ["contact 3001 C-3001-1 email 2"])
        #expect(try await Self.found(store, "SMITH-FRAMING").isEmpty)
        #expect(try await Self.found(store, "walls") == ["po_number 1001 I-1001-1 po_number 3"])
        #expect(try await Self.found(store, "Jamie").isEmpty)
        // The same document again changes nothing, in the index either.
        let before = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM search_entry") }
        _ = try await store.apply(later, audit: testAudit)
        #expect(try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM search_entry") } == before)
        // Every entry is what the tables hold, and the trigram index agrees with its content.
        try await store.pool.read { db in
            let expected = try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM account) + (SELECT count(*) FROM account WHERE company <> '')
                     + (SELECT count(*) FROM account) + (SELECT count(*) FROM contact)
                     + (SELECT count(*) FROM contact WHERE email <> '') + (SELECT count(*) FROM item WHERE kind = 'invoice')
                     + (SELECT count(*) FROM item WHERE kind = 'invoice' AND po_number <> '')
                """)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM search_entry") == expected)
        }
        try await store.pool.write { db in
            try db.execute(sql: "INSERT INTO search_trigram (search_trigram, rank) VALUES ('integrity-check', 1)")
        }
    }

    @Test("a database made before 016 gets its entries on migration")
    func migration() async throws {
        let dir = try scratchDirectory()
        // A store with data and no index (as before 016), opened again: 016 indexes what is there.
        do {
            let early = try KioskStore(directory: dir)
            _ = try await early.apply(Self.document(), audit: testAudit)
            try await early.pool.write { db in
                try db.execute(sql: "DROP TABLE search_trigram; DROP TABLE search_entry; DELETE FROM grdb_migrations WHERE identifier = '016_search'")
                for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'search_%'") {
                    try db.execute(sql: "DROP TRIGGER \(trigger)")
                }
            }
        }
        let store = try KioskStore(directory: dir)
        #expect(try await Self.found(store, "kim").count == 5)
        #expect(try await Self.found(store, "oak-deck") == ["po_number 1001 I-1001-3 po_number 1"])
    }
}
