import Foundation
import GRDB
import Testing
@testable import KioskStore

/// Migration 013: the audit log is append-only and hash-chained, and `verifyAudit` finds a
/// row changed or removed behind kioskd's back.
@Suite("Store: audit chain")
struct AuditChainTests {
    static func entry(_ n: Int, detail: String? = nil) -> AuditEntry {
        AuditEntry(at: Date(timeIntervalSince1970: 1_796_000_000 + Double(n)), uid: 1000, userName: "sam", role: "manager",
                   action: "contact.revoke", detail: detail ?? "contact C-\(n) of account 1001: revoked")
    }

    static func store(rows: Int) async throws -> KioskStore {
        let store = try KioskStore(directory: try scratchDirectory())
        for n in 1...rows { try await store.appendAudit(entry(n)) }
        return store
    }

    /// Runs `sql` as an attacker with the sqlite3 shell would: the triggers dropped first.
    static func tamper(_ store: KioskStore, _ sql: String) async throws {
        try await store.pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; " + sql)
        }
    }

    @Test("rows appended are chained: each hash covers the one before, the first follows 64 zeros; the chain verifies")
    func chainVerifies() async throws {
        let store = try await Self.store(rows: 5)
        let rows = try await store.pool.read { db in try Row.fetchAll(db, sql: "SELECT id, prev_hash, hash, subject FROM audit_log ORDER BY id") }
        #expect(rows.map { $0["id"] as Int64 } == [1, 2, 3, 4, 5])
        #expect(rows[0]["prev_hash"] as String == String(repeating: "0", count: 64))
        for (a, b) in zip(rows, rows.dropFirst()) { #expect(b["prev_hash"] as String == a["hash"] as String) }
        #expect(rows[2]["subject"] as String? == "contact C-3")
        let result = try await store.verifyAudit()
        #expect(result.ok && result.rows == 5 && result.head == rows[4]["hash"] as String)
        // An empty log is intact too.
        let empty = try await KioskStore(directory: try scratchDirectory()).verifyAudit()
        #expect(empty.ok && empty.rows == 0 && empty.head == nil)
    }

    @Test("the triggers refuse UPDATE and DELETE on audit_log, even from kioskd's own connection")
    func appendOnly() async throws {
        let store = try await Self.store(rows: 2)
        for sql in ["UPDATE audit_log SET detail = 'x' WHERE id = 1", "DELETE FROM audit_log WHERE id = 2", "DELETE FROM audit_log"] {
            await #expect {
                try await store.pool.write { db in try db.execute(sql: sql) }
            } throws: { error in
                (error as? DatabaseError)?.message?.contains("append-only") == true
            }
        }
        #expect(try await store.verifyAudit().rows == 2)
    }

    @Test("an edited row is named: its contents no longer match its hash")
    func editedRow() async throws {
        let store = try await Self.store(rows: 5)
        try await Self.tamper(store, "UPDATE audit_log SET detail = 'nothing happened' WHERE id = 3")
        let result = try await store.verifyAudit()
        #expect(!result.ok && result.firstBad?.id == 3 && result.rows == 2)
        #expect(result.firstBad?.problem.contains("row 3 was changed after it was written") == true)
    }

    @Test("a forged hash is caught at its row; an edit that recomputes the row's hash properly is caught at the next row; a number written into a text column does not stop the check")
    func rehashedRow() async throws {
        let store = try await Self.store(rows: 4)
        try await Self.tamper(store, "UPDATE audit_log SET hash = '" + String(repeating: "a", count: 64) + "' WHERE id = 2")
        #expect(try await store.verifyAudit().firstBad?.id == 2)

        let careful = try await Self.store(rows: 4)
        let forged = try await careful.pool.read { db -> String in
            var fields = AuditChain.fields(try #require(try Row.fetchOne(db, sql: "SELECT * FROM audit_log WHERE id = 2")))
            fields.detail = "nothing happened"
            let previous = try #require(try String.fetchOne(db, sql: "SELECT prev_hash FROM audit_log WHERE id = 2"))
            return AuditChain.hash(previous: previous, fields)
        }
        try await Self.tamper(careful, "UPDATE audit_log SET detail = 'nothing happened', hash = '\(forged)' WHERE id = 2")
        let result = try await careful.verifyAudit()
        #expect(result.firstBad?.id == 3 && result.firstBad?.problem.contains("row 3 does not follow row 2") == true, "\(result)")

        let other = try await Self.store(rows: 3)
        try await Self.tamper(other, "UPDATE audit_log SET uid = 'root', user_name = 42 WHERE id = 1")
        #expect(try await other.verifyAudit().firstBad?.problem.contains("row 1 was changed") == true)
        #expect(try await other.auditPage(AuditFilter(), page: 0).entries.count == 3)
    }

    @Test("a deleted middle row, a deleted first row and deleted last rows are each caught")
    func deletedRows() async throws {
        let middle = try await Self.store(rows: 5)
        try await Self.tamper(middle, "DELETE FROM audit_log WHERE id = 3")
        let m = try await middle.verifyAudit()
        #expect(m.firstBad?.id == 3 && m.firstBad?.problem.contains("row 3 is missing") == true)

        let first = try await Self.store(rows: 3)
        try await Self.tamper(first, "DELETE FROM audit_log WHERE id = 1")
        #expect(try await first.verifyAudit().firstBad?.id == 1)

        let last = try await Self.store(rows: 5)
        try await Self.tamper(last, "DELETE FROM audit_log WHERE id >= 4")
        let l = try await last.verifyAudit()
        #expect(l.firstBad?.id == 4 && l.firstBad?.problem.contains("rows 4 to 5 are missing: the newest rows were deleted") == true)
        // A row written after the deletion still leaves the gap in sight.
        try await last.appendAudit(Self.entry(9))
        #expect(try await last.verifyAudit().firstBad?.id == 4)
    }

    @Test("a database written before 013 is chained by the migration and verifies; new rows chain on")
    func oldDatabase() async throws {
        let dir = try scratchDirectory()
        do {
            let queue = try DatabaseQueue(path: dir + "/kiosk.sqlite")
            try Migrations.migrator.migrate(queue, upTo: "012_autopay_runs")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO audit_log (at, uid, user_name, role, action, detail) VALUES
                        ('2026-11-30T09:00:00Z', 0, 'root', 'technician', 'sync.apply', 'as_of=x accounts: 3 inserted'),
                        ('2026-11-30T10:00:00Z', 1000, 'sam', 'manager', 'payment.process', 'payment P2345A processed'),
                        ('2026-11-30T11:00:00Z', 1000, 'sam', 'manager', 'device.allow', '');
                    """)
            }
        }
        let store = try KioskStore(directory: dir)
        let before = try await store.verifyAudit()
        #expect(before.ok && before.rows == 3)
        let subjects = try await store.pool.read { db in try String?.fetchAll(db, sql: "SELECT subject FROM audit_log ORDER BY id") }
        #expect(subjects == [nil, "payment P2345A", nil])
        try await store.appendAudit(Self.entry(1))
        #expect(try await store.verifyAudit().rows == 4)
        try await Self.tamper(store, "UPDATE audit_log SET detail = 'payment P2345A rejected' WHERE id = 2")
        #expect(try await store.verifyAudit().firstBad?.id == 2)
    }

    @Test("list filters by time, actor (name or uid) and action or area, newest first, a page at a time")
    func listing() async throws {
        let store = try KioskStore(directory: try scratchDirectory())
        for n in 1...60 { try await store.appendAudit(Self.entry(n)) }
        try await store.appendAudit(AuditEntry(at: Date(timeIntervalSince1970: 1_796_000_100), uid: 1001, userName: "tech", role: "technician",
                                               action: "device.allow", detail: "device reader-1"))
        let first = try await store.auditPage(AuditFilter(), page: 0, pageSize: 50)
        #expect(first.entries.count == 50 && first.more && first.entries.first?.id == 61)
        #expect(first.entries.first?.entry.subject == "device reader-1")
        let second = try await store.auditPage(AuditFilter(), page: 1, pageSize: 50)
        #expect(second.entries.count == 11 && !second.more && second.entries.last?.id == 1)
        #expect(try await store.auditPage(AuditFilter(actor: "tech"), page: 0).entries.map(\.id) == [61])
        #expect(try await store.auditPage(AuditFilter(actor: "1001"), page: 0).entries.map(\.id) == [61])
        #expect(try await store.auditPage(AuditFilter(action: "device"), page: 0).entries.map(\.id) == [61])
        #expect(try await store.auditPage(AuditFilter(action: "device.allow"), page: 0).entries.map(\.id) == [61])
        #expect(try await store.auditPage(AuditFilter(action: "dev"), page: 0).entries.isEmpty)
        let since = try await store.auditPage(AuditFilter(since: Date(timeIntervalSince1970: 1_796_000_058)), page: 0)
        #expect(since.entries.map(\.id) == [61, 60, 59, 58])
    }
}
