import Foundation
import GRDB

/// `audit_log` rows are `AuditEntry`s: the time as RFC 3339 whole seconds, the uid as an
/// integer; the row id orders them and, with `prev_hash` and `hash`, chains them (see
/// ``AuditChain``). Rows are only ever written by ``AuditEntry/insert(_:)``.
extension AuditEntry: FetchableRecord, TableRecord {
    public static let databaseTableName = "audit_log"

    public enum Columns {
        public static let id = Column("id")
        public static let at = Column("at")
        public static let uid = Column("uid")
        public static let userName = Column("user_name")
        public static let role = Column("role")
        public static let action = Column("action")
        public static let subject = Column("subject")
        public static let detail = Column("detail")
    }

    /// Reads any row, even one someone changed with the sqlite3 shell (a number where text
    /// belongs reads as its text), so listing an altered log never stops the daemon.
    public init(row: Row) throws {
        let at = AuditChain.text(row[Columns.at]) ?? ""
        self.init(at: (try? Date(at, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0),
                  uid: UInt32(truncatingIfNeeded: Int64(AuditChain.text(row[Columns.uid]) ?? "") ?? -1),
                  userName: AuditChain.text(row[Columns.userName]) ?? "", role: AuditChain.text(row[Columns.role]) ?? "",
                  action: AuditChain.text(row[Columns.action]) ?? "",
                  subject: row.hasColumn("subject") ? AuditChain.text(row[Columns.subject]) : nil,
                  detail: AuditChain.text(row[Columns.detail]) ?? "")
    }
}
