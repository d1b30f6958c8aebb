import Foundation

/// `document.send` params: email one document to a contact of the account ("Send me this").
public struct DocumentSendParams: Codable, Sendable, Equatable, NamesAccount {
    public enum Kind: String, Codable, Sendable, CaseIterable { case invoice, statement, receipt }
    public var account: String?
    public var kind: Kind
    /// An invoice id; a statement number or `current`; a payment id (receipt).
    public var id: String
    /// For `current`: the scope of the statement built now.
    public var job: Int?
    /// Staff: the contact to email (required). A session emails its own contact.
    public var contact: String?
    public init(account: String? = nil, kind: Kind, id: String, job: Int? = nil, contact: String? = nil) {
        self.account = account; self.kind = kind; self.id = id; self.job = job; self.contact = contact
    }
}

/// `documents.list` params.
public struct DocumentsListParams: Codable, Sendable, Equatable, NamesAccount {
    public var account: String?
    /// 0-based, 25 a page.
    public var page: Int?
    public init(account: String? = nil, page: Int? = nil) { self.account = account; self.page = page }
}

/// A document asked for, and where its email stands.
public struct DocumentRow: Codable, Sendable, Equatable {
    public var id: String
    /// `invoice`, `statement` or `receipt`.
    public var kind: String
    /// The `id` sent to `document.send`.
    public var ref: String
    public var job: Int?
    public var contact: String
    /// The address as its local part and `@…` (`pat@…`).
    public var to: String
    /// `queued`, `accepted`, `sent` or `failed`.
    public var state: String
    public var requestedAt: String
    public var sentAt: String?
    /// The back office's sentence when `failed`.
    public var error: String?
    enum CodingKeys: String, CodingKey {
        case id, kind, ref, job, contact, to, state, requestedAt = "requested_at", sentAt = "sent_at", error
    }
    public init(id: String, kind: String, ref: String, job: Int?, contact: String, to: String, state: String, requestedAt: String,
                sentAt: String?, error: String?) {
        self.id = id; self.kind = kind; self.ref = ref; self.job = job; self.contact = contact; self.to = to; self.state = state
        self.requestedAt = requestedAt; self.sentAt = sentAt; self.error = error
    }

    /// `pat@doebuilders.example` → `pat@…`: enough for the customer to recognise, not a
    /// full address on a screen in a public place.
    public static func masked(_ email: String) -> String {
        guard let at = email.firstIndex(of: "@") else { return "…" }
        return String(email[..<at]) + "@…"
    }
}

public struct DocumentsListResult: Codable, Sendable, Equatable {
    public static let pageSize = 25
    public var documents: [DocumentRow]
    public var page: Int
    public var more: Bool
    public init(documents: [DocumentRow], page: Int, more: Bool) { self.documents = documents; self.page = page; self.more = more }
}
