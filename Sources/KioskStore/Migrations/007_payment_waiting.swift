import GRDB

extension Migrations {
    /// 007_payment_waiting: Waiting payments and held outbox entries.
    static func paymentWaiting(_ db: Database) throws {
        // Issue 11: a scheduled payment whose day comes while another payment of its scope
        // is pending *waits* (DOMAIN.md "Paying"), and its outbox entry is *held* until it
        // becomes pending. SQLite cannot change a CHECK, so both tables are rebuilt (the
        // migrator runs this with foreign keys off and checks them at the end).
        try db.execute(sql: """
        CREATE TABLE payment_007 (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            job INTEGER,
            contact TEXT NOT NULL,
            amount INTEGER NOT NULL CHECK (amount > 0),
            currency TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('pending', 'scheduled', 'waiting', 'processed', 'rejected', 'deleted')),
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
            rejection_seen INTEGER NOT NULL DEFAULT 0,
            -- The pending payment a waiting one waits for.
            waiting_for TEXT,
            -- When a manager here confirmed processing over another payment's invoices.
            overlap_confirmed INTEGER NOT NULL DEFAULT 0
        );
        INSERT INTO payment_007 (id, account, job, contact, amount, currency, state, created_at, updated_at, pay_on,
                                 method_kind, card_on_file, card_capture, method_description, signature_capture,
                                 terms_sha256, signature_binding, reason, message, rejection_seen)
            SELECT id, account, job, contact, amount, currency, state, created_at, updated_at, pay_on,
                   method_kind, card_on_file, card_capture, method_description, signature_capture,
                   terms_sha256, signature_binding, reason, message, rejection_seen FROM payment ORDER BY rowid;
        DROP TABLE payment;
        ALTER TABLE payment_007 RENAME TO payment;
        CREATE INDEX payment_account ON payment (account, state);
        CREATE UNIQUE INDEX payment_card_capture_once ON payment (card_capture) WHERE card_capture IS NOT NULL;
        CREATE UNIQUE INDEX payment_signature_once ON payment (signature_capture);

        CREATE TABLE outbox_007 (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            topic TEXT NOT NULL,
            payload TEXT NOT NULL,
            idempotency_key TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL CHECK (state IN ('due', 'held', 'in_flight', 'delivered', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            created_at TEXT NOT NULL,
            payment TEXT REFERENCES payment (id)
        );
        INSERT INTO outbox_007 (id, topic, payload, idempotency_key, state, attempts, next_attempt_at, last_error, created_at, payment)
            SELECT id, topic, payload, idempotency_key, state, attempts, next_attempt_at, last_error, created_at, payment FROM outbox;
        DROP TABLE outbox;
        ALTER TABLE outbox_007 RENAME TO outbox;
        CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
        CREATE INDEX outbox_by_payment ON outbox (payment) WHERE payment IS NOT NULL;
        """)
    }
}
