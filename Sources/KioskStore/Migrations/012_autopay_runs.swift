import GRDB

extension Migrations {
    /// 012_autopay_runs: rules made here, their signed authorisations, and payments made by rules.
    static func autopayRuns(_ db: Database) throws {
        // Issue 14 items 7–8. A customer who creates or changes a rule signs and accepts the
        // autopay terms: each such binding is a row of autopay_authorization (kept after the
        // rule changes or goes: it is the evidence of what was agreed). A payment a rule makes
        // has no signature of its own: it names the rule (autopay_rule), the authorisation in
        // force when the rule was made here (NULL for a back-office rule: the back office holds
        // its own), and autopay_key = day|rule|scope, unique, so a run repeated after a crash
        // cannot make the same payment twice. SQLite cannot relax NOT NULL: payment is rebuilt
        // (the migrator runs this with foreign keys off and checks them at the end).
        try db.execute(sql: """
        CREATE TABLE autopay_authorization (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            rule TEXT NOT NULL,
            contact TEXT NOT NULL,
            signature_capture TEXT NOT NULL UNIQUE REFERENCES sealed_capture (id),
            terms_sha256 TEXT NOT NULL,
            signature_binding TEXT NOT NULL,
            made_at TEXT NOT NULL
        );
        CREATE INDEX autopay_authorization_rule ON autopay_authorization (account, rule, id);

        -- The last branch day the start-of-day run ran for an account (it runs once a day).
        CREATE TABLE autopay_day (
            account TEXT PRIMARY KEY,
            day TEXT NOT NULL
        );

        CREATE TABLE payment_012 (
            id TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            job INTEGER,
            contact TEXT,
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
            signature_capture TEXT REFERENCES sealed_capture (id),
            terms_sha256 TEXT,
            signature_binding TEXT,
            reason TEXT,
            message TEXT,
            rejection_seen INTEGER NOT NULL DEFAULT 0,
            waiting_for TEXT,
            overlap_confirmed INTEGER NOT NULL DEFAULT 0,
            autopay_rule TEXT,
            autopay_authorization INTEGER REFERENCES autopay_authorization (id),
            autopay_key TEXT,
            -- A customer's payment is signed; only a rule's may go without.
            CHECK (autopay_rule IS NOT NULL OR (contact IS NOT NULL AND signature_capture IS NOT NULL
                                               AND terms_sha256 IS NOT NULL AND signature_binding IS NOT NULL)),
            CHECK ((autopay_rule IS NULL) = (autopay_key IS NULL))
        );
        INSERT INTO payment_012 (id, account, job, contact, amount, currency, state, created_at, updated_at, pay_on,
                                 method_kind, card_on_file, card_capture, method_description, signature_capture,
                                 terms_sha256, signature_binding, reason, message, rejection_seen, waiting_for, overlap_confirmed)
            SELECT id, account, job, contact, amount, currency, state, created_at, updated_at, pay_on,
                   method_kind, card_on_file, card_capture, method_description, signature_capture,
                   terms_sha256, signature_binding, reason, message, rejection_seen, waiting_for, overlap_confirmed
            FROM payment ORDER BY rowid;
        DROP TABLE payment;
        ALTER TABLE payment_012 RENAME TO payment;
        CREATE INDEX payment_account ON payment (account, state);
        CREATE UNIQUE INDEX payment_card_capture_once ON payment (card_capture) WHERE card_capture IS NOT NULL;
        CREATE UNIQUE INDEX payment_signature_once ON payment (signature_capture) WHERE signature_capture IS NOT NULL;
        CREATE UNIQUE INDEX payment_autopay_once ON payment (autopay_key) WHERE autopay_key IS NOT NULL;
        """)
    }
}
