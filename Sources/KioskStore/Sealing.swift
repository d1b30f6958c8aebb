import Foundation
import GRDB

/// A back-office public key as installed on this kiosk.
public struct InstalledBackOfficeKey: Sendable, Equatable {
    public let keyID: String
    public let publicKey: Data
    public let fingerprint: String
    public let installedAt: String
    public let active: Bool
}

extension KioskStore {
    /// Installs a back-office public key and makes it the one new captures are sealed to, with
    /// its audit row, in one transaction. Installing the active key again changes nothing.
    public func installBackOfficeKey(keyID: String, publicKey: Data, fingerprint: String, audit: AuditEntry) async throws(StoreError) {
        do {
            try await pool.write { db in
                if let existing = try Data.fetchOne(db, sql: "SELECT public_key FROM backoffice_key WHERE key_id = ?", arguments: [keyID]),
                   existing != publicKey {
                    throw StoreError.conflict("a different key with id \(keyID) is already installed; give the new key its own id")
                }
                try db.execute(sql: "UPDATE backoffice_key SET active = 0 WHERE active = 1 AND key_id != ?", arguments: [keyID])
                try db.execute(sql: """
                    INSERT INTO backoffice_key (key_id, public_key, fingerprint, installed_at, installed_by_uid, active)
                    VALUES (?, ?, ?, ?, ?, 1)
                    ON CONFLICT(key_id) DO UPDATE SET active = 1
                    """, arguments: [keyID, publicKey, fingerprint, audit.at.formatted(Date.ISO8601FormatStyle()), Int64(audit.uid)])
                try audit.insert(db)
            }
        } catch let error as StoreError { throw error } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Every installed key, the active one first.
    public func backOfficeKeys() async throws(StoreError) -> [InstalledBackOfficeKey] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM backoffice_key ORDER BY active DESC, installed_at DESC").map {
                    InstalledBackOfficeKey(keyID: $0["key_id"], publicKey: $0["public_key"], fingerprint: $0["fingerprint"],
                                           installedAt: $0["installed_at"], active: $0["active"])
                }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Stores a sealed capture. A demo key (not installed) is recorded as installed-by-demo so
    /// the foreign key holds and the capture still names the key it was sealed to.
    public func saveCapture(_ capture: StoredCapture, demoKey: (publicKey: Data, fingerprint: String)? = nil) async throws(StoreError) {
        do {
            try await pool.write { db in
                if let demoKey {
                    try db.execute(sql: """
                        INSERT INTO backoffice_key (key_id, public_key, fingerprint, installed_at, installed_by_uid, active)
                        VALUES (?, ?, ?, ?, -1, 0) ON CONFLICT(key_id) DO NOTHING
                        """, arguments: [capture.keyID, demoKey.publicKey, demoKey.fingerprint, capture.capturedAt])
                }
                try capture.insert(db)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func capture(id: String) async throws(StoreError) -> StoredCapture? {
        do {
            return try await pool.read { db in
                try StoredCapture.fetchOne(db, key: id)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
