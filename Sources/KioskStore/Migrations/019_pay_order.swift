import Foundation
import GRDB
import KioskCore

extension Migrations {
    /// 019_pay_order: `item.pay_order`, a BLOB whose byte order is the pay order
    /// (``PayOrderKey``), and `item_open_invoice`, the open invoices of an account in that
    /// order, so `items.open` reads one page with `ORDER BY pay_order LIMIT/OFFSET` and its
    /// count and totals with aggregates over the index, instead of loading and sorting every
    /// open item (issue 16). The index carries job, id, open amount and kind (every column
    /// those statements name besides the page's own fields: SQLite 3.40 reads the table for a
    /// column the partial index only names in its WHERE) so the scope filter,
    /// the memo exclusions, the totals and the rows an OFFSET skips never touch the table.
    /// `item_open_finance_charge` does the same for the scope's open finance charges (with
    /// 017's `item_open` that sum would read the table row of every open invoice too).
    ///
    /// Rows already stored get their key here, computed in Swift (the key is not SQL): the
    /// sync writer and the post-processing of a payment write it from now on.
    static func payOrder(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE item ADD COLUMN pay_order BLOB")
        let update = try db.makeStatement(sql: "UPDATE item SET pay_order = ? WHERE rowid = ?")
        let rows = try Row.fetchCursor(db, sql: "SELECT rowid, id, number, date, due_date FROM item")
        while let r = try rows.next() {
            guard let date = LocalDate(r[3] as String) else {
                throw DatabaseError(message: "item \(r[1] as String) has a date that is not YYYY-MM-DD: \(r[3] as String)")
            }
            let due: LocalDate? = try (r[4] as String?).map { text in
                guard let d = LocalDate(text) else {
                    throw DatabaseError(message: "item \(r[1] as String) has a due date that is not YYYY-MM-DD: \(text)")
                }
                return d
            }
            let key = PayOrderKey.key(dueDate: due, date: date, number: r[2], id: r[1])
            try update.execute(arguments: [Data(key), r[0] as Int64])
        }
        try db.execute(sql: """
        CREATE INDEX item_open_invoice ON item (account, pay_order, job, id, open_amount, kind)
            WHERE kind = 'invoice' AND open_amount > 0;
        CREATE INDEX item_open_finance_charge ON item (account, job, open_amount, kind)
            WHERE kind = 'finance_charge' AND open_amount > 0
        """)
    }
}
