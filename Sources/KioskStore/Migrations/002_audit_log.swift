import GRDB

extension Migrations {
    /// 002_audit_log: Who changed what.
    static func auditLog(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            uid INTEGER NOT NULL,
            user_name TEXT NOT NULL,
            role TEXT NOT NULL,
            action TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        """)
    }
}
