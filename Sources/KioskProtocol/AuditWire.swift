import Foundation

/// `audit.list` params: every filter is optional; rows come newest first, 50 a page.
public struct AuditListParams: Codable, Sendable, Equatable {
    /// Rows written at or after this: RFC 3339 (`2026-12-02T07:00:00Z`) or a day
    /// (`2026-12-02`, from midnight on the kiosk's clock).
    public var since: String?
    /// A user name or a uid.
    public var actor: String?
    /// An action (`contact.revoke`) or its area (`contact`).
    public var action: String?
    /// 0-based.
    public var page: Int?
    public init(since: String? = nil, actor: String? = nil, action: String? = nil, page: Int? = nil) {
        self.since = since; self.actor = actor; self.action = action; self.page = page
    }
}

/// One audit row as `audit.list` shows it.
public struct AuditRow: Codable, Sendable, Equatable {
    public var id: Int64
    /// RFC 3339, UTC.
    public var at: String
    public var uid: UInt32
    public var user: String
    public var role: String
    public var action: String
    /// What the action was about (`payment P2345A`), when known.
    public var subject: String?
    public var summary: String
    public init(id: Int64, at: String, uid: UInt32, user: String, role: String, action: String, subject: String?, summary: String) {
        self.id = id; self.at = at; self.uid = uid; self.user = user; self.role = role; self.action = action
        self.subject = subject; self.summary = summary
    }
}

/// `audit.list` result.
public struct AuditListResult: Codable, Sendable, Equatable {
    public static let pageSize = 50
    public var entries: [AuditRow]
    public var page: Int
    /// Older rows follow on the next page.
    public var more: Bool
    public init(entries: [AuditRow], page: Int, more: Bool) { self.entries = entries; self.page = page; self.more = more }
}

/// `audit.verify` result: `ok` when every row fits the chain; else `first_bad` names the
/// first row edited or missing, with a sentence a person can act on.
public struct AuditVerifyResult: Codable, Sendable, Equatable {
    public struct Problem: Codable, Sendable, Equatable {
        public var id: Int64
        public var problem: String
        public init(id: Int64, problem: String) { self.id = id; self.problem = problem }
    }
    public var ok: Bool
    /// The rows checked (up to the first bad one).
    public var rows: Int
    /// The last row's hash when the chain is whole: noted elsewhere, it anchors a later check.
    public var head: String?
    public var firstBad: Problem?
    public init(ok: Bool, rows: Int, head: String?, firstBad: Problem?) { self.ok = ok; self.rows = rows; self.head = head; self.firstBad = firstBad }
    enum CodingKeys: String, CodingKey { case ok, rows, head, firstBad = "first_bad" }
}
