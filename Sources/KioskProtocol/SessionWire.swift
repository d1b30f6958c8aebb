import Foundation

/// `session.begin` params. `contact` picks who is signing in; without it the PIN is tried
/// against every contact of the account that may sign in (a wrong PIN then counts against all).
public struct SessionBeginParams: Codable, Sendable {
    public var account: String
    public var pin: String
    public var contact: String?
    public init(account: String, pin: String, contact: String? = nil) { self.account = account; self.pin = pin; self.contact = contact }
}

/// `session.begin` result.
public struct SessionBeginResult: Codable, Sendable, Equatable {
    public struct Contact: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var permissions: [String]
        public init(id: String, name: String, permissions: [String]) { self.id = id; self.name = name; self.permissions = permissions }
    }
    public var session: String
    public var account: String
    public var contact: Contact
    /// Seconds of inactivity before the session ends.
    public var expiresIn: Int
    /// Seconds until the session ends whatever happens.
    public var maximumRemaining: Int
    /// Rejected payments to show at sign-in, until acknowledged.
    public var notices: [RejectionNotice]
    public init(session: String, account: String, contact: Contact, expiresIn: Int, maximumRemaining: Int, notices: [RejectionNotice] = []) {
        self.session = session; self.account = account; self.contact = contact; self.expiresIn = expiresIn; self.maximumRemaining = maximumRemaining
        self.notices = notices
    }
    enum CodingKeys: String, CodingKey { case session, account, contact, expiresIn = "expires_in", maximumRemaining = "maximum_remaining", notices }
}
