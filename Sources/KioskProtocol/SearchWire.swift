import Foundation

/// `search` params: what a manager typed (1–64 characters, never card data) and how many
/// results to return (1–100, default 20).
public struct SearchParams: Codable, Sendable, Equatable {
    public static let defaultLimit = 20
    public static let maximumLimit = 100
    public static let textLength = 1...64
    public var text: String
    public var limit: Int?
    public init(text: String, limit: Int? = nil) { self.text = text; self.limit = limit }
}

/// One thing `search` found. `kind` says what it is; `match` which of its fields held the text
/// and `text` that field's stored value; `rank` how well it matched (``Rank``).
public struct SearchHit: Codable, Sendable, Equatable {
    /// How a field matched, best first: results are ordered by rank, then by name.
    public enum Rank: Int, Codable, Sendable, Comparable, CaseIterable {
        /// The whole field is the text (any case): an account, invoice or PO number typed in full.
        case exact = 1
        /// The field starts with the text.
        case prefix = 2
        /// A later word of the field starts with the text ("doe" in "Pat Doe", "Pat.Doe@…").
        case wordPrefix = 3
        /// The text is somewhere inside the field.
        case substring = 4
        public static func < (a: Rank, b: Rank) -> Bool { a.rawValue < b.rawValue }
    }

    public struct ContactRef: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    public struct InvoiceRef: Codable, Sendable, Equatable {
        public var id: String
        public var number: String
        public init(id: String, number: String) { self.id = id; self.number = number }
    }

    /// `account`, `contact`, `invoice` or `po_number`.
    public var kind: String
    public var account: String
    public var accountName: String
    public var contact: ContactRef?
    /// The invoice (for `invoice`, and the invoice carrying the PO for `po_number`).
    public var invoice: InvoiceRef?
    public var poNumber: String?
    /// The field that matched: `number`, `name`, `company` (accounts), `name`, `email`
    /// (contacts), `number` (invoices), `po_number`.
    public var match: String
    /// The matched field's value as stored.
    public var text: String
    public var rank: Rank

    public init(kind: String, account: String, accountName: String, contact: ContactRef? = nil, invoice: InvoiceRef? = nil,
                poNumber: String? = nil, match: String, text: String, rank: Rank) {
        self.kind = kind; self.account = account; self.accountName = accountName; self.contact = contact
        self.invoice = invoice; self.poNumber = poNumber; self.match = match; self.text = text; self.rank = rank
    }

    enum CodingKeys: String, CodingKey {
        case kind, account, accountName = "account_name", contact, invoice, poNumber = "po_number", match, text, rank
    }
}

/// `search` result: at most `limit` hits, best first; `more` when others matched too.
public struct SearchResult: Codable, Sendable, Equatable {
    public var results: [SearchHit]
    public var more: Bool
    public init(results: [SearchHit], more: Bool) { self.results = results; self.more = more }
}
