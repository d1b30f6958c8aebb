import GRDB

extension Migrations {
    /// 010_payment_methods: Bank accounts on file, payment methods saved or removed at the
    /// kiosk, each scope's default, and bank captures.
    static func paymentMethods(_ db: Database) throws {
        // Issue 13 items 10–12. Bank accounts come with the sync like cards (replaced with
        // the account's other rows). Changes made here are kept apart from the sync's rows
        // (payment_method_change) and laid over them on every read while they win (SYNC.md
        // "Changes made at the kiosk": not yet acknowledged, or acknowledged after the last
        // document's as_of), so a document never erases them. Defaults are kiosk-local, by
        // method id. A payment with a method on file (card or bank account) keeps
        // method_kind 'card_on_file' and the id in card_on_file; a bank capture's id goes in
        // card_capture: the payment table is left as it is.
        // SQLite cannot change a CHECK: sealed_capture is rebuilt to admit kind 'bank' (the
        // migrator runs this with foreign keys off and checks them at the end).
        try db.execute(sql: """
        CREATE TABLE sealed_capture_010 (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('card', 'signature', 'bank')),
            device TEXT NOT NULL,
            key_id TEXT NOT NULL REFERENCES backoffice_key (key_id),
            captured_at TEXT NOT NULL,
            envelope TEXT NOT NULL,
            masked TEXT
        );
        INSERT INTO sealed_capture_010 (id, kind, device, key_id, captured_at, envelope, masked)
            SELECT id, kind, device, key_id, captured_at, envelope, masked FROM sealed_capture ORDER BY rowid;
        DROP TABLE sealed_capture;
        ALTER TABLE sealed_capture_010 RENAME TO sealed_capture;

        CREATE TABLE bank_account_on_file (
            account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
            id TEXT NOT NULL, job INTEGER, description TEXT NOT NULL, token TEXT NOT NULL,
            last4 TEXT NOT NULL, account_type TEXT, position INTEGER NOT NULL,
            PRIMARY KEY (account, id)
        );

        -- One row per change made here, in the order made. A save carries the masked view,
        -- its state (saving until the back office answers, then active or failed), and the
        -- capture it was made from (one save per capture). acknowledged_at: when its outbox
        -- entry was delivered.
        CREATE TABLE payment_method_change (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            method TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('save', 'remove')),
            type TEXT NOT NULL CHECK (type IN ('card', 'bank_account')),
            job INTEGER,
            description TEXT NOT NULL,
            last4 TEXT NOT NULL,
            brand TEXT,
            expiry TEXT,
            account_type TEXT,
            state TEXT NOT NULL CHECK (state IN ('saving', 'active', 'failed')),
            token TEXT,
            error TEXT,
            capture TEXT REFERENCES sealed_capture (id),
            outbox INTEGER REFERENCES outbox (id),
            made_at TEXT NOT NULL,
            acknowledged_at TEXT
        );
        CREATE INDEX payment_method_change_account ON payment_method_change (account, seq);
        CREATE UNIQUE INDEX payment_method_saved_once ON payment_method_change (capture) WHERE capture IS NOT NULL;
        CREATE INDEX payment_method_change_outbox ON payment_method_change (outbox) WHERE outbox IS NOT NULL;

        -- The default of each scope: scope -1 is the whole account, else a job number.
        CREATE TABLE payment_method_default (
            account TEXT NOT NULL,
            scope INTEGER NOT NULL,
            method TEXT NOT NULL,
            PRIMARY KEY (account, scope)
        );
        """)
    }
}
