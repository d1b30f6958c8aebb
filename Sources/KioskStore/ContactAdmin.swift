import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// A contact as managers see it: the sync's fields, the kiosk's own sign-in record, and
/// whether a change made here awaits the back office's acknowledgment.
public struct ContactRecord: Sendable, Equatable {
    public let id: String
    public let name: String
    public let email: String?
    public let profile: String
    public let profileName: String
    public let revoked: Bool
    public let hasPIN: Bool
    public let failedAttempts: Int
    /// Only while locked out.
    public let lockedUntil: Date?
    public let pendingSync: Bool
}

/// A profile as the sync defines it.
public struct ProfileRecord: Sendable, Equatable {
    public let id: String
    public let name: String
    public let permissions: [String]
}

/// One change to a contact, made at the kiosk (SYNC.md "Changes made at the kiosk").
public enum ContactChange: Sendable, Equatable {
    /// `contact.revoke` (true) or `contact.restore` (false).
    case revoked(Bool)
    /// `contact.set_profile`.
    case profile(String)
    /// `contact.set_pin` (a manager) or `pin.change` (the contact): the PBKDF2 PHC string only.
    case pinHash(String, byContact: Bool)

    var wireName: String {
        switch self {
        case .revoked(let on): return on ? "revoke" : "restore"
        case .profile: return "set_profile"
        case .pinHash(_, let byContact): return byContact ? "pin_change" : "set_pin"
        }
    }
}

/// Why a contact change was refused (each becomes `not_found` on the wire).
public enum ContactRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchAccount
    case noSuchContact
    case noSuchProfile

    public var description: String {
        switch self {
        case .noSuchAccount: return "no account with that number is on this kiosk"
        case .noSuchContact: return "this account has no contact with that id; `kioskctl contacts list ACCOUNT` shows them"
        case .noSuchProfile: return "no profile with that id; `kioskctl profiles list` shows the profiles the back office defined"
        }
    }
}

extension KioskStore {
    /// The account's contacts in the sync's order; nil when no such account is loaded.
    public func contacts(account: String, now: Date) async throws(StoreError) -> [ContactRecord]? {
        do {
            return try await pool.read { db in
                guard try Self.accountExists(db, account) else { return nil }
                let pending = try KioskChanges.pending(db, topic: .contact, account: account)
                return try Row.fetchAll(db, sql: "SELECT id FROM contact WHERE account = ? ORDER BY position", arguments: [account])
                    .compactMap { row in try Self.contactRecord(db, account: account, id: row["id"], pending: pending, now: now) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Every profile the sync defined, by id.
    public func profiles() async throws(StoreError) -> [ProfileRecord] {
        do {
            return try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT id, name, permissions FROM profile ORDER BY id").map {
                    ProfileRecord(id: $0["id"], name: $0["name"], permissions: Self.permissions($0["permissions"]))
                }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// `contact.unlock`: the lock and failure count cleared, audited. Kiosk-local: nothing goes
    /// to the back office.
    public func unlockContact(account: String, contact: String, now: Date, audit: AuditEntry) async throws -> ContactRecord {
        do {
            return try await pool.write { db in
                let before = try Self.existingContact(db, account: account, contact: contact, now: now)
                try db.execute(sql: "DELETE FROM pin_attempt WHERE account = ? AND contact = ?", arguments: [account, contact])
                var entry = audit
                entry.detail = "contact \(contact) of account \(account) unlocked (had \(before.failedAttempts) failed \(before.failedAttempts == 1 ? "attempt" : "attempts")\(before.lockedUntil == nil ? "" : ", locked"))"
                try entry.insert(db)
                return try Self.existingContact(db, account: account, contact: contact, now: now)
            }
        } catch let refusal as ContactRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Makes `change` to a contact: written at once, kept as a kiosk change, put in the outbox
    /// (topic `contact`) and audited, in ONE transaction. A revoke, restore or profile change
    /// that changes nothing writes nothing. A new PIN hash also clears the lock and failure count.
    /// `by` is who, as the back office is told (`manager`, `technician`, `contact`). The entry's
    /// idempotency key is `<kiosk>:contact:<uuid>`, fixed now.
    public func changeContact(account: String, contact: String, _ change: ContactChange, by: String, kioskID: String, now: Date,
                              audit: AuditEntry) async throws -> ContactRecord {
        do {
            return try await pool.write { db in
                let before = try Self.existingContact(db, account: account, contact: contact, now: now)
                var fields: [String: KioskChangeValue] = [:]
                var body = ContactChangeBody(change: change.wireName, account: account, contact: contact, madeAt: Instant(now).description, by: by)
                let what: String
                switch change {
                case .revoked(let on):
                    guard before.revoked != on else { return before }
                    fields["revoked"] = .flag(on); body.revoked = on
                    what = on ? "revoked" : "restored"
                case .profile(let profile):
                    guard try Bool.fetchOne(db, sql: "SELECT 1 FROM profile WHERE id = ?", arguments: [profile]) == true else {
                        throw ContactRefusal.noSuchProfile
                    }
                    guard before.profile != profile else { return before }
                    fields["profile"] = .text(profile); body.profile = profile
                    what = "profile \(before.profile) -> \(profile)"
                case .pinHash(let hash, let byContact):
                    fields["pin_hash"] = .text(hash); body.pinHash = hash
                    try db.execute(sql: "DELETE FROM pin_attempt WHERE account = ? AND contact = ?", arguments: [account, contact])
                    what = byContact ? "PIN changed by the contact" : "PIN set"
                }
                try Outbox.add(db, topic: .contact, payload: body, key: "\(kioskID):contact:\(UUID().uuidString.lowercased())", payment: nil,
                               dueAt: now, now: now)
                try KioskChanges.record(db, target: .contact, account: account, record: contact, fields: fields,
                                        entry: db.lastInsertedRowID, now: now)
                var entry = audit
                entry.detail = "contact \(contact) of account \(account): \(what)"
                try entry.insert(db)
                return try Self.existingContact(db, account: account, contact: contact, now: now)
            }
        } catch let refusal as ContactRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    private static func accountExists(_ db: Database, _ account: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE number = ?", arguments: [account]) == true
    }

    private static func existingContact(_ db: Database, account: String, contact: String, now: Date) throws -> ContactRecord {
        guard try accountExists(db, account) else { throw ContactRefusal.noSuchAccount }
        let pending = try KioskChanges.pending(db, topic: .contact, account: account)
        guard let record = try contactRecord(db, account: account, id: contact, pending: pending, now: now) else {
            throw ContactRefusal.noSuchContact
        }
        return record
    }

    private static func contactRecord(_ db: Database, account: String, id: String, pending: Set<String>, now: Date) throws -> ContactRecord? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT c.id, c.name, c.email, c.profile, p.name AS profile_name, c.revoked, c.pin_hash IS NOT NULL AS has_pin,
                   a.failures, a.locked_until
            FROM contact c JOIN profile p ON p.id = c.profile
            LEFT JOIN pin_attempt a ON a.account = c.account AND a.contact = c.id
            WHERE c.account = ? AND c.id = ?
            """, arguments: [account, id]) else { return nil }
        let until = (row["locked_until"] as String?).flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        let locked = until.map { $0 > now } ?? false
        return ContactRecord(id: row["id"], name: row["name"], email: row["email"], profile: row["profile"], profileName: row["profile_name"],
                             revoked: row["revoked"], hasPIN: row["has_pin"], failedAttempts: (row["failures"] as Int?) ?? 0,
                             lockedUntil: locked ? until : nil, pendingSync: pending.contains(id))
    }

    private static func permissions(_ json: String?) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data((json ?? "[]").utf8))) ?? []
    }
}
