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
    private var givenSubject: String?

    /// What the action was about (`payment P2345A`, `contact C-1001-2`): the one given, else
    /// the summary's leading "<kind> <id>" (see ``AuditChain/subject(of:)``), else nil.
    public var subject: String? {
        get { givenSubject ?? AuditChain.subject(of: detail) }
        set { givenSubject = newValue }
    }

    public init(at: Date = Date(), uid: UInt32, userName: String, role: String, action: String, subject: String? = nil, detail: String) {
        self.at = at; self.uid = uid; self.userName = userName; self.role = role; self.action = action; self.detail = detail
        self.givenSubject = subject
    }

    public static func == (a: AuditEntry, b: AuditEntry) -> Bool {
        a.at == b.at && a.uid == b.uid && a.userName == b.userName && a.role == b.role && a.action == b.action
            && a.subject == b.subject && a.detail == b.detail
    }

    /// Appends this entry to the audit log, chained to the row before it (see ``AuditChain``),
    /// in the caller's transaction: it is written with the change it records or not at all.
    public func insert(_ db: Database) throws {
        try AuditChain.append(self, db)
    }
}

/// One stored row of the audit log, with its id (the order rows were written in).
public struct StoredAuditEntry: Sendable, Equatable {
    public var id: Int64
    public var entry: AuditEntry
}

/// Which audit rows `auditPage` returns.
public struct AuditFilter: Sendable, Equatable {
    /// Rows written at or after this time.
    public var since: Date?
    /// A user name, or a uid in decimal (matches either).
    public var actor: String?
    /// An action (`payment.process`) or an area (`payment`: every `payment.*`).
    public var action: String?
    public init(since: Date? = nil, actor: String? = nil, action: String? = nil) {
        self.since = since; self.actor = actor; self.action = action
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

    /// One page (0-based, `pageSize` rows, newest first) of the rows `filter` picks, and
    /// whether older ones follow.
    public func auditPage(_ filter: AuditFilter, page: Int, pageSize: Int = 50) async throws(StoreError) -> (entries: [StoredAuditEntry], more: Bool) {
        do {
            return try await pool.read { db in
                var request = AuditEntry.all()
                if let since = filter.since {
                    request = request.filter(AuditEntry.Columns.at >= since.formatted(Date.ISO8601FormatStyle()))
                }
                if let actor = filter.actor {
                    if let uid = Int64(actor), uid >= 0 {
                        request = request.filter(AuditEntry.Columns.userName == actor || AuditEntry.Columns.uid == uid)
                    } else {
                        request = request.filter(AuditEntry.Columns.userName == actor)
                    }
                }
                if let action = filter.action {
                    let area = action + "."
                    request = request.filter(AuditEntry.Columns.action == action
                                             || SQL("substr(action, 1, \(area.count)) = \(area)").sqlExpression)
                }
                let rows = try request.order(AuditEntry.Columns.id.desc).limit(pageSize + 1, offset: max(0, page) * pageSize)
                    .asRequest(of: Row.self).fetchAll(db)
                let entries = try rows.prefix(pageSize).map { StoredAuditEntry(id: $0[AuditEntry.Columns.id], entry: try AuditEntry(row: $0)) }
                return (entries, rows.count > pageSize)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
