import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore
import KioskFixtures
import Testing
@testable import KioskStore

/// SYNC.md "Changes made at the kiosk" on a real SQLite file, for contacts: a change made here
/// wins over every document until acknowledged, then over documents as of before the
/// acknowledgment; the first document as of it or later supersedes it; a change to a contact
/// the back office removed is dropped and audited. Locks never travel.
@Suite("Store: changes made at the kiosk (contacts)")
struct KioskChangeTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_126_400)
    static let staff = AuditEntry(uid: 1000, userName: "mgr", role: "manager", action: "contact.revoke", detail: "")

    /// The demo document as of `t0 + seconds`; `change` edits it before it is applied.
    static func document(at seconds: TimeInterval, _ change: (inout SyncDocument) -> Void = { _ in }) -> SyncDocument {
        var doc = DemoStore.document(today: DemoStore.today(at: t0), now: Instant(t0))
        doc.asOf = Instant(t0.addingTimeInterval(seconds))
        change(&doc)
        return doc
    }

    final class Kiosk: @unchecked Sendable {
        let directory: String
        let store: KioskStore
        init() async throws {
            directory = try scratchDirectory()
            store = try KioskStore(directory: directory)
            _ = try await store.apply(KioskChangeTests.document(at: 0), audit: nil)
        }
        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func contact(_ id: String, account: String = "1001") async throws -> ContactRecord? {
            try await store.contacts(account: account, now: KioskChangeTests.t0)?.first { $0.id == id }
        }
        func changes() async throws -> Int { try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM kiosk_change") ?? -1 } }
        func contactEntries() async throws -> [OutboxEntry] { try await store.outboxEntries().filter { $0.topic == "contact" } }
    }

    @Test("revoked here: kept over every document until acknowledged at A, then over documents before A; the first at A or later supersedes it")
    func revokeLifecycle() async throws {
        let k = try await Kiosk()
        let before = try #require(try await k.contact("C-1001-1"))
        #expect(!before.revoked && !before.pendingSync)

        let changed = try await k.store.changeContact(account: "1001", contact: "C-1001-1", .revoked(true), by: "manager", kioskID: "K-TEST",
                                                      now: Self.t0.addingTimeInterval(1), audit: Self.staff)
        #expect(changed.revoked && changed.pendingSync)
        // The outbox entry was written with it: the contract's body, without any PIN.
        let entry = try #require(try await k.contactEntries().first)
        let payload = try await k.store.pool.read { db in try String.fetchOne(db, sql: "SELECT payload FROM outbox WHERE id = ?", arguments: [entry.id]) } ?? ""
        let body = try BackOfficeJSON.decode(ContactChangeBody.self, from: Data(payload.utf8))
        #expect(body.change == "revoke" && body.contact == "C-1001-1" && body.revoked == true && body.by == "manager" && body.pinHash == nil)
        // Doing it again changes nothing and writes nothing.
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-1", .revoked(true), by: "manager", kioskID: "K-TEST", now: Self.t0.addingTimeInterval(2), audit: Self.staff)
        let entries = try await k.contactEntries().count, kept = try await k.changes()
        #expect(entries == 1 && kept == 1)

        // Not acknowledged: a document of any as_of is applied, the change goes back on top.
        _ = try await k.store.apply(Self.document(at: 100), audit: nil)
        #expect(try await k.contact("C-1001-1")?.revoked == true)
        #expect(try await k.contact("C-1001-1")?.pendingSync == true)

        // Delivered at A = t0 + 200: acknowledged; a document as of before A still loses.
        try await k.store.markOutboxDelivered(entry.id, at: Self.t0.addingTimeInterval(200))
        #expect(try await k.contact("C-1001-1")?.pendingSync == false)
        _ = try await k.store.apply(Self.document(at: 199), audit: nil)
        #expect(try await k.contact("C-1001-1")?.revoked == true, "a document that predates the acknowledgment does not undo the change")
        #expect(try await k.changes() == 1)

        // The first document as of A or later rules, whatever it says (here: the back office
        // did not keep the revoke).
        _ = try await k.store.apply(Self.document(at: 200), audit: nil)
        #expect(try await k.contact("C-1001-1")?.revoked == false)
        #expect(try await k.changes() == 0)
        // And from then on documents rule: a later one that revokes is applied as it is.
        _ = try await k.store.apply(Self.document(at: 300) { doc in
            doc.accounts[doc.accounts.firstIndex { $0.number == "1001" }!].contacts[0].revoked = true
        }, audit: nil)
        #expect(try await k.contact("C-1001-1")?.revoked == true)
    }

    @Test("an unchanged document still gets the change back on top, and later changes apply in the order made")
    func orderAndUnchangedDocuments() async throws {
        let k = try await Kiosk()
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .profile("full"), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .profile("view"), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .pinHash("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", byContact: false),
                                            by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        _ = try await k.store.apply(Self.document(at: 10), audit: nil)
        _ = try await k.store.apply(Self.document(at: 20), audit: nil)
        let jamie = try #require(try await k.contact("C-1001-2"))
        #expect(jamie.profile == "view" && jamie.pendingSync)
        let hash = try await k.store.signInContacts(account: "1001")?.first { $0.id == "C-1001-2" }?.pinHash
        #expect(hash?.hasPrefix("$pbkdf2-sha256$i=1000$") == true, "the PIN set here stays the PIN")
        #expect(try await k.changes() == 3)
        // An unknown profile is refused and writes nothing.
        await #expect(throws: ContactRefusal.noSuchProfile) {
            _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .profile("nope"), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        }
        await #expect(throws: ContactRefusal.noSuchContact) {
            _ = try await k.store.changeContact(account: "1001", contact: "C-9", .revoked(true), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        }
        #expect(try await k.changes() == 3)
    }

    @Test("a change to a contact the back office removed is dropped and audited")
    func droppedWhenGone() async throws {
        let k = try await Kiosk()
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .revoked(true), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        _ = try await k.store.apply(Self.document(at: 10) { doc in
            let a = doc.accounts.firstIndex { $0.number == "1001" }!
            doc.accounts[a].contacts.removeAll { $0.id == "C-1001-2" }
        }, audit: nil)
        #expect(try await k.contact("C-1001-2") == nil)
        #expect(try await k.changes() == 0)
        let audit = try await k.store.auditEntries()
        #expect(audit.contains { $0.action == "kiosk_change.dropped" && $0.detail.contains("C-1001-2") && $0.detail.contains("no longer has contact") },
                "\(audit)")
    }

    @Test("a PIN set here clears the lock; unlock clears it without telling the back office")
    func locksStayHere() async throws {
        let k = try await Kiosk()
        _ = try await k.store.recordPINFailure(account: "1001", contacts: ["C-1001-1"], at: Self.t0, maxFailures: 2, lockFor: 900)
        _ = try await k.store.recordPINFailure(account: "1001", contacts: ["C-1001-1"], at: Self.t0, maxFailures: 2, lockFor: 900)
        #expect(try await k.contact("C-1001-1")?.lockedUntil != nil)
        let unlocked = try await k.store.unlockContact(account: "1001", contact: "C-1001-1", now: Self.t0, audit: Self.staff)
        #expect(unlocked.lockedUntil == nil && unlocked.failedAttempts == 0 && !unlocked.pendingSync)
        #expect(try await k.contactEntries().isEmpty, "locks never travel")
        _ = try await k.store.recordPINFailure(account: "1001", contacts: ["C-1001-1"], at: Self.t0, maxFailures: 5, lockFor: 900)
        #expect(try await k.contact("C-1001-1")?.failedAttempts == 1)
        let set = try await k.store.changeContact(account: "1001", contact: "C-1001-1", .pinHash("$pbkdf2-sha256$i=1000$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U", byContact: false),
                                                  by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        #expect(set.failedAttempts == 0 && set.hasPIN && set.pendingSync)
    }

    @Test("a stored change this kiosk cannot apply (not an update of a contact's columns) is dropped and audited, and the document still applies")
    func unappliableRowDropped() async throws {
        let k = try await Kiosk()
        _ = try await k.store.changeContact(account: "1001", contact: "C-1001-2", .revoked(true), by: "manager", kioskID: "K-TEST", now: Self.t0, audit: Self.staff)
        try await k.store.pool.write { db in
            try db.execute(sql: "UPDATE kiosk_change SET action = 'delete'")
        }
        _ = try await k.store.apply(Self.document(at: 10), audit: nil)
        #expect(try await k.changes() == 0)
        #expect(try await k.contact("C-1001-2")?.revoked == false, "the document's value stands")
        let audit = try await k.store.auditEntries()
        #expect(audit.contains { $0.action == "kiosk_change.dropped" && $0.detail.contains("only updates a contact's") }, "\(audit)")
    }
}
