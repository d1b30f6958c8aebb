import Foundation

/// `contacts.list` params: the account whose contacts a manager looks at.
public struct ContactsListParams: Codable, Sendable, Equatable {
    public var account: String
    public init(account: String) { self.account = account }
}

/// `contact.unlock`, `contact.revoke`, `contact.restore` params: one contact of one account.
public struct ContactParams: Codable, Sendable, Equatable {
    public var account: String
    public var contact: String
    public init(account: String, contact: String) { self.account = account; self.contact = contact }
}

/// `contact.set_profile` params.
public struct ContactSetProfileParams: Codable, Sendable, Equatable {
    public var account: String
    public var contact: String
    /// A profile id the sync defined (`profiles.list`).
    public var profile: String
    public init(account: String, contact: String, profile: String) { self.account = account; self.contact = contact; self.profile = profile }
}

/// `contact.set_pin` params. The PIN is never logged, audited or echoed; only its PBKDF2
/// hash is kept.
public struct ContactSetPINParams: Codable, Sendable, Equatable {
    public var account: String
    public var contact: String
    public var pin: String
    public init(account: String, contact: String, pin: String) { self.account = account; self.contact = contact; self.pin = pin }
}

/// `pin.change` params: the signed-in contact's own PIN.
public struct PINChangeParams: Codable, Sendable, Equatable {
    public var oldPIN: String
    public var newPIN: String
    public init(oldPIN: String, newPIN: String) { self.oldPIN = oldPIN; self.newPIN = newPIN }
    enum CodingKeys: String, CodingKey { case oldPIN = "old_pin", newPIN = "new_pin" }
}

/// A contact as managers see it (`contacts.list` rows and every `contact.*` result).
public struct ContactInfo: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String?
    public var profile: String
    public var profileName: String
    public var revoked: Bool
    public var hasPIN: Bool
    public var failedAttempts: Int
    /// Only while the contact is locked out (RFC 3339 UTC).
    public var lockedUntil: String?
    /// A change made at this kiosk that the back office has not acknowledged yet.
    public var pendingSync: Bool

    public init(id: String, name: String, email: String?, profile: String, profileName: String, revoked: Bool, hasPIN: Bool,
                failedAttempts: Int, lockedUntil: String?, pendingSync: Bool) {
        self.id = id; self.name = name; self.email = email; self.profile = profile; self.profileName = profileName
        self.revoked = revoked; self.hasPIN = hasPIN; self.failedAttempts = failedAttempts; self.lockedUntil = lockedUntil
        self.pendingSync = pendingSync
    }

    enum CodingKeys: String, CodingKey {
        case id, name, email, profile, profileName = "profile_name", revoked, hasPIN = "has_pin"
        case failedAttempts = "failed_attempts", lockedUntil = "locked_until", pendingSync = "pending_sync"
    }
}

/// `contacts.list` result, in the sync document's order.
public struct ContactsListResult: Codable, Sendable, Equatable {
    public var contacts: [ContactInfo]
    public init(contacts: [ContactInfo]) { self.contacts = contacts }
}

/// `profiles.list` result: the profiles as the sync defines them.
public struct ProfilesListResult: Codable, Sendable, Equatable {
    public struct Profile: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var permissions: [String]
        public init(id: String, name: String, permissions: [String]) { self.id = id; self.name = name; self.permissions = permissions }
    }
    public var profiles: [Profile]
    public init(profiles: [Profile]) { self.profiles = profiles }
}
