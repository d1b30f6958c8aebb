import GRDB

/// Numbered, append-only schema migrations. Never edit a shipped one: add the next number.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001_accounts") { db in
            try db.execute(sql: """
            CREATE TABLE sync_state (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                as_of TEXT NOT NULL,
                currency TEXT NOT NULL,
                receivables_manager TEXT,
                applied_at TEXT NOT NULL
            );
            CREATE TABLE store_user (
                id TEXT PRIMARY KEY, first_name TEXT NOT NULL, last_name TEXT NOT NULL,
                email TEXT, cell TEXT, notify TEXT NOT NULL
            );
            CREATE TABLE branch (
                id TEXT PRIMARY KEY, name TEXT NOT NULL, time_zone TEXT NOT NULL,
                accept_online_payments INTEGER NOT NULL, pay_finance_charges_first INTEGER NOT NULL,
                terms TEXT, notify_email TEXT, notify_user TEXT REFERENCES store_user(id)
            );
            CREATE TABLE profile (id TEXT PRIMARY KEY, name TEXT NOT NULL, permissions TEXT NOT NULL);
            CREATE TABLE account (
                number TEXT PRIMARY KEY, name TEXT NOT NULL, company TEXT,
                address_1 TEXT, address_2 TEXT, city TEXT, region TEXT, postal_code TEXT, country TEXT, phone TEXT,
                branch TEXT NOT NULL REFERENCES branch(id),
                credit_limit INTEGER NOT NULL, pending_transactions INTEGER NOT NULL,
                receivables_type TEXT NOT NULL CHECK (receivables_type IN ('open_item','balance_forward')),
                billing_type TEXT NOT NULL CHECK (billing_type IN ('account','job')),
                assigned_user TEXT REFERENCES store_user(id),
                link_erp TEXT, link_accounting TEXT, link_gateway TEXT,
                currency TEXT NOT NULL,
                fingerprint TEXT NOT NULL,
                as_of TEXT NOT NULL
            );
            CREATE TABLE job (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                number INTEGER NOT NULL, name TEXT NOT NULL,
                PRIMARY KEY (account, number)
            );
            CREATE TABLE contact (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                id TEXT NOT NULL, name TEXT NOT NULL, email TEXT,
                profile TEXT NOT NULL REFERENCES profile(id),
                revoked INTEGER NOT NULL, pin_hash TEXT, position INTEGER NOT NULL,
                PRIMARY KEY (account, id)
            );
            CREATE TABLE item (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('invoice','finance_charge','debit_adjustment','payment','credit_memo','credit_adjustment')),
                number TEXT NOT NULL, job INTEGER, date TEXT NOT NULL, due_date TEXT, po_number TEXT,
                amount INTEGER NOT NULL CHECK (amount >= 0),
                open_amount INTEGER NOT NULL CHECK (open_amount >= 0 AND open_amount <= amount),
                billed INTEGER NOT NULL, linked_invoice TEXT, position INTEGER NOT NULL,
                PRIMARY KEY (account, id),
                FOREIGN KEY (account, job) REFERENCES job(account, number)
            );
            CREATE TABLE sale (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                position INTEGER NOT NULL, date TEXT NOT NULL, job INTEGER,
                kind TEXT NOT NULL CHECK (kind IN ('sale','adjustment')),
                amount INTEGER NOT NULL, tax INTEGER NOT NULL, charge INTEGER NOT NULL, gift_card INTEGER NOT NULL,
                PRIMARY KEY (account, position),
                FOREIGN KEY (account, job) REFERENCES job(account, number)
            );
            CREATE TABLE processed_payment (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                id TEXT NOT NULL, job INTEGER, date TEXT NOT NULL, amount INTEGER NOT NULL,
                method TEXT NOT NULL, position INTEGER NOT NULL,
                PRIMARY KEY (account, id),
                FOREIGN KEY (account, job) REFERENCES job(account, number)
            );
            CREATE TABLE payment_application (
                account TEXT NOT NULL, payment TEXT NOT NULL, position INTEGER NOT NULL,
                item TEXT NOT NULL, amount INTEGER NOT NULL,
                PRIMARY KEY (account, payment, position),
                FOREIGN KEY (account, payment) REFERENCES processed_payment(account, id) ON DELETE CASCADE
            );
            CREATE TABLE card_on_file (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                id TEXT NOT NULL, job INTEGER, description TEXT NOT NULL, token TEXT NOT NULL,
                brand TEXT NOT NULL, last4 TEXT NOT NULL, expiry TEXT NOT NULL, position INTEGER NOT NULL,
                PRIMARY KEY (account, id)
            );
            CREATE TABLE statement (
                account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
                position INTEGER NOT NULL, number TEXT NOT NULL, issued_at TEXT NOT NULL, job INTEGER,
                PRIMARY KEY (account, position)
            );
            CREATE INDEX item_by_invoice_link ON item(account, linked_invoice) WHERE linked_invoice IS NOT NULL;
            """)
        }
        migrator.registerMigration("002_audit_log") { db in
            try db.execute(sql: """
            CREATE TABLE audit_log (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                at TEXT NOT NULL,
                uid INTEGER NOT NULL,
                user_name TEXT NOT NULL,
                role TEXT NOT NULL,
                action TEXT NOT NULL,
                detail TEXT NOT NULL
            );
            """)
        }
        migrator.registerMigration("003_allowed_devices") { db in
            try db.execute(sql: """
            CREATE TABLE allowed_device (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL,
                allowed_at TEXT NOT NULL,
                allowed_by_uid INTEGER NOT NULL
            );
            """)
        }
        migrator.registerMigration("004_sealing") { db in
            // Every back-office public key ever installed stays, so a stored capture's key id
            // always names a row; exactly one row is active (new captures use it).
            try db.execute(sql: """
            CREATE TABLE backoffice_key (
                key_id TEXT PRIMARY KEY,
                public_key BLOB NOT NULL,
                fingerprint TEXT NOT NULL,
                installed_at TEXT NOT NULL,
                installed_by_uid INTEGER NOT NULL,
                active INTEGER NOT NULL CHECK (active IN (0, 1))
            );
            CREATE UNIQUE INDEX backoffice_key_one_active ON backoffice_key (active) WHERE active = 1;
            -- Sealed captures: the envelope (JSON) is all the kiosk keeps of card data and
            -- signatures; masked is the display view of a card, never the PAN.
            CREATE TABLE sealed_capture (
                id TEXT PRIMARY KEY,
                kind TEXT NOT NULL CHECK (kind IN ('card', 'signature')),
                device TEXT NOT NULL,
                key_id TEXT NOT NULL REFERENCES backoffice_key (key_id),
                captured_at TEXT NOT NULL,
                envelope TEXT NOT NULL,
                masked TEXT
            );
            -- Failed PIN attempts per contact, so a lock survives a restart.
            CREATE TABLE pin_attempt (
                account TEXT NOT NULL,
                contact TEXT NOT NULL,
                failures INTEGER NOT NULL,
                locked_until TEXT,
                PRIMARY KEY (account, contact)
            );
            """)
        }
        migrator.registerMigration("005_payments") { db in
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
        migrator.registerMigration("006_backoffice_link") { db in
            // Sync cursor, last contact and last error of the back-office link.
            try db.execute(sql: "CREATE TABLE link_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        }
        migrator.registerMigration("007_payment_waiting") { db in
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
        return migrator
    }
}
