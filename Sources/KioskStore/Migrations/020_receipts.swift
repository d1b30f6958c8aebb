import GRDB

extension Migrations {
    /// 020_receipts: one row per payment whose receipt was asked for at the kiosk's printer, so a
    /// receipt cut short (paper out, cover open, unplugged) shows in `status` and `receipt.list`
    /// and can be printed again. The receipt's text is never stored: it is rendered afresh from
    /// the payment row (which holds the card only masked) on every attempt.
    static func receipts(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE receipt (
            payment TEXT PRIMARY KEY NOT NULL,
            account TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('printing', 'printed', 'failed')),
            -- why the last attempt failed: paper_out, cover_open, error, offline, disconnected,
            -- no_printer, stalled, interrupted (the daemon stopped mid-print)
            fault TEXT,
            -- the printer's device id of the last attempt
            printer TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            requested_at TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            printed_at TEXT
        );
        CREATE INDEX receipt_by_state ON receipt (state, updated_at);
        """)
    }
}
