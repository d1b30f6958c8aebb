import GRDB

extension Migrations {
    /// 008_documents: Past statements and invoices as printed (SYNC.md "Optional additions"),
    /// and the documents customers ask to be emailed ("Send me this", PROTOCOL.md `document.send`).
    static func documents(_ db: Database) throws {
        try db.execute(sql: """
        -- Per statement, each optional: NULL is unknown, not zero (the aging is all five or none).
        ALTER TABLE statement ADD COLUMN opening_balance INTEGER;
        ALTER TABLE statement ADD COLUMN closing_balance INTEGER;
        ALTER TABLE statement ADD COLUMN aging_current INTEGER;
        ALTER TABLE statement ADD COLUMN aging_1_30 INTEGER;
        ALTER TABLE statement ADD COLUMN aging_31_60 INTEGER;
        ALTER TABLE statement ADD COLUMN aging_61_90 INTEGER;
        ALTER TABLE statement ADD COLUMN aging_over_90 INTEGER;
        CREATE TABLE statement_line (
            account TEXT NOT NULL, statement INTEGER NOT NULL, position INTEGER NOT NULL,
            date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('invoice','finance_charge','debit_adjustment','payment','credit_memo','credit_adjustment')),
            number TEXT NOT NULL, amount INTEGER NOT NULL CHECK (amount >= 0),
            PRIMARY KEY (account, statement, position),
            FOREIGN KEY (account, statement) REFERENCES statement(account, position) ON DELETE CASCADE
        );
        CREATE TABLE invoice_line (
            account TEXT NOT NULL, item TEXT NOT NULL, position INTEGER NOT NULL,
            name TEXT NOT NULL, amount INTEGER NOT NULL,
            PRIMARY KEY (account, item, position),
            FOREIGN KEY (account, item) REFERENCES item(account, id) ON DELETE CASCADE
        );

        -- A document a customer (or staff) asked to have emailed. It lives here, not in the
        -- synced tables, so a sync never erases the audit trail.
        CREATE TABLE document (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('invoice', 'statement', 'receipt')),
            ref TEXT NOT NULL,
            job INTEGER,
            contact TEXT NOT NULL,
            email TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'accepted', 'sent', 'failed')),
            requested_at TEXT NOT NULL,
            accepted_at TEXT,
            sent_at TEXT,
            error TEXT,
            requested_by TEXT NOT NULL,
            -- Its outbox entry: delivered means the back office has it (state accepted).
            outbox_entry INTEGER REFERENCES outbox(id)
        );
        CREATE INDEX document_by_account ON document (account, requested_at);
        CREATE INDEX document_open ON document (state) WHERE state IN ('queued', 'accepted');
        """)
    }
}
