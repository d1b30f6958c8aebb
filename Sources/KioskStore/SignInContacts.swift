import Foundation
import GRDB

/// A contact as sign-in sees it: who may try, with which PIN hash and permissions.
public struct SignInContact: Sendable, Equatable {
    public let account: String
    public let id: String
    public let name: String
    public let profile: String
    public let permissions: [String]
    public let revoked: Bool
    public let pinHash: String?
}

/// A contact's failed-PIN record. `lockedUntil` in the past means the lock has run out.
public struct PINAttemptState: Sendable, Equatable {
    public let failures: Int
    public let lockedUntil: Date?

    public init(failures: Int, lockedUntil: Date?) { self.failures = failures; self.lockedUntil = lockedUntil }

    public func isLocked(at now: Date) -> Bool { lockedUntil.map { $0 > now } ?? false }
}

extension KioskStore {
    /// The account's contacts for sign-in; nil when no such account is loaded.
    public func signInContacts(account: String) async throws(StoreError) -> [SignInContact]? {
        do {
            return try await pool.read { db in
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM account WHERE number = ?", arguments: [account]) == true else { return nil }
                return try Row.fetchAll(db, sql: """
                    SELECT c.id, c.name, c.profile, c.revoked, c.pin_hash, p.permissions
                    FROM contact c JOIN profile p ON p.id = c.profile WHERE c.account = ? ORDER BY c.position
                    """, arguments: [account]).map { row in
                    let permissions = (try? JSONDecoder().decode([String].self, from: Data((row["permissions"] as String? ?? "[]").utf8))) ?? []
                    return SignInContact(account: account, id: row["id"], name: row["name"], profile: row["profile"],
                                         permissions: permissions, revoked: row["revoked"], pinHash: row["pin_hash"])
                }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func pinAttempts(account: String, contact: String) async throws(StoreError) -> PINAttemptState {
        do {
            return try await pool.read { db in try Self.attemptState(db, account: account, contact: contact) }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Counts one wrong PIN against each of `contacts` (durably, before the customer is told),
    /// locking a contact for `lockFor` when it reaches `maxFailures`. A lock that has run out
    /// starts a fresh count.
    public func recordPINFailure(account: String, contacts: [String], at now: Date, maxFailures: Int,
                                 lockFor: TimeInterval) async throws(StoreError) -> [String: PINAttemptState] {
        do {
            return try await pool.write { db in
                var states: [String: PINAttemptState] = [:]
                for contact in contacts {
                    let before = try Self.attemptState(db, account: account, contact: contact)
                    let expired = before.lockedUntil.map { $0 <= now } ?? false
                    let failures = (expired ? 0 : before.failures) + 1
                    let lockedUntil = failures >= maxFailures ? now.addingTimeInterval(lockFor) : (expired ? nil : before.lockedUntil)
                    try db.execute(sql: """
                        INSERT INTO pin_attempt (account, contact, failures, locked_until) VALUES (?, ?, ?, ?)
                        ON CONFLICT(account, contact) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
                        """, arguments: [account, contact, failures >= maxFailures ? 0 : failures,
                                         lockedUntil.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }])
                    states[contact] = PINAttemptState(failures: failures, lockedUntil: lockedUntil)
                }
                return states
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// A right PIN after `recordPINFailure` counted the attempt in advance: the contact who
    /// signed in starts afresh, and every other candidate gets back the state it had before
    /// this attempt, in one transaction.
    public func settleRightPIN(account: String, contact: String, restoring before: [String: PINAttemptState]) async throws(StoreError) {
        do {
            try await pool.write { db in
                try db.execute(sql: "DELETE FROM pin_attempt WHERE account = ? AND contact = ?", arguments: [account, contact])
                for (other, state) in before where other != contact {
                    if state.failures == 0 && state.lockedUntil == nil {
                        try db.execute(sql: "DELETE FROM pin_attempt WHERE account = ? AND contact = ?", arguments: [account, other])
                    } else {
                        try db.execute(sql: """
                            INSERT INTO pin_attempt (account, contact, failures, locked_until) VALUES (?, ?, ?, ?)
                            ON CONFLICT(account, contact) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until
                            """, arguments: [account, other, state.failures,
                                             state.lockedUntil.map { $0.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }])
                    }
                }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    private static func attemptState(_ db: Database, account: String, contact: String) throws -> PINAttemptState {
        guard let row = try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM pin_attempt WHERE account = ? AND contact = ?",
                                         arguments: [account, contact]) else { return PINAttemptState(failures: 0, lockedUntil: nil) }
        let until = (row["locked_until"] as String?).flatMap { try? Date($0, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) }
        return PINAttemptState(failures: row["failures"], lockedUntil: until)
    }
}
