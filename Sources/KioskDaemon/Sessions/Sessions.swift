import Foundation
import KioskCore
import KioskCrypto
import KioskProtocol
import KioskStore
import Logging

/// How long sessions live and how PIN guessing is slowed (docs/CONFIGURATION.md).
public struct SessionPolicy: Sendable, Equatable {
    /// A session ends after this long without a request (the front warns 20 s before).
    public var idleSeconds: Int = 120
    /// A session ends this long after sign-in, however active.
    public var maximumSeconds: Int = 900
    /// Wrong PINs in a row before a contact is locked.
    public var maxPINFailures: Int = 5
    /// How long a lock lasts.
    public var lockMinutes: Int = 15

    public init() {}
}

/// One signed-in customer on one front connection.
struct Session: Sendable {
    let token: String
    let account: String
    let contact: SignInContact
    let started: ContinuousClock.Instant
    var lastActivity: ContinuousClock.Instant

    func allows(_ permission: Permission) -> Bool { contact.permissions.contains(permission.rawValue) }
}

/// Signed-in sessions, one per connection. Time is monotonic, so a clock change cannot extend
/// a session; PIN locks are wall-clock instants in the database, so they survive a restart.
public actor SessionRegistry {
    private var sessions: [ConnectionID: Session] = [:]
    private let store: KioskStore
    private let policy: SessionPolicy
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(store: KioskStore, policy: SessionPolicy, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store; self.policy = policy; self.logger = logger; self.now = now
    }

    /// Checks the PIN and, when right, replaces any session this connection had.
    func begin(_ params: SessionBeginParams, connection: ConnectionID) async throws -> SessionBeginResult {
        sessions[connection] = nil
        let contact = try await SignIn(store: store, policy: policy, now: now()).check(params)
        let token = Self.token()
        let start = ContinuousClock.now
        sessions[connection] = Session(token: token, account: params.account, contact: contact, started: start, lastActivity: start)
        logger.info("signed in", metadata: ["account": "\(params.account)", "contact": "\(contact.id)"])
        return SessionBeginResult(session: token, account: params.account,
                                  contact: .init(id: contact.id, name: contact.name, permissions: contact.permissions),
                                  expiresIn: policy.idleSeconds, maximumRemaining: policy.maximumSeconds,
                                  notices: await Self.rejectionNotices(store, account: params.account))
    }

    /// The connection's live session, refreshed; `not_signed_in` or `session_expired` otherwise.
    func current(_ connection: ConnectionID) throws -> Session {
        guard var session = sessions[connection] else {
            throw RPCError.app(.notSignedIn, "sign in first: type your account number and PIN")
        }
        let clock = ContinuousClock.now
        if clock - session.lastActivity > .seconds(policy.idleSeconds) || clock - session.started > .seconds(policy.maximumSeconds) {
            sessions[connection] = nil
            logger.info("session expired", metadata: ["account": "\(session.account)"])
            throw RPCError.app(.sessionExpired, "your session ended to protect your account; please sign in again")
        }
        session.lastActivity = clock
        sessions[connection] = session
        return session
    }

    func hasSession(_ connection: ConnectionID) -> Bool { sessions[connection] != nil }

    func end(_ connection: ConnectionID) {
        if let session = sessions.removeValue(forKey: connection) {
            logger.info("signed out", metadata: ["account": "\(session.account)"])
        }
    }

    /// Rejections the customer has not acknowledged.
    static func rejectionNotices(_ store: KioskStore, account: String) async -> [RejectionNotice] {
        let rejected = (try? await store.payments(state: .rejected, account: account)) ?? []
        return rejected.filter { !$0.rejectionSeen }.map {
            RejectionNotice(payment: $0.id, amount: $0.amount, currency: $0.currency, createdAt: $0.createdAt,
                            reason: $0.reason ?? "payment_issue_call", message: $0.message ?? "")
        }
    }

    private static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

/// One sign-in attempt: finds the contact, respects locks, verifies the PIN in constant time
/// (outside the registry actor: PBKDF2 is slow on purpose), and records failures durably
/// before the customer is told.
struct SignIn {
    let store: KioskStore
    let policy: SessionPolicy
    let now: Date

    func check(_ params: SessionBeginParams) async throws -> SignInContact {
        guard (1...64).contains(params.account.utf8.count) else {
            throw RPCError.invalidParams("invalid params: params.account must be an account number", path: "params.account")
        }
        guard (1...32).contains(params.pin.utf8.count) else {
            throw RPCError.invalidParams("invalid params: params.pin must be the PIN as typed (1–32 characters)", path: "params.pin")
        }
        let all: [SignInContact]
        do {
            guard let found = try await store.signInContacts(account: params.account) else {
                throw RPCError.app(.notFound, "No account matches the number you typed. Check the number on your statement, or ask staff.")
            }
            all = found
        } catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }

        let candidates: [SignInContact]
        if let wanted = params.contact {
            guard let contact = all.first(where: { $0.id == wanted }) else {
                throw RPCError.app(.notFound, "no such contact on this account; choose your name again")
            }
            guard !contact.revoked else {
                throw RPCError.app(.permissionDenied, "\(contact.name) can no longer sign in at the kiosk; please see the store")
            }
            candidates = [contact]
        } else {
            candidates = all.filter { !$0.revoked }
        }
        guard candidates.contains(where: { $0.pinHash != nil }) else {
            throw RPCError.app(.permissionDenied, "no one on this account is set up to sign in at the kiosk; please see the store")
        }

        // Locked contacts are not tried at all; when every candidate is locked, say until when.
        var open: [SignInContact] = []
        var before: [String: PINAttemptState] = [:]
        var soonest: Date?
        for contact in candidates where contact.pinHash != nil {
            let state = try await attempts(contact)
            if state.isLocked(at: now), let until = state.lockedUntil { soonest = min(soonest ?? until, until) } else {
                open.append(contact)
                before[contact.id] = state
            }
        }
        guard !open.isEmpty else { throw lockedOut(until: soonest ?? now) }

        // Fail closed: the attempt is counted as a failure durably BEFORE any PIN is checked.
        // When the database cannot take that write (disk full, read-only, I/O error) no PIN is
        // verified at all, so a failing disk never allows unlimited guesses. A right PIN then
        // undoes the count.
        let states: [String: PINAttemptState]
        do {
            states = try await store.recordPINFailure(account: params.account, contacts: open.map(\.id), at: now,
                                                      maxFailures: policy.maxPINFailures, lockFor: TimeInterval(policy.lockMinutes * 60))
        } catch { throw pinNotCheckable(error) }

        var pin = Array(params.pin.utf8)
        defer { for i in pin.indices { pin[i] = 0 } }
        let match = pin.withUnsafeBytes { buffer in
            open.first { contact in contact.pinHash.flatMap(PINHash.init(phc:))?.verify(pin: buffer) ?? false }
        }
        if let match {
            do { try await store.settleRightPIN(account: match.account, contact: match.id, restoring: before) }
            catch { throw pinNotCheckable(error) }
            return match
        }
        if let until = states.values.compactMap(\.lockedUntil).filter({ $0 > now }).min(), states.values.allSatisfy({ $0.isLocked(at: now) }) {
            throw lockedOut(until: until)
        }
        let left = max(1, policy.maxPINFailures - (states.values.map(\.failures).max() ?? 0))
        var error = RPCError.app(.permissionDenied, "that PIN is not right; \(left) \(left == 1 ? "try" : "tries") left before sign-in is locked for \(policy.lockMinutes) minutes")
        error.data?.attemptsLeft = left
        throw error
    }

    private func attempts(_ contact: SignInContact) async throws -> PINAttemptState {
        do { return try await store.pinAttempts(account: contact.account, contact: contact.id) }
        catch { throw pinNotCheckable(error) }
    }

    /// Sign-in is closed while attempts cannot be counted; the customer is told in their words.
    private func pinNotCheckable(_ error: StoreError) -> RPCError {
        RPCError.app(.storageUnavailable, "Sign-in is unavailable right now because the kiosk cannot record attempts. Please ask staff. (\(error.description))")
    }

    private func lockedOut(until: Date) -> RPCError {
        let seconds = max(1, Int(until.timeIntervalSince(now).rounded(.up)))
        let minutes = (seconds + 59) / 60
        var error = RPCError.app(.lockedOut, "too many wrong PINs: sign-in is locked for \(minutes) more \(minutes == 1 ? "minute" : "minutes"); try again later or ask staff")
        error.data?.retryAfter = seconds
        return error
    }
}
