import GRDB

extension Migrations {
    /// 017_read_indexes: what the hot reads need so they grow with an account's open items,
    /// not its history (issue 16 item 1).
    ///
    /// - `item_open`: the open items of an account in list order (partial: closed items are
    ///   history and are never in it). Balances, summary, open items and a payment's quote
    ///   add up open amounts only, so a closed item changes none of them. Readers must say
    ///   `open_amount <> 0` for SQLite to pick it.
    /// - `sale_by_date`: this year's and last year's sales, and the latest sale, without
    ///   reading older ones (activity).
    /// - `processed_payment_by_date`: the latest processed payment (ties: the later position).
    ///
    /// No full (account, position) index on `item`: only the full loads (documents,
    /// statements, invoice history) sort every item, and each index costs every sync.
    static func readIndexes(_ db: Database) throws {
        try db.execute(sql: """
        CREATE INDEX item_open ON item (account, position) WHERE open_amount <> 0;
        CREATE INDEX sale_by_date ON sale (account, date);
        CREATE INDEX processed_payment_by_date ON processed_payment (account, date, position);
        """)
    }
}
