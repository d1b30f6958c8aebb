import Foundation
import KioskJSON

/// The outbox topics and where each goes: `payment` to `POST …/payments`, `contact` to
/// `POST …/contacts`, `payment_method` to `POST …/payment-methods`, `document` to
/// `POST …/documents`, `autopay` to `POST …/autopay-rules`, the others to `POST …/notifications` with the topic in `Kiosk-Topic`.
public enum OutboxTopic: String, Sendable, CaseIterable, Codable {
    case payment
    case notification
    case receipt
    case paymentOutcome = "payment.outcome"
    /// A contact changed at the kiosk (``ContactChangeBody``).
    case contact
    /// A payment method saved, removed or made the default here (``PaymentMethodBody``).
    case paymentMethod = "payment_method"
    /// A document the customer asked to be emailed (``DocumentRequestBody``).
    case document
    /// An autopay rule created, changed, moved or deleted here (``AutopayRuleBody``).
    case autopay

    /// The path below `/v1/kiosks/{kiosk}/`.
    public var path: String {
        switch self {
        case .payment: return "payments"
        case .contact: return "contacts"
        case .paymentMethod: return "payment-methods"
        case .document: return "documents"
        case .autopay: return "autopay-rules"
        case .notification, .receipt, .paymentOutcome: return "notifications"
        }
    }

    /// The `Kiosk-Topic` header's value, for the bodies that share `…/notifications`.
    public var kioskTopic: String? { path == "notifications" ? rawValue : nil }

    public static let kioskTopicHeader = "Kiosk-Topic"
}

/// `POST …/heartbeat`: the kiosk is alive, schema `Heartbeat`.
public struct HeartbeatBody: Sendable, Equatable, Codable {
    public struct Device: Sendable, Equatable, Codable {
        public var id: String
        public var driver: String
        public var state: String
        public init(id: String, driver: String, state: String) { self.id = id; self.driver = driver; self.state = state }
    }

    /// How many outbox entries wait, are being sent, or gave up.
    public struct Depth: Sendable, Equatable, Codable {
        public var due: Int
        public var inFlight: Int
        public var dead: Int
        public init(due: Int, inFlight: Int, dead: Int) { self.due = due; self.inFlight = inFlight; self.dead = dead }
        enum CodingKeys: String, CodingKey { case due, inFlight = "in_flight", dead }
    }

    public var kiosk: String
    public var version: String
    public var devices: [Device]
    public var outbox: Depth

    public init(kiosk: String, version: String, devices: [Device], outbox: Depth) {
        self.kiosk = kiosk; self.version = version; self.devices = devices; self.outbox = outbox
    }
}

/// An error answer (RFC 9457 `application/problem+json`), schema `Problem`.
public struct ProblemBody: Sendable, Equatable, Codable {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String?

    public init(type: String = "about:blank", title: String, status: Int, detail: String?) {
        self.type = type; self.title = title; self.status = status; self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case type, title, status, detail }

    /// Read leniently, as RFC 9457 allows: an absent `type` is `about:blank`, and a proxy's
    /// error with only a `detail` or a `title` still yields its sentence.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decodeIfPresent(String.self, forKey: .type) ?? "about:blank"
        title = try c.decodeIfPresent(String.self, forKey: .title) ?? ""
        status = try c.decodeIfPresent(Int.self, forKey: .status) ?? 0
        detail = try c.decodeIfPresent(String.self, forKey: .detail)
    }

    /// The sentence for a person: the detail, else the title (nil when there is neither).
    public var sentence: String? { detail ?? (title.isEmpty ? nil : title) }
}

/// The answer (202) to a notification, receipt or outcome, schema `Accepted`.
public struct AcceptedBody: Sendable, Equatable, Codable {
    public var accepted: Bool
    public init(accepted: Bool = true) { self.accepted = accepted }
}

/// `GET …/sync?since=CURSOR`: 200 with a sync document (docs/SYNC.md; KioskCore's
/// `SyncDocument` reads it, the contract only carries it) and the next cursor in a header,
/// or 204 when nothing is newer.
public enum SyncPull {
    public static let cursorHeader = "Sync-Cursor"

    /// The path below `/v1/kiosks/{kiosk}/`.
    public static func path(since cursor: String) -> String { "sync?since=\(cursor)" }

    /// A document as published: it must at least be a JSON object.
    public static func document(_ data: Data) throws(ContractError) -> [String: JSONValue] {
        try BackOfficeJSON.object(data)
    }
}
