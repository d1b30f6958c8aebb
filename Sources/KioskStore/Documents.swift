import Foundation
import GRDB
import KioskBackOfficeContract

/// A document a customer (or staff) asked to have emailed, as `documents.list` shows it.
public struct DocumentRecord: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// In the outbox, not yet taken by the back office.
        case queued
        /// The back office has it (its POST answered 2xx) and will send it.
        case accepted
        case sent
        /// The back office could not send it; `error` says why.
        case failed
    }
    public var id: String
    public var account: String
    public var kind: String
    public var ref: String
    public var job: Int?
    public var contact: String
    public var email: String
    public var state: State
    public var requestedAt: String
    public var sentAt: String?
    public var error: String?
}

/// What `requestDocument` needs: who asked for which document, to which address, and the
/// text the back office emails.
public struct DocumentRequest: Sendable {
    public var account: String
    public var kind: String
    public var ref: String
    public var job: Int?
    public var contact: String
    public var email: String
    public var subject: String
    public var text: String
    public var kioskID: String
    public var now: Date
    /// Who asked: `contact C1` inside a session, else the staff member's user name.
    public var requestedBy: String
    public var audit: AuditEntry

    public init(account: String, kind: String, ref: String, job: Int?, contact: String, email: String, subject: String, text: String,
                kioskID: String, now: Date, requestedBy: String, audit: AuditEntry) {
        self.account = account; self.kind = kind; self.ref = ref; self.job = job; self.contact = contact; self.email = email
        self.subject = subject; self.text = text; self.kioskID = kioskID; self.now = now; self.requestedBy = requestedBy; self.audit = audit
    }
}

extension KioskStore {
    /// `D` and eight characters no one misreads (no 0/O, 1/I).
    static let documentAlphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")

    /// Writes the request, its outbox entry (topic `document`, key `<kiosk>:document:<id>`) and
    /// its audit row in ONE transaction: a request is either wholly on its way or not at all.
    public func requestDocument(_ r: DocumentRequest) async throws(StoreError) -> DocumentRecord {
        do {
            return try await pool.write { db in
                var generator = SystemRandomNumberGenerator()
                var id = ""
                repeat {
                    id = "D" + String((0..<8).map { _ in Self.documentAlphabet[Int.random(in: 0..<Self.documentAlphabet.count, using: &generator)] })
                } while try Bool.fetchOne(db, sql: "SELECT 1 FROM document WHERE id = ?", arguments: [id]) == true
                let at = r.now.formatted(Outbox.instant)
                try db.execute(sql: """
                    INSERT INTO document (id, account, kind, ref, job, contact, email, state, requested_at, requested_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?)
                    """, arguments: [id, r.account, r.kind, r.ref, r.job, r.contact, r.email, at, r.requestedBy])
                let body = DocumentRequestBody(document: id, kiosk: r.kioskID, account: r.account, kind: r.kind, ref: r.ref, job: r.job,
                                               contact: r.contact, to: r.email, subject: r.subject, text: r.text, requestedAt: at)
                try Outbox.add(db, topic: .document, payload: body, key: "\(r.kioskID):document:\(id)", payment: nil, dueAt: r.now, now: r.now)
                try db.execute(sql: "UPDATE document SET outbox_entry = ? WHERE id = ?", arguments: [db.lastInsertedRowID, id])
                var audit = r.audit
                audit.detail = "document \(id): \(r.kind) \(r.ref) of account \(r.account) to contact \(r.contact), asked by \(r.requestedBy)"
                try audit.insert(db)
                return try Self.document(db, id: id)!
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// One page of an account's documents (of one contact when named), newest first.
    public func documents(account: String, contact: String?, page: Int, size: Int) async throws(StoreError) -> (rows: [DocumentRecord], more: Bool) {
        do {
            return try await pool.read { db in
                var sql = "SELECT * FROM document WHERE account = ?"
                var arguments: StatementArguments = [account]
                if let contact { sql += " AND contact = ?"; arguments += [contact] }
                sql += " ORDER BY requested_at DESC, rowid DESC LIMIT ? OFFSET ?"
                arguments += [size + 1, page * size]
                let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record)
                return (Array(rows.prefix(size)), rows.count > size)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func document(id: String) async throws(StoreError) -> DocumentRecord? {
        do { return try await pool.read { db in try Self.document(db, id: id) } } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Documents the back office has (their entry was delivered) whose outcome is not known
    /// yet: the relay polls their delivery report.
    public func documentsAwaitingOutcome() async throws(StoreError) -> [String] {
        do {
            return try await pool.read { db in
                try String.fetchAll(db, sql: """
                    SELECT d.id FROM document d JOIN outbox o ON o.id = d.outbox_entry AND o.state = 'delivered'
                    WHERE d.state IN ('queued', 'accepted') ORDER BY d.requested_at
                    """)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// What the back office says about a document: `accepted`, then `sent` or `failed`. A
    /// final state is never changed again; returns true when something changed.
    @discardableResult
    public func applyDocumentStatus(_ status: DocumentStatusBody, now: Date) async throws(StoreError) -> Bool {
        guard let state = DocumentRecord.State(rawValue: status.state), state != .queued else { return false }
        do {
            return try await pool.write { db in
                guard let current = try Self.document(db, id: status.document) else { return false }
                switch (current.state, state) {
                case (.sent, _), (.failed, _), (.accepted, .accepted): return false
                default: break
                }
                let error = state == .failed ? String((status.error ?? "the back office could not send it").prefix(300)) : nil
                let sentAt = state == .sent ? (status.sentAt ?? now.formatted(Outbox.instant)) : nil
                try db.execute(sql: "UPDATE document SET state = ?, accepted_at = COALESCE(accepted_at, ?), sent_at = ?, error = ? WHERE id = ?",
                               arguments: [state.rawValue, now.formatted(Outbox.instant), sentAt, error, status.document])
                try AuditEntry(uid: 0, userName: "back office", role: "backoffice", action: "document.status",
                               detail: "document \(status.document) \(state.rawValue)").insert(db)
                return true
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    static func document(_ db: Database, id: String) throws -> DocumentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM document WHERE id = ?", arguments: [id]).map(record)
    }

    static func record(_ r: Row) -> DocumentRecord {
        DocumentRecord(id: r["id"], account: r["account"], kind: r["kind"], ref: r["ref"], job: r["job"], contact: r["contact"],
                       email: r["email"], state: DocumentRecord.State(rawValue: r["state"]) ?? .queued, requestedAt: r["requested_at"],
                       sentAt: r["sent_at"], error: r["error"])
    }
}
