import GRDB

extension Migrations {
    /// 015_backups: each backup a client saved and each restore, so `status` can say when the
    /// last backup was made, how big and by whom (the audit log has the same as a sentence).
    static func backups(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE backup_log (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL CHECK (kind IN ('backup', 'restore')),
            -- backup: the moment the snapshot shows; restore: when it was restored
            at TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            uid INTEGER NOT NULL,
            user_name TEXT NOT NULL
        )
        """)
    }
}
