import GRDB

extension Migrations {
    /// 014_payment_history: every change of a payment's state, with who and when (issue 15
    /// item 5: `payment show`, `report day`).
    static func paymentHistory(_ db: Database) throws {
        // One row per change: `from_state` NULL is the payment being made. The actor is the
        // caller the audit log names (uid, user, role), or the kiosk itself (`kioskd`, role
        // `daemon`, no uid) for what happens on its own: autopay runs, a scheduled payment's
        // day coming, a waiting payment running. No foreign key on `payment`: the history row
        // is written just before the payment row it describes (the triggers below check that).
        try db.execute(sql: """
        CREATE TABLE payment_history (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            payment TEXT NOT NULL,
            from_state TEXT,
            to_state TEXT NOT NULL,
            at TEXT NOT NULL,
            uid INTEGER,
            user_name TEXT,
            role TEXT NOT NULL,
            reason TEXT,
            message TEXT
        );
        CREATE INDEX payment_history_payment ON payment_history (payment, id);
        CREATE INDEX payment_history_at ON payment_history (at);
        -- How the payment pays, for reports by method: card_on_file, bank_account_on_file,
        -- card_swiped or bank_account_typed.
        ALTER TABLE payment ADD COLUMN method_type TEXT;
        """)
        // What older payments used: a capture's own kind; on file, what the payment's outbox
        // entry told the back office (a bank account on file is stored as card_on_file).
        try db.execute(sql: """
        UPDATE payment SET method_type = CASE
            WHEN method_kind = 'capture' THEN
                CASE (SELECT kind FROM sealed_capture c WHERE c.id = payment.card_capture) WHEN 'bank' THEN 'bank_account_typed' ELSE 'card_swiped' END
            WHEN EXISTS (SELECT 1 FROM outbox o WHERE o.payment = payment.id AND o.topic = 'payment'
                         AND json_valid(o.payload) AND json_extract(o.payload, '$.method.bank_account') IS NOT NULL) THEN 'bank_account_on_file'
            ELSE 'card_on_file' END;
        """)
        // Backfill from what is known: the payment was made at created_at, scheduled when it
        // was dated later than that day (or still is scheduled or waiting), else pending; a
        // payment in another state since got there at updated_at, by whoever the audit log
        // last names for it (else role `unknown`).
        try db.execute(sql: """
        INSERT INTO payment_history (payment, from_state, to_state, at, uid, user_name, role, reason, message)
        SELECT id, NULL,
               CASE WHEN state IN ('scheduled', 'waiting') OR (pay_on IS NOT NULL AND pay_on > substr(created_at, 1, 10))
                    THEN 'scheduled' ELSE 'pending' END,
               created_at, NULL, 'kioskd', 'backfill', NULL, NULL
        FROM payment ORDER BY created_at, rowid;
        INSERT INTO payment_history (payment, from_state, to_state, at, uid, user_name, role, reason, message)
        SELECT h.payment, h.to_state, p.state, p.updated_at,
               (SELECT a.uid FROM audit_log a WHERE a.subject = 'payment ' || p.id ORDER BY a.id DESC LIMIT 1),
               (SELECT a.user_name FROM audit_log a WHERE a.subject = 'payment ' || p.id ORDER BY a.id DESC LIMIT 1),
               COALESCE((SELECT a.role FROM audit_log a WHERE a.subject = 'payment ' || p.id ORDER BY a.id DESC LIMIT 1), 'unknown'),
               CASE WHEN p.state = 'rejected' THEN p.reason END, CASE WHEN p.state = 'rejected' THEN p.message END
        FROM payment_history h JOIN payment p ON p.id = h.payment
        WHERE h.from_state IS NULL AND h.to_state <> p.state;
        """)
        // Every write path records its change (PaymentHistory.record) before it writes the
        // payment; a path that forgets is refused here rather than leaving a hole in the history.
        try db.execute(sql: """
        CREATE TRIGGER payment_history_on_insert AFTER INSERT ON payment
            WHEN NOT EXISTS (SELECT 1 FROM payment_history h WHERE h.payment = NEW.id AND h.from_state IS NULL AND h.to_state = NEW.state)
            BEGIN SELECT RAISE(ABORT, 'a payment was written without its history row (PaymentHistory.record)'); END;
        CREATE TRIGGER payment_history_on_state AFTER UPDATE OF state ON payment
            WHEN OLD.state IS NOT NEW.state AND NOT EXISTS (
                SELECT 1 FROM payment_history h WHERE h.id = (SELECT MAX(id) FROM payment_history WHERE payment = NEW.id)
                  AND h.from_state IS OLD.state AND h.to_state = NEW.state)
            BEGIN SELECT RAISE(ABORT, 'a payment changed state without its history row (PaymentHistory.record)'); END;
        """)
    }
}
