import GRDB

extension Migrations {
    /// 009_kiosk_changes: changes made at the kiosk that a sync document must not undo.
    static func kioskChanges(_ db: Database) throws {
        // Issue 13 (SYNC.md "Changes made at the kiosk"): each change to a record the back office
        // also sends (a contact's revoked/profile/pin_hash today; cards on file and autopay rules
        // later) is kept here with the outbox entry that tells the back office, and applied again
        // on top of every sync document until a document as of its acknowledgment supersedes it.
        try db.execute(sql: """
        CREATE TABLE kiosk_change (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            -- The outbox topic, which also names the kind of record (`contact`).
            topic TEXT NOT NULL,
            -- What it does to the record: contacts are updated; saved cards and rules are
            -- also inserted and deleted here.
            action TEXT NOT NULL CHECK (action IN ('update', 'insert', 'delete')),
            account TEXT NOT NULL,
            -- The record's id inside the account (a contact id).
            record TEXT NOT NULL,
            -- A JSON object: column -> value, as written to the record (never a clear PIN).
            fields TEXT NOT NULL,
            made_at TEXT NOT NULL,
            outbox_entry INTEGER NOT NULL REFERENCES outbox (id),
            -- When the outbox entry was delivered (the back office answered 2xx); NULL before.
            acknowledged_at TEXT
        );
        CREATE INDEX kiosk_change_record ON kiosk_change (topic, account, record);
        CREATE INDEX kiosk_change_entry ON kiosk_change (outbox_entry);
        """)
    }
}
