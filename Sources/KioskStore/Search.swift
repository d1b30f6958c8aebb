import Foundation
import GRDB

/// One thing the search index found (migration 016): an account (by number, name or company),
/// a contact (by name or email), an invoice (by number) or a PO number.
public struct SearchMatch: Sendable, Equatable {
    /// Best first: the order results are listed in, before their names.
    public enum Rank: Int, Sendable, Comparable {
        case exact = 1, prefix, wordPrefix, substring
        public static func < (a: Rank, b: Rank) -> Bool { a.rawValue < b.rawValue }
    }
    /// `account`, `contact`, `invoice` or `po_number`.
    public var kind: String
    /// The field that held the text: `number`, `name`, `company`, `email` or `po_number`.
    public var field: String
    public var account: String
    public var accountName: String
    /// The contact's id (contacts) or the item's id (invoices and PO numbers).
    public var ref: String?
    /// The matched field's value as stored.
    public var term: String
    /// The contact's name for a contact, else the account's: what ties are ordered by.
    public var name: String
    /// The invoice number of a PO number's invoice.
    public var label: String?
    public var rank: Rank
}

extension KioskStore {
    /// The best `limit` matches for `text`, ranked (exact, prefix, word prefix, substring; ties
    /// by name), and whether more matched. `text` is taken as it is: the caller trims and
    /// screens it (a search never holds card data, as it is never stored or logged either).
    public func search(_ text: String, limit: Int) async throws(StoreError) -> (matches: [SearchMatch], more: Bool) {
        do { return try await pool.read { db in try SearchQuery(text: text, limit: limit).run(db) } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}

/// The two queries behind a search. Exact and prefix matches come from `search_entry.key`'s
/// index, so typing a whole account or invoice number never reads more than its own rows;
/// only when those do not fill the page are word-prefix and substring matches looked for,
/// through the trigram index. That index needs three characters: one or two find exact and
/// prefix matches only (anything more would scan every key: 76 ms on 10,000 accounts, in
/// kioskd-bench, against a few for the indexed tiers). Each stops at the page.
struct SearchQuery {
    let text: String
    let limit: Int

    /// As SQLite's lower() folds `key`: ASCII letters only.
    static func fold(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars {
            scalars.append(s.value >= 0x41 && s.value <= 0x5A ? Unicode.Scalar(s.value + 0x20)! : s)
        }
        return String(scalars)
    }

    /// A GLOB pattern holding `text` literally.
    static func globLiteral(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "*", "?", "[": out += "[\(c)]"
            default: out.append(c)
            }
        }
        return out
    }

    /// An FTS5 phrase holding `text` literally (a trigram phrase matches it as a substring).
    static func phrase(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static let columns = "e.kind, e.field, e.account, e.ref, e.term, e.name, e.label"
    static let order = "tier, name COLLATE NOCASE, account, kind, ref"

    func run(_ db: Database) throws -> ([SearchMatch], Bool) {
        let key = Self.fold(text)
        // Every key starting with `key` sorts before this (no stored text holds U+10FFFF).
        let upper = key + "\u{10FFFF}"
        let wanted = limit + 1
        // One thing has at most three entries (an account's number, name and company), counted
        // once at its best rank: three times the page always holds a page of distinct things.
        let fetch = wanted * 3
        var seen = Set<String>()
        var found: [SearchMatch] = []

        func collect(_ inner: String, _ arguments: StatementArguments) throws {
            let sql = """
                SELECT x.*, (SELECT a.name FROM account a WHERE a.number = x.account) AS account_name
                FROM (\(inner) ORDER BY \(Self.order) LIMIT ?) x ORDER BY \(Self.order)
                """
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments + [fetch]) {
                let kind: String = row["kind"], account: String = row["account"], ref: String? = row["ref"]
                guard seen.insert("\(kind)\u{1F}\(account)\u{1F}\(ref ?? "")").inserted else { continue }
                found.append(SearchMatch(kind: kind, field: row["field"], account: account, accountName: (row["account_name"] as String?) ?? "",
                                         ref: ref, term: row["term"], name: row["name"], label: row["label"],
                                         rank: SearchMatch.Rank(rawValue: row["tier"]) ?? .substring))
            }
        }

        try collect("""
            SELECT \(Self.columns), CASE WHEN e.key = ? THEN 1 ELSE 2 END AS tier
            FROM search_entry e WHERE e.key >= ? AND e.key < ?
            """, [key, key, upper])
        if found.count < wanted, text.unicodeScalars.count >= 3 {
            // A later word starts with the text: the character before it is neither an ASCII
            // letter or digit nor any non-ASCII character (accented letters are letters).
            let word = "*[^0-9a-z\u{80}-\u{10FFFF}]" + Self.globLiteral(key) + "*"
            let rank = "CASE WHEN e.key GLOB ? THEN 3 ELSE 4 END AS tier"
            try collect("""
                SELECT \(Self.columns), \(rank)
                FROM search_trigram JOIN search_entry e ON e.id = search_trigram.rowid
                WHERE search_trigram MATCH ? AND NOT (e.key >= ? AND e.key < ?)
                """, [word, Self.phrase(text), key, upper])
        }
        return (Array(found.prefix(limit)), found.count > limit)
    }
}

/// The search index (migration 016) brought up to date in bulk after many accounts were
/// written, instead of by its per-row triggers.
///
/// Why: the triggers run a small program per account, contact and item row written, plus an
/// FTS5 insert each; on a first sync of 10,000 accounts they made the apply 2.4–3× slower.
/// A streamed sync takes the triggers out of play for its transaction (they are dropped and
/// created again from their own stored SQL before it commits, so other connections never see
/// them missing, and a rollback puts them back), notes each account it writes, and at the end
/// rebuilds exactly those accounts' entries with the migration's own SELECTs: the same rows
/// the triggers would have left (SearchTests and the streamed-sync store tests check).
struct SearchIndexBatch {
    /// The triggers that keep the index in step with account, contact and item rows and the
    /// FTS table in step with search_entry. `search_account_delete` stays: a sync deletes no account.
    static let deferred = ["search_account_insert", "search_account_update", "search_contact_insert", "search_contact_update",
                           "search_contact_delete", "search_item_insert", "search_item_update", "search_item_delete",
                           "search_entry_insert", "search_entry_delete", "search_entry_update"]
    private let triggers: [String]

    /// Drops the triggers (keeping their SQL) and starts the list of written accounts.
    static func begin(_ db: Database) throws -> SearchIndexBatch {
        let names = deferred.map { "'\($0)'" }.joined(separator: ", ")
        let triggers = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name IN (\(names)) ORDER BY name")
        for name in deferred { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS search_batch (account TEXT PRIMARY KEY); DELETE FROM temp.search_batch")
        return SearchIndexBatch(triggers: triggers)
    }

    /// `account`'s rows were (re)written.
    func written(_ db: Database, account: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.search_batch (account) VALUES (?)").execute(arguments: [account])
    }

    /// Replaces the written accounts' entries (and their trigram rows) and restores the triggers.
    func finish(_ db: Database) throws {
        let batch = "(SELECT account FROM temp.search_batch)"
        try db.execute(sql: """
            INSERT INTO search_trigram (search_trigram, rowid, term)
                SELECT 'delete', id, term FROM search_entry WHERE account IN \(batch);
            DELETE FROM search_entry WHERE account IN \(batch);
            INSERT INTO search_entry (kind, field, account, ref, term, key, name, label)
                SELECT 'account', 'number', number, NULL, number, lower(number), name, NULL FROM account WHERE number IN \(batch) AND number <> ''
                UNION ALL SELECT 'account', 'name', number, NULL, name, lower(name), name, NULL FROM account WHERE number IN \(batch) AND name <> ''
                UNION ALL SELECT 'account', 'company', number, NULL, company, lower(company), name, NULL FROM account WHERE number IN \(batch) AND company <> ''
                UNION ALL SELECT 'contact', 'name', account, id, name, lower(name), name, NULL FROM contact WHERE account IN \(batch) AND name <> ''
                UNION ALL SELECT 'contact', 'email', account, id, email, lower(email), name, NULL FROM contact WHERE account IN \(batch) AND email <> ''
                UNION ALL SELECT 'invoice', 'number', i.account, i.id, i.number, lower(i.number), a.name, NULL
                    FROM item i JOIN account a ON a.number = i.account WHERE i.account IN \(batch) AND i.kind = 'invoice' AND i.number <> ''
                UNION ALL SELECT 'po_number', 'po_number', i.account, i.id, i.po_number, lower(i.po_number), a.name, i.number
                    FROM item i JOIN account a ON a.number = i.account WHERE i.account IN \(batch) AND i.kind = 'invoice' AND i.po_number <> '';
            INSERT INTO search_trigram (rowid, term) SELECT id, term FROM search_entry WHERE account IN \(batch);
            DROP TABLE temp.search_batch;
            """)
        for sql in triggers { try db.execute(sql: sql) }
    }
}
