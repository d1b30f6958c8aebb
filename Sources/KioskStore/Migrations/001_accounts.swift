import GRDB

extension Migrations {
    /// 001_accounts: The synced account data (SYNC.md): one table per array, children cascade with their account.
    static func accounts(_ db: Database) throws {
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
}
