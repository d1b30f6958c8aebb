import Foundation
import GRDB

/// `audit_log` rows are `AuditEntry`s: the time as RFC 3339 whole seconds, the uid as an
/// integer; the row id only orders them.
extension AuditEntry: FetchableRecord, PersistableRecord {
    public static let databaseTableName = "audit_log"

    public enum Columns {
        public static let id = Column("id")
        public static let at = Column("at")
        public static let uid = Column("uid")
        public static let userName = Column("user_name")
        public static let role = Column("role")
        public static let action = Column("action")
        public static let detail = Column("detail")
    }

    public init(row: Row) throws {
        self.init(at: (try? Date(row[Columns.at] as String, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0),
                  uid: UInt32(truncatingIfNeeded: row[Columns.uid] as Int64), userName: row[Columns.userName],
                  role: row[Columns.role], action: row[Columns.action], detail: row[Columns.detail])
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container[Columns.at] = at.formatted(Date.ISO8601FormatStyle())
        container[Columns.uid] = Int64(uid)
        container[Columns.userName] = userName
        container[Columns.role] = role
        container[Columns.action] = action
        container[Columns.detail] = detail
    }
}
