import Foundation

/// `POST …/documents` (outbox topic `document`): a customer asked the kiosk to email a
/// document ("Send me this"), schema `DocumentRequest`. The kiosk sends the document as it
/// showed it (`subject`, `text`: plain text, never a card number), so a back office can send
/// exactly that or build its own from `kind` and `ref`.
public struct DocumentRequestBody: Sendable, Equatable, Codable {
    /// The kiosk's id for this request (the key of the status poll).
    public var document: String
    public var kiosk: String
    public var account: String
    /// `invoice`, `statement` or `receipt`.
    public var kind: String
    /// The invoice id, statement number (or `current`), or payment id the customer asked for.
    public var ref: String
    public var job: Int?
    public var contact: String
    /// The contact's address as the kiosk has it.
    public var to: String
    public var subject: String
    public var text: String
    /// RFC 3339 instant.
    public var requestedAt: String

    public init(document: String, kiosk: String, account: String, kind: String, ref: String, job: Int?, contact: String, to: String,
                subject: String, text: String, requestedAt: String) {
        self.document = document; self.kiosk = kiosk; self.account = account; self.kind = kind; self.ref = ref; self.job = job
        self.contact = contact; self.to = to; self.subject = subject; self.text = text; self.requestedAt = requestedAt
    }

    enum CodingKeys: String, CodingKey {
        case document, kiosk, account, kind, ref, job, contact, to, subject, text, requestedAt = "requested_at"
    }
}

/// The answer to `POST …/documents` (202) and to `GET …/documents/{document}` (200), schema
/// `DocumentStatus`: `accepted` (the back office has it and will send it), then `sent` (the
/// mail relay took it, `sent_at`) or `failed` (`error`: a sentence for the customer and staff).
public struct DocumentStatusBody: Sendable, Equatable, Codable {
    public static let states: Set<String> = ["accepted", "sent", "failed"]
    public var document: String
    public var state: String
    public var sentAt: String?
    public var error: String?

    public init(document: String, state: String, sentAt: String? = nil, error: String? = nil) {
        self.document = document; self.state = state; self.sentAt = sentAt; self.error = error
    }

    enum CodingKeys: String, CodingKey { case document, state, sentAt = "sent_at", error }
}
