import Foundation

/// `POST …/contacts`: a contact changed at the kiosk (outbox topic `contact`), schema
/// `ContactChange`. One body per change, carrying only what changed: `revoked`, `profile` or
/// `pin_hash` (the PBKDF2 PHC string of SYNC.md; a clear PIN never leaves the kiosk). The
/// kiosk's sign-in failure counts and locks never travel.
public struct ContactChangeBody: Sendable, Equatable, Codable {
    /// What was done: `revoke`, `restore`, `set_profile`, `set_pin` (a manager), `pin_change`
    /// (the contact, with the old PIN).
    public var change: String
    public var account: String
    public var contact: String
    public var revoked: Bool?
    public var profile: String?
    public var pinHash: String?
    /// RFC 3339 instant, the kiosk's clock.
    public var madeAt: String
    /// Who: `manager`, `technician` or `contact` (the contact themself, signed in).
    public var by: String

    public init(change: String, account: String, contact: String, revoked: Bool? = nil, profile: String? = nil, pinHash: String? = nil,
                madeAt: String, by: String) {
        self.change = change; self.account = account; self.contact = contact; self.revoked = revoked; self.profile = profile
        self.pinHash = pinHash; self.madeAt = madeAt; self.by = by
    }

    enum CodingKeys: String, CodingKey {
        case change, account, contact, revoked, profile, pinHash = "pin_hash", madeAt = "made_at", by
    }
}
