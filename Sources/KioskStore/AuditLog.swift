import Foundation
import GRDB

/// One line of the audit log: who changed what. Never holds a secret or card data.
public struct AuditEntry: Sendable, Equatable {
    public var at: Date
    public var uid: UInt32
    public var userName: String
    public var role: String
    /// The method or action, e.g. `sync.apply`.
    public var action: String
    /// A short summary safe to keep forever (counts, ids; no card data, no PINs).
    public var detail: String

    public init(at: Date = Date(), uid: UInt32, userName: String, role: String, action: String, detail: String) {
        self.at = at; self.uid = uid; self.userName = userName; self.role = role; self.action = action; self.detail = detail
    }
}

extension KioskStore {
    /// Appends an audit entry in its own transaction.
    public func appendAudit(_ entry: AuditEntry) async throws(StoreError) {
        do { try await pool.write { db in try entry.insert(db) } } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The newest audit entries first.
    public func auditEntries(limit: Int = 100) async throws(StoreError) -> [AuditEntry] {
        do {
            return try await pool.read { db in
                try AuditEntry.order(AuditEntry.Columns.id.desc).limit(limit).fetchAll(db)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
