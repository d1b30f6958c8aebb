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
        let contact = try await SignInAttempt(store: store, policy: policy, now: now()).check(params)
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

    /// As ``current(_:)``, with the contact read again from the store: a contact revoked (or
    /// gone) since sign-in ends the session now (`session_expired`), and a changed profile gives
    /// its permissions from this request on. Fails closed when the store cannot be read.
    func currentAsStored(_ connection: ConnectionID) async throws -> Session {
        var session = try current(connection)
        let contacts: [SignInContact]?
        do { contacts = try await store.signInContacts(account: session.account) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk cannot check your sign-in right now; please ask staff (\(error.description))")
        }
        guard let contact = contacts?.first(where: { $0.id == session.contact.id }), !contact.revoked else {
            if sessions[connection]?.token == session.token { sessions[connection] = nil }
            logger.info("session ended: the contact can no longer sign in", metadata: ["account": "\(session.account)", "contact": "\(session.contact.id)"])
            throw RPCError.app(.sessionExpired, "your session ended because your access to this account changed; please see the store")
        }
        session.contact = contact
        if sessions[connection]?.token == session.token { sessions[connection]?.contact = contact }
        return session
    }

    /// Checks a signed-in contact's PIN as a sign-in would (locks respected, a wrong one counted
    /// durably first); reaching the lock ends the session (`locked_out`).
    func checkOwnPIN(_ pin: String, session: Session, connection: ConnectionID) async throws {
        let attempt = SignInAttempt(store: store, policy: policy, now: now())
        do {
            _ = try await attempt.check(SessionBeginParams(account: session.account, pin: pin, contact: session.contact.id))
        } catch let error as RPCError where error.kind == .lockedOut {
            if sessions[connection]?.token == session.token { sessions[connection] = nil }
            logger.info("session ended: locked out while changing the PIN", metadata: ["account": "\(session.account)", "contact": "\(session.contact.id)"])
            throw error
        }
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
