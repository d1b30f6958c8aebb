#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import KioskCore
import Testing
@testable import KioskStore

/// A fresh data directory per test.
func scratchDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "kioskstore-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

func exampleDocument() throws -> SyncDocument {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sync/store-example.json")
    return try SyncDocument.decode(from: Data(contentsOf: url))
}

/// Every account-data row, in a stable order, to compare the database before and after.
func dump(_ store: KioskStore) async throws -> [String] {
    try await store.pool.read { db in
        var out = [String]()
        for table in ["branch", "store_user", "profile", "account", "job", "contact", "item", "sale",
                      "processed_payment", "payment_application", "card_on_file", "statement"] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY 1, 2") { out.append("\(table) \(row)") }
        }
        return out
    }
}

let testAudit = AuditEntry(uid: 0, userName: "root", role: "technician", action: "sync.apply", detail: "")

@Suite("Store: opening the database")
struct StoreOpeningTests {
    @Test("WAL, foreign keys and synchronous=FULL are in force")
    func pragmas() throws {
        let store = try KioskStore(directory: try scratchDirectory())
        #expect(try store.synchronousLevel() == 2)
        #expect(try store.journalMode() == "wal")
        let foreignKeys = try store.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA foreign_keys") }
        #expect(foreignKeys == 1)
    }

    @Test("a file that is not a database gives one clear sentence")
    func notADatabase() throws {
        let dir = try scratchDirectory()
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: dir + "/" + KioskStore.fileName))
        #expect {
            _ = try KioskStore(directory: dir)
        } throws: { error in
            guard let error = error as? StoreError, case .notADatabase = error else { return false }
            return error.description.contains("is not a kioskpay database")
        }
    }

    @Test("a second daemon on the same data directory is refused, naming the first")
    func locked() throws {
        let dir = try scratchDirectory()
        let first = try KioskStore(directory: dir)
        #expect {
            _ = try KioskStore(directory: dir)
        } throws: { error in
            guard let error = error as? StoreError, case .lockedByAnotherDaemon(_, let pid) = error else { return false }
            return pid == String(getpid()) && error.description.contains("already using the data directory")
        }
        _ = first
    }

    @Test("migrations are numbered and recorded")
    func migrations() throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let applied = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier") }
        #expect(applied == ["001_accounts", "002_audit_log", "003_allowed_devices", "004_sealing", "005_payments", "006_backoffice_link",
                           "007_payment_waiting", "008_documents", "009_kiosk_changes", "010_payment_methods", "011_autopay_rules", "012_autopay_runs",
                           "013_audit_chain", "014_payment_history", "015_backups", "016_search", "017_read_indexes", "018_sync_fingerprints", "019_pay_order", "020_receipts"])
    }
}

@Suite("Store: sync apply")
struct SyncApplyTests {
    @Test("the stored account reads back exactly as it was sent")
    func roundTrip() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let document = try exampleDocument()
        let outcome = try await store.apply(document, audit: testAudit)
        #expect(outcome.accounts.inserted == 2)
        #expect(outcome.branches.inserted == 1 && outcome.users.inserted == 2 && outcome.profiles.inserted == 1)
        for account in document.accounts {
            let stored = try await store.account(number: account.number)
            #expect(stored?.account == account)
            #expect(stored?.currency == "USD")
        }
        #expect(try await store.account(number: "1001")?.representative?.firstName == "Ann")
    }

    @Test("applying the same document twice changes no row")
    func idempotent() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        let document = try exampleDocument()
        _ = try await store.apply(document, audit: nil)
        let before = try await dump(store)
        let second = try await store.apply(document, audit: nil)
        #expect(second.accounts.unchanged == 2 && second.accounts.updated == 0 && second.accounts.inserted == 0)
        #expect(second.branches.unchanged == 1 && second.users.unchanged == 2 && second.profiles.unchanged == 1)
        #expect(second.rowsWritten == 0)
        #expect(try await dump(store) == before)
    }

    @Test("a newer document replaces an account's arrays and updates by id")
    func replacesArrays() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        var document = try exampleDocument()
        _ = try await store.apply(document, audit: nil)
        document.asOf = Instant("2026-11-21T12:00:00Z")!
        document.accounts[0].items.removeLast(2)
        document.accounts[0].creditLimit = 1
        let outcome = try await store.apply(document, audit: nil)
        #expect(outcome.accounts.updated == 1 && outcome.accounts.unchanged == 1)
        let stored = try await store.account(number: "1001")
        #expect(stored?.account.items.count == 4)
        #expect(stored?.account.creditLimit == 1)
    }

    @Test("an invalid document changes nothing at all")
    func invalidChangesNothing() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        var document = try exampleDocument()
        _ = try await store.apply(document, audit: nil)
        document.accounts[0].creditLimit = 7
        document.accounts[1].branch = "NOPE"
        await #expect {
            _ = try await store.apply(document, audit: nil)
        } throws: { error in
            (error as? StoreError) == .invalidDocument(SyncDocumentError(path: "accounts[1].branch", problem: "names no branch of this document or of the kiosk"))
        }
        #expect(try await store.account(number: "1001")?.account.creditLimit == 500000)
    }

    @Test("a partial document may refer to branches, users and profiles already stored")
    func partialDocument() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        var document = try exampleDocument()
        _ = try await store.apply(document, audit: nil)
        document.branches = []; document.users = []; document.profiles = []
        document.accounts = [document.accounts[1]]
        document.accounts[0].number = "2002"
        document.asOf = Instant("2026-11-22T00:00:00Z")!
        let outcome = try await store.apply(document, audit: nil)
        #expect(outcome.accounts.inserted == 1)
        #expect(try await store.accountCount() == 3)
    }

    @Test("an older document is refused")
    func older() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        var document = try exampleDocument()
        _ = try await store.apply(document, audit: nil)
        document.asOf = Instant("2025-01-01T00:00:00Z")!
        await #expect(throws: StoreError.self) { _ = try await store.apply(document, audit: nil) }
    }

    @Test("the audit log records who applied what, with no PIN hash or card token")
    func auditAndSecrets() async throws {
        let dir = try scratchDirectory()
        let store = try KioskStore(directory: dir)
        _ = try await store.apply(try exampleDocument(), audit: testAudit)
        let entries = try await store.auditEntries()
        #expect(entries.count == 1)
        #expect(entries[0].action == "sync.apply" && entries[0].userName == "root")
        #expect(entries[0].detail.contains("2 inserted"))
        #expect(!entries[0].detail.contains("pbkdf2") && !entries[0].detail.contains("vault-token"))
    }
}

@Suite("Store: damaged files")
struct DamagedFileTests {
    @Test("a database whose pages were overwritten fails the start-up check with a sentence")
    func corruptPages() async throws {
        let dir = try scratchDirectory()
        do {
            let store = try KioskStore(directory: dir)
            _ = try await store.apply(try exampleDocument(), audit: nil)
            // Fold the WAL into the main file so the damage below hits real table pages.
            try await store.pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        }
        let path = dir + "/" + KioskStore.fileName
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count > 4096 * 4)
        for offset in stride(from: 4096 * 2, to: bytes.count, by: 4096) {  // every page after the schema
            bytes.replaceSubrange(offset + 8..<offset + 200, with: Data(repeating: 0xA5, count: 192))
        }
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try KioskStore(directory: dir)
        } throws: { error in
            guard let error = error as? StoreError else { return false }
            switch error {
            case .corrupt, .notADatabase: return error.description.contains(path)
            default: return false
            }
        }
    }
}
