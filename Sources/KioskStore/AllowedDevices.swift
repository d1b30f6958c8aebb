import Foundation
import GRDB

extension KioskStore {
    /// Device identities a technician has allowed (serial number, else port path).
    public func allowedDeviceIDs() async throws(StoreError) -> Set<String> {
        do { return Set(try await pool.read { db in try String.fetchAll(db, sql: "SELECT id FROM allowed_device") }) }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Allows a device, with its audit row, in one transaction.
    public func allowDevice(id: String, kind: String, audit: AuditEntry) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO allowed_device (id, kind, allowed_at, allowed_by_uid) VALUES (?, ?, ?, ?)
                    ON CONFLICT(id) DO NOTHING
                    """, arguments: [id, kind, audit.at.formatted(Date.ISO8601FormatStyle()), Int64(audit.uid)])
                try audit.insert(db)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Forgets a device (it is listed as present, not allowed), with its audit row.
    public func forgetDevice(id: String, audit: AuditEntry) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM allowed_device WHERE id = ?", arguments: [id])
                try audit.insert(db)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
