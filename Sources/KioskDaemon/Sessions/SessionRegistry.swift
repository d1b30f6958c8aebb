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
