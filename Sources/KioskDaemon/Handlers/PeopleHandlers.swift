import Foundation
import KioskCore
import KioskCrypto
import KioskProtocol
import KioskStore

/// The account's people (PROTOCOL.md "People"): managers list contacts and profiles, unlock,
/// revoke, restore, set a profile or a PIN; a signed-in customer changes their own PIN. Every
/// write is audited and, except an unlock (locks never travel), told to the back office through
/// the outbox in the same transaction; a PIN is only ever kept, sent or logged as its hash.
struct PeopleHandlers: Sendable {
    let store: KioskStore
    let sessions: SessionRegistry
    let kioskID: String
    let now: @Sendable () -> Date

    func register(in table: inout HandlerTable) {
        table.on(Methods.contactsList) { params, _ in
            try Self.checkID(params.account, "params.account", "an account number")
            guard let contacts = try await read({ try await store.contacts(account: params.account, now: now()) }) else {
                throw RPCError.app(.notFound, ContactRefusal.noSuchAccount.description)
            }
            return ContactsListResult(contacts: contacts.map(Self.wire))
        }
        table.on(Methods.profilesList) { _, _ in
            ProfilesListResult(profiles: try await read { try await store.profiles() }.map {
                .init(id: $0.id, name: $0.name, permissions: $0.permissions)
            })
        }
        table.on(Methods.contactUnlock) { params, call in
            try Self.check(params.account, params.contact)
            return Self.wire(try await write { try await store.unlockContact(account: params.account, contact: params.contact, now: now(), audit: call.audit()) })
        }
        table.on(Methods.contactRevoke) { params, call in try await change(params.account, params.contact, .revoked(true), call) }
        table.on(Methods.contactRestore) { params, call in try await change(params.account, params.contact, .revoked(false), call) }
        table.on(Methods.contactSetProfile) { params, call in
            try Self.checkID(params.profile, "params.profile", "a profile id (`profiles.list` shows them)")
            return try await change(params.account, params.contact, .profile(params.profile), call)
        }
        table.on(Methods.contactSetPIN) { params, call in
            try Self.check(params.account, params.contact)
            try Self.checkRules(params.pin)
            return try await change(params.account, params.contact, .pinHash(Self.hash(params.pin), byContact: false), call)
        }
        table.on(Methods.pinChange) { params, call in
            guard let session = call.session else { throw RPCError.app(.notSignedIn, "sign in first: type your account number and PIN") }
            guard (1...32).contains(params.oldPIN.utf8.count) else {
                throw RPCError.invalidParams("invalid params: params.old_pin must be your current PIN as typed (1–32 characters)", path: "params.old_pin")
            }
            // A new PIN that breaks the rules counts nothing: it is refused before the old one is tried.
            try Self.checkRules(params.newPIN)
            try await sessions.checkOwnPIN(params.oldPIN, session: session, connection: call.connection)
            var audit = call.audit()
            audit.userName = "contact \(session.contact.id) (\(call.caller.peer.userName))"
            _ = try await write {
                try await store.changeContact(account: session.account, contact: session.contact.id, .pinHash(Self.hash(params.newPIN), byContact: true),
                                              by: "contact", kioskID: kioskID, now: now(), audit: audit)
            }
            return OKResult()
        }
    }

    private func change(_ account: String, _ contact: String, _ change: ContactChange, _ call: Call) async throws -> ContactInfo {
        try Self.check(account, contact)
        return Self.wire(try await write {
            try await store.changeContact(account: account, contact: contact, change, by: call.caller.role.rawValue, kioskID: kioskID, now: now(), audit: call.audit())
        })
    }

    private func read<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
    }

    private func write<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as ContactRefusal {
            throw RPCError.app(.notFound, refusal.description)
        } catch let error as StoreError {
            throw RPCError.app(.storageUnavailable, "the change was not made: the kiosk's database cannot be written right now (\(error.description))")
        }
    }

    static func wire(_ c: ContactRecord) -> ContactInfo {
        ContactInfo(id: c.id, name: c.name, email: c.email, profile: c.profile, profileName: c.profileName, revoked: c.revoked, hasPIN: c.hasPIN,
                    failedAttempts: c.failedAttempts, lockedUntil: c.lockedUntil.map { Instant($0).description },
                    pendingSync: c.pendingSync)
    }

    /// `invalid_pin` with the first rule broken; the PIN itself is never repeated.
    static func checkRules(_ pin: String) throws {
        guard let problem = PINRules.problem(pin) else { return }
        var error = RPCError.app(.invalidPIN, "that PIN cannot be used: \(problem.sentence)")
        error.data?.reason = problem.rawValue
        throw error
    }

    /// The PBKDF2 PHC string (SYNC.md) with a fresh salt: all the kiosk keeps of a PIN.
    static func hash(_ pin: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return PINHash.make(pin: pin, salt: (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    private static func check(_ account: String, _ contact: String) throws {
        try checkID(account, "params.account", "an account number")
        try checkID(contact, "params.contact", "a contact id (`contacts.list` shows them)")
    }

    private static func checkID(_ value: String, _ path: String, _ what: String) throws {
        guard (1...64).contains(value.utf8.count) else {
            throw RPCError.invalidParams("invalid params: \(path) must be \(what), 1 to 64 characters", path: path)
        }
    }
}
