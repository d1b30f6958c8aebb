import Foundation
import GRDB
import KioskCore
import KioskCrypto
import KioskStore

/// `payment.submit` at the store (a signed-in contact paying two invoices with the card on
/// file, a sealed signature, a receipt and a notification) against a raw commit of the same
/// rows it writes — payment, lines, history, outbox entries, audit row — into plain tables of
/// another file opened the same way (WAL, synchronous=FULL), in the same run.
func submitBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let rounds = size.count(300, smoke: 15)
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try KioskStore(directory: dir)
    _ = try await store.apply(submitDocument(accounts: rounds + 1), audit: nil)

    // A signature as the pad seals it (~24 kB of pen points), one per payment.
    let key = BackOfficePrivateKey.generate().publicKey
    let sealer = CaptureSealer(recipient: key)
    let points = Data((0..<24_000).map { UInt8(truncatingIfNeeded: $0 &* 7) })
    let now = Date()
    let hashing = PaymentHashing(sha256: { SignatureBinding.sha256Hex($0) }, bind: { payment, account, amount, currency, terms, signature, at in
        SignatureBinding(paymentID: payment, account: account, amount: Int64(amount), currency: currency, termsSHA256: terms,
                         signatureSHA256: signature, signedAt: at).digest
    })
    let branch = Branch(id: "B1", name: "Main St", timeZone: "America/Chicago")
    let terms = SignatureBinding.sha256Hex(Data(PaymentTerms.text(for: branch).utf8))
    func submission(_ n: Int) async throws -> PaymentSubmission {
        let context = CaptureContext(kind: .signature, device: "serial:PAD", kiosk: "bench", capturedAt: Instant(now).description)
        let sealed = try sealer.seal(points, context: context)
        try await store.saveCapture(StoredCapture(id: "SIG-\(n)", kind: "signature", device: "serial:PAD", keyID: sealed.keyID.rawValue,
                                                  capturedAt: context.capturedAt, envelope: String(decoding: sealed.json, as: UTF8.self),
                                                  masked: nil),
                                    demoKey: (publicKey: key.rawKey, fingerprint: "bench"))
        let account = String(2_000_000 + n)
        return PaymentSubmission(account: account, contact: "C\(n)", request: PaymentRequest(invoices: ["I\(n)-0", "I\(n)-1"]),
                                 method: .cardOnFile("K\(n)"), signatureCapture: "SIG-\(n)", termsSHA256: terms, payOn: nil,
                                 kioskID: "kiosk-1", now: now,
                                 audit: AuditEntry(at: now, uid: 65534, userName: "nobody", role: "front", action: "payment.submit", detail: ""))
    }
    // Warm up once (statement caches, first pages), then time each submit alone.
    _ = try await store.submitPayment(try await submission(rounds), crypto: hashing)
    var submits: [Double] = []
    var lastID = ""
    for n in 0..<rounds {
        let s = try await submission(n)
        let clock = ContinuousClock()
        var id = ""
        let d = try await clock.measure { id = try await store.submitPayment(s, crypto: hashing).id }
        submits.append(seconds(d) * 1_000)
        lastID = id
    }

    // The rows one submit wrote, copied into plain tables of a fresh file and committed again.
    let reader = try DatabasePool(path: store.path)
    let paid = lastID
    let copied: [(table: String, columns: [String], values: [[DatabaseValue]])] = try await reader.read { db in
        try [("payment", "SELECT * FROM payment WHERE id = ?", [paid]),
             ("payment_line", "SELECT * FROM payment_line WHERE payment = ?", [paid]),
             ("payment_history", "SELECT * FROM payment_history WHERE payment = ?", [paid]),
             ("outbox", "SELECT * FROM outbox WHERE payment = ?", [paid]),
             ("audit_log", "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1", [])].map { (table: String, sql: String, arguments: [String]) in
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            let columns = rows.first.map { Array($0.columnNames) } ?? []
            return (table, columns, rows.map { row in columns.map { row[$0] as DatabaseValue } })
        }
    }
    var configuration = Configuration()
    configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
    let raw = try DatabasePool(path: dir + "/raw.sqlite", configuration: configuration)
    // GRDB puts the WAL writer back to NORMAL after prepareDatabase (no fsync per commit), as
    // KioskStore knows: set FULL on the writer itself and check it, or the reference is unfair.
    let level = try await raw.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA synchronous = FULL")
        return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
    }
    guard level == 2 else { throw BenchFailure("the raw reference database runs at synchronous=\(level), not FULL (2)") }
    let inserts = copied.filter { !$0.columns.isEmpty }.map { c in
        (sql: "INSERT INTO \(c.table) (\(c.columns.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES (\(databaseQuestionMarks(count: c.columns.count)))",
         values: c.values)
    }
    try await raw.write { db in
        // An integer key of our own, so each round's rows are new rows as a submit's are.
        for c in copied where !c.columns.isEmpty {
            try db.execute(sql: "CREATE TABLE \(c.table) (rid INTEGER PRIMARY KEY, \(c.columns.map { "\"\($0)\"" }.joined(separator: ", ")))")
        }
    }
    let written = inserts.reduce(0) { $0 + $1.values.count }
    let statements = inserts
    let commits = try await latenciesMS(rounds) {
        try await raw.write { db in
            for (sql, values) in statements {
                let statement = try db.cachedStatement(sql: sql)
                for v in values { try statement.execute(arguments: StatementArguments(v)) }
            }
        }
    }
    return [BenchFigure("payment.submit (card on file, signed in) p50, store", percentile(submits, 50), "ms",
                        reference: "raw commit of the same \(written) rows (WAL, synchronous=FULL)", referenceValue: percentile(commits, 50),
                        goal: .ratioAtMost(1.3)),
            BenchFigure("payment.submit p99, store", percentile(submits, 99), "ms",
                        reference: "raw commit p99", referenceValue: percentile(commits, 99))]
}

/// Accounts paying by invoice, each with a contact who may pay and has an e-mail address
/// (a receipt), a card on file, an assigned user (a notification), two open invoices to pay
/// and a closed history of 200 items.
func submitDocument(accounts: Int) -> SyncDocument {
    let branch = Branch(id: "B1", name: "Main St", timeZone: "America/Chicago")
    let user = StoreUser(id: "U1", firstName: "Ann", lastName: "Lee", email: "ann@example.com", notify: [.email])
    let profile = Profile(id: "full", name: "Full access", permissions: Permission.allCases)
    let start = LocalDate("2024-01-01")!
    let list = (0..<accounts).map { n in
        let items = (0..<202).map { i in
            let date = start.adding(days: i * 3)
            return Item(id: "I\(n)-\(i)", kind: .invoice, number: String(100_000 + i), date: date, dueDate: date.adding(days: 30),
                        amount: 10_000 + i, openAmount: i < 2 ? 10_000 + i : 0)
        }
        return Account(number: String(2_000_000 + n), name: "Customer \(n)", branch: "B1", creditLimit: 1_000_000,
                       assignedUser: "U1", contacts: [Contact(id: "C\(n)", name: "Pat \(n)", email: "pat\(n)@example.com", profile: "full")],
                       items: items,
                       cardsOnFile: [CardOnFile(id: "K\(n)", description: "CARD ENDING IN 4242", token: "tok-\(n)", brand: "visa",
                                                last4: "4242", expiry: "2030-01")])
    }
    return SyncDocument(asOf: Instant("2026-11-20T12:00:00Z")!, currency: "USD", receivablesManager: "U1", branches: [branch],
                        users: [user], profiles: [profile], accounts: list)
}
