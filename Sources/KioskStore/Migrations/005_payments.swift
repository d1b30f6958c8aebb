import GRDB

extension Migrations {
    /// 005_payments: Payments, their lines and the outbox.
    static func payments(_ db: Database) throws {
        try db.execute(sql: """
        -- A payment submitted at the kiosk. Card data is never here: a card swiped now is a
        -- sealed capture (by id), a card on file is the back office's id for it.
        CREATE TABLE payment (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            job INTEGER,
            contact TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'scheduled', 'processed', 'rejected', 'deleted')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            pay_on TEXT,
            method_kind TEXT NOT NULL CHECK (method_kind IN ('card_on_file', 'capture')),
            card_on_file TEXT,
            card_capture TEXT REFERENCES sealed_capture (id),
            method_description TEXT NOT NULL,
            signature_capture TEXT NOT NULL REFERENCES sealed_capture (id),
            terms_sha256 TEXT NOT NULL,
            signature_binding TEXT NOT NULL,
            reason TEXT,
            message TEXT,
            rejection_seen INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX payment_account ON payment (account, state);
        -- A capture pays for one payment only.
        CREATE UNIQUE INDEX payment_card_capture_once ON payment (card_capture) WHERE card_capture IS NOT NULL;
        CREATE UNIQUE INDEX payment_signature_once ON payment (signature_capture);
        -- What was selected: invoices (item ids), finance_charges, or balance.
        CREATE TABLE payment_line (
            payment TEXT NOT NULL REFERENCES payment (id),
            item TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            locked INTEGER NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (payment, item)
        );
        -- Everything the back office must hear, written in the same transaction as its cause.
        -- The idempotency key is fixed at creation: every retry of an entry sends it.
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            payload TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('due', 'in_flight', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            payment TEXT REFERENCES payment (id)
        );
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        """)
    }
}
