import GRDB

extension Migrations {
    /// 011_autopay_rules: an account's autopay rules, in order (issue 14). The sync's
    /// `autopay_rules` replaces them when present; a document without the member leaves them
    /// as they are, so a back office that does not manage autopay never erases rules. The
    /// criteria are kept as the JSON rows the rule was saved with (already validated).
    static func autopayRules(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE autopay_rule (
            account TEXT NOT NULL REFERENCES account(number) ON DELETE CASCADE,
            id TEXT NOT NULL,
            position INTEGER NOT NULL CHECK (position >= 1),
            method_kind TEXT NOT NULL CHECK (method_kind IN ('card_on_file', 'bank_account')),
            method_id TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            locked INTEGER NOT NULL,
            criteria TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('backoffice', 'kiosk')),
            PRIMARY KEY (account, id),
            UNIQUE (account, position)
        );
        """)
    }
}
