import Foundation
import GRDB
import KioskBackOfficeContract
import KioskSystem

/// The reference back office's own SQLite: what it received (by idempotency key, with the
/// first answer it gave), the payments and what was decided about them, sync documents to
/// serve, and heartbeats. WAL, so the operator's commands work while the server runs.
final class BackOfficeStore: Sendable {
    let pool: DatabasePool

    init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(5)
        // Payments and opened captures: 0600 whatever the umask (SQLite would make it 0644, and
        // gives the -wal and -shm files the database's mode).
        let fd = FileModes.open(path, flags: O_RDONLY, mode: FileModes.database)
        if fd >= 0 { close(fd) }
        for companion in [path + "-wal", path + "-shm"] { FileModes.narrow(path: companion, to: FileModes.database) }
        pool = try DatabasePool(path: path, configuration: config)
        var migrator = DatabaseMigrator()
        migrator.registerMigration("001") { db in
            try db.execute(sql: """
            CREATE TABLE answered (
                idempotency_key TEXT PRIMARY KEY, kiosk TEXT NOT NULL, topic TEXT NOT NULL,
                status_code INTEGER NOT NULL, body TEXT NOT NULL, received_at TEXT NOT NULL
            );
            CREATE TABLE payment (
                kiosk TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL,
                currency TEXT NOT NULL, status TEXT NOT NULL, reason TEXT, message TEXT,
                signature_opened INTEGER NOT NULL, card_opened INTEGER, payload TEXT NOT NULL,
                received_at TEXT NOT NULL, PRIMARY KEY (kiosk, id)
            );
            CREATE TABLE message (
                idempotency_key TEXT PRIMARY KEY, kiosk TEXT NOT NULL, topic TEXT NOT NULL,
                payload TEXT NOT NULL, received_at TEXT NOT NULL
            );
            CREATE TABLE sync_document (cursor INTEGER PRIMARY KEY AUTOINCREMENT, body TEXT NOT NULL, published_at TEXT NOT NULL);
            CREATE TABLE heartbeat (kiosk TEXT PRIMARY KEY, body TEXT NOT NULL, at TEXT NOT NULL, count INTEGER NOT NULL);
            """)
        }
        migrator.registerMigration("002_payment_methods") { db in
            // Cards and bank accounts saved, removed or made the default at kiosks, with the
            // token vaulted for a save (the reference server's stand-in for a gateway vault).
            try db.execute(sql: """
            CREATE TABLE payment_method (
                idempotency_key TEXT PRIMARY KEY, kiosk TEXT NOT NULL, method TEXT NOT NULL, account TEXT NOT NULL,
                action TEXT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, token TEXT, error TEXT,
                capture_opened INTEGER, payload TEXT NOT NULL, received_at TEXT NOT NULL
            );
            """)
        }
        migrator.registerMigration("003_documents") { db in
            // Documents kiosks asked to have emailed, and what became of each email.
            try db.execute(sql: """
            CREATE TABLE document (
                kiosk TEXT NOT NULL, id TEXT NOT NULL, account TEXT NOT NULL, kind TEXT NOT NULL, ref TEXT NOT NULL,
                to_address TEXT NOT NULL, subject TEXT NOT NULL, text TEXT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('accepted', 'sent', 'failed')), sent_at TEXT, error TEXT,
                received_at TEXT NOT NULL, PRIMARY KEY (kiosk, id)
            );
            """)
        }
        try migrator.migrate(pool)
    }

    /// Records a payment-method change and its answer in one transaction: a save whose capture
    /// opened is vaulted (`active` with a token), one that did not is `failed`; remove and
    /// set_default are `accepted`. A replay returns the first answer.
    func receivePaymentMethod(kiosk: String, key: String, body: PaymentMethodBody, raw: String,
                              captureOpened: Bool?) throws -> (status: Int, body: String) {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status_code, body FROM answered WHERE idempotency_key = ?", arguments: [key]) {
                return (row["status_code"], row["body"])
            }
            let answer: PaymentMethodStatusBody
            switch body.action {
            case .save where captureOpened == true:
                answer = PaymentMethodStatusBody(method: body.method, status: "active", token: "vault-\(UUID().uuidString.prefix(13).lowercased())")
            case .save:
                answer = PaymentMethodStatusBody(method: body.method, status: "failed",
                                                 error: body.type == "card" ? "The card could not be read by the back office; please swipe it again."
                                                                            : "The bank account could not be read by the back office; please type it again.")
            case .remove, .setDefault:
                answer = PaymentMethodStatusBody(method: body.method, status: "accepted")
            }
            try db.execute(sql: """
                INSERT INTO payment_method (idempotency_key, kiosk, method, account, action, type, status, token, error, capture_opened, payload, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [key, kiosk, body.method, body.account, body.action.rawValue, body.type, answer.status, answer.token, answer.error,
                                 captureOpened, raw, Self.now])
            let text = try BackOfficeJSON.text(answer)
            try db.execute(sql: "INSERT INTO answered (idempotency_key, kiosk, topic, status_code, body, received_at) VALUES (?, ?, 'payment_method', 201, ?, ?)",
                           arguments: [key, kiosk, text, Self.now])
            return (201, text)
        }
    }

    /// Records a document request and the answer for its key in one transaction. `isNew` is
    /// false for a replayed key or a document already known: it is not sent twice.
    func receiveDocument(kiosk: String, key: String, document d: DocumentRequestBody) throws -> (status: Int, body: String, isNew: Bool) {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status_code, body FROM answered WHERE idempotency_key = ?", arguments: [key]) {
                return (row["status_code"], row["body"], false)
            }
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM document WHERE kiosk = ? AND id = ?", arguments: [kiosk, d.document]) == true
            if !known {
                try db.execute(sql: """
                    INSERT INTO document (kiosk, id, account, kind, ref, to_address, subject, text, state, received_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?)
                    """, arguments: [kiosk, d.document, d.account, d.kind, d.ref, d.to, d.subject, d.text, Self.now])
            }
            let body = try Self.documentBody(db, kiosk: kiosk, id: d.document) ?? "{}"
            try db.execute(sql: "INSERT INTO answered (idempotency_key, kiosk, topic, status_code, body, received_at) VALUES (?, ?, 'document', 202, ?, ?)",
                           arguments: [key, kiosk, body, Self.now])
            return (202, body, !known)
        }
    }

    /// The delivery report of a document (`DocumentStatus`), or nil when unknown.
    func documentStatus(kiosk: String, id: String) throws -> String? {
        try pool.read { db in try Self.documentBody(db, kiosk: kiosk, id: id) }
    }

    static func documentBody(_ db: Database, kiosk: String, id: String) throws -> String? {
        guard let row = try Row.fetchOne(db, sql: "SELECT state, sent_at, error FROM document WHERE kiosk = ? AND id = ?", arguments: [kiosk, id]) else {
            return nil
        }
        return try BackOfficeJSON.text(DocumentStatusBody(document: id, state: row["state"], sentAt: row["sent_at"], error: row["error"]))
    }

    /// What the mail relay did with a document: sent, or failed with a sentence.
    func documentOutcome(kiosk: String, id: String, error: String?) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE document SET state = ?, sent_at = ?, error = ? WHERE kiosk = ? AND id = ? AND state = 'accepted'",
                           arguments: [error == nil ? "sent" : "failed", error == nil ? Self.now : nil, error, kiosk, id])
        }
    }

    func documents() throws -> [Row] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT kiosk, id, account, kind, ref, to_address, state, sent_at, error, received_at FROM document ORDER BY received_at, id") }
    }

    static var now: String { Date().formatted(Date.ISO8601FormatStyle()) }

    /// The first answer given for `key`, if any.
    func answer(for key: String) throws -> (status: Int, body: String)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT status_code, body FROM answered WHERE idempotency_key = ?", arguments: [key])
                .map { ($0["status_code"], $0["body"]) }
        }
    }

    /// Records a payment and the answer for its key in one transaction; a replay (same key)
    /// returns the stored answer and changes nothing.
    func receivePayment(kiosk: String, key: String, payment: PaymentBody, raw: String,
                        signatureOpened: Bool, cardOpened: Bool?) throws -> (status: Int, body: String) {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status_code, body FROM answered WHERE idempotency_key = ?", arguments: [key]) {
                return (row["status_code"], row["body"])
            }
            let id = payment.payment
            // The same payment under another key (a kiosk bug) is answered with its status, not stored twice.
            let existing = try String.fetchOne(db, sql: "SELECT status FROM payment WHERE kiosk = ? AND id = ?", arguments: [kiosk, id])
            if existing == nil {
                try db.execute(sql: """
                    INSERT INTO payment (kiosk, id, account, amount, currency, status, signature_opened, card_opened, payload, received_at)
                    VALUES (?, ?, ?, ?, ?, 'received', ?, ?, ?, ?)
                    """, arguments: [kiosk, id, payment.account, payment.amount,
                                     payment.currency, signatureOpened, cardOpened, raw, Self.now])
            }
            let body = try Self.statusBody(db, kiosk: kiosk, id: id)
            try db.execute(sql: "INSERT INTO answered (idempotency_key, kiosk, topic, status_code, body, received_at) VALUES (?, ?, 'payment', 201, ?, ?)",
                           arguments: [key, kiosk, body, Self.now])
            return (201, body)
        }
    }

    func receiveMessage(kiosk: String, key: String, topic: String, raw: String) throws -> (status: Int, body: String) {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status_code, body FROM answered WHERE idempotency_key = ?", arguments: [key]) {
                return (row["status_code"], row["body"])
            }
            try db.execute(sql: "INSERT INTO message (idempotency_key, kiosk, topic, payload, received_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [key, kiosk, topic, raw, Self.now])
            let body = try BackOfficeJSON.text(AcceptedBody())
            try db.execute(sql: "INSERT INTO answered (idempotency_key, kiosk, topic, status_code, body, received_at) VALUES (?, ?, ?, 202, ?, ?)",
                           arguments: [key, kiosk, topic, body, Self.now])
            return (202, body)
        }
    }

    func paymentStatus(kiosk: String, id: String) throws -> String? {
        try pool.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM payment WHERE kiosk = ? AND id = ?", arguments: [kiosk, id]) == true else { return nil }
            return try Self.statusBody(db, kiosk: kiosk, id: id)
        }
    }

    static func statusBody(_ db: Database, kiosk: String, id: String) throws -> String {
        guard let row = try Row.fetchOne(db, sql: "SELECT status, reason, message FROM payment WHERE kiosk = ? AND id = ?", arguments: [kiosk, id]) else {
            return "{}"
        }
        return try BackOfficeJSON.text(PaymentStatusBody(payment: id, status: row["status"], reason: row["reason"], message: row["message"]))
    }

    /// An operator's decision. Only a received (or rejected) payment can change.
    func decide(kiosk: String?, id: String, status: String, reason: String? = nil, message: String? = nil) throws -> Bool {
        try pool.write { db in
            let filter = kiosk == nil ? "" : " AND kiosk = ?"
            var args: [any DatabaseValueConvertible] = [status, reason, message, id]
            if let kiosk { args.append(kiosk) }
            try db.execute(sql: "UPDATE payment SET status = ?, reason = ?, message = ? WHERE id = ? AND status IN ('received', 'rejected')" + filter,
                           arguments: StatementArguments(args))
            return db.changesCount > 0
        }
    }

    func payments() throws -> [Row] {
        try pool.read { db in try Row.fetchAll(db, sql: "SELECT kiosk, id, account, amount, currency, status, reason, message, signature_opened, card_opened, received_at FROM payment ORDER BY received_at, id") }
    }

    func publish(syncDocument body: String) throws -> Int64 {
        try pool.write { db in
            try db.execute(sql: "INSERT INTO sync_document (body, published_at) VALUES (?, ?)", arguments: [body, Self.now])
            return db.lastInsertedRowID
        }
    }

    func syncDocument(after cursor: Int64) throws -> (cursor: Int64, body: String)? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT cursor, body FROM sync_document WHERE cursor > ? ORDER BY cursor DESC LIMIT 1", arguments: [cursor])
                .map { ($0["cursor"], $0["body"]) }
        }
    }

    func heartbeat(kiosk: String, body: String) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO heartbeat (kiosk, body, at, count) VALUES (?, ?, ?, 1)
                ON CONFLICT(kiosk) DO UPDATE SET body = excluded.body, at = excluded.at, count = heartbeat.count + 1
                """, arguments: [kiosk, body, Self.now])
        }
    }
}
