import GRDB

extension Migrations {
    /// 013_audit_chain: the audit log proves itself (issue 15 item 6).
    static func auditChain(_ db: Database) throws {
        // Each row gets the subject it was about (derived from the summary for rows written
        // before this migration; NULL when the summary names none) and is hash-chained to the
        // row before (see AuditChain). Existing rows are chained here, in id order, so an old
        // database verifies. Then triggers refuse UPDATE and DELETE, so not even kioskd's own
        // code can rewrite history; someone with the sqlite3 shell can drop them, which is
        // what `audit.verify` is for.
        try db.execute(sql: """
        ALTER TABLE audit_log ADD COLUMN subject TEXT;
        ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
        ALTER TABLE audit_log ADD COLUMN hash TEXT;
        """)
        var previous = AuditChain.genesis
        let rows = try Row.fetchAll(db, sql: "SELECT id, at, uid, user_name, role, action, detail, NULL AS subject FROM audit_log ORDER BY id")
        for row in rows {
            var fields = AuditChain.fields(row)
            fields.subject = AuditChain.subject(of: fields.detail)
            let hash = AuditChain.hash(previous: previous, fields)
            try db.execute(sql: "UPDATE audit_log SET subject = ?, prev_hash = ?, hash = ? WHERE id = ?",
                           arguments: [fields.subject, previous, hash, fields.id])
            previous = hash
        }
        try db.execute(sql: """
        CREATE INDEX audit_log_at ON audit_log (at);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: its rows cannot be changed'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: its rows cannot be deleted'); END;
        """)
    }
}
