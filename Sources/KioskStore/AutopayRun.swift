import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// What the daily run did, per payment made.
public struct AutopayRunPayment: Sendable, Equatable {
    public var id: String
    public var account: String
    public var rule: String
    public var amount: Int
    /// `pending`, or `waiting` while another payment of its scope is pending.
    public var state: PaymentState
}

extension KioskStore {
    /// The start-of-day run: for each account with rules whose branch day is later than the
    /// last day run, the rules pay what is due today (each account inside one transaction with
    /// the record of its day, so a crash leaves it run entirely or not at all; a repeated run
    /// makes nothing twice).
    public func runAutopayForNewDays(now: Date, kioskID: String) async throws(StoreError) -> [AutopayRunPayment] {
        do {
            let due = try await pool.read { db in try AutopayRun.accountsDueToday(db, now: now) }
            var made: [AutopayRunPayment] = []
            // A few accounts per transaction: each commit is one fsync (synchronous=FULL), and
            // an account is still run whole or not at all.
            for start in stride(from: 0, to: due.count, by: AutopayRun.accountsPerTransaction) {
                let batch = due[start..<min(start + AutopayRun.accountsPerTransaction, due.count)]
                made += try await pool.write { db in
                    var payments: [AutopayRunPayment] = []
                    for (account, day) in batch {
                        payments += try AutopayRun.run(db, account: account, now: now, kioskID: kioskID, reason: "start of \(day)")
                        try db.execute(sql: "INSERT INTO autopay_day (account, day) VALUES (?, ?) ON CONFLICT(account) DO UPDATE SET day = excluded.day",
                                       arguments: [account, day.description])
                    }
                    return payments
                }
            }
            return made
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// What autopay must leave alone on `account` (see ``AutopayRun/covered(_:account:commitments:)``)
    /// and the account's methods as they stand: the inputs of the calendar's projections.
    public func autopayInputs(account: String, now: Date) async throws(StoreError) -> (covered: Set<String>, methods: [MethodOnFile])? {
        do {
            return try await pool.read { db in
                guard let stored = try AccountLoader(db: db).load(number: account) else { return nil }
                let methods = try PaymentMethodLedger.load(db, stored: stored, now: now)
                return (try AutopayRun.covered(db, account: account, commitments: try PaymentQueue.commitments(db, account: account)), methods.methods)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}

/// One run of an account's rules (DOMAIN.md "Autopay rules"): the invoices whose pay day is
/// today, one payment per scope and rule, each written as a kiosk payment is (payment, lines,
/// outbox entry, notifications, receipts, audit) inside the caller's transaction, then settled
/// so that at most one payment per scope is pending and the others wait.
enum AutopayRun {
    static let accountsPerTransaction = 25

    /// Accounts with rules whose branch day is later than the day last run, with that day.
    static func accountsDueToday(_ db: Database, now: Date) throws -> [(String, LocalDate)] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT DISTINCT r.account AS account, a.branch AS branch, d.day AS day
            FROM autopay_rule r JOIN account a ON a.number = r.account LEFT JOIN autopay_day d ON d.account = r.account
            ORDER BY r.account
            """)
        let loader = AccountLoader(db: db)
        var todays: [String: LocalDate] = [:]
        var out: [(String, LocalDate)] = []
        for row in rows {
            let branch: String = row["branch"]
            if todays[branch] == nil { todays[branch] = try loader.loadBranch(id: branch)?.today(at: now) }
            guard let today = todays[branch] else { continue }
            if let last = (row["day"] as String?).flatMap(LocalDate.init), last >= today { continue }
            out.append((row["account"], today))
        }
        return out
    }

    /// Invoices autopay must not pay: those a payment covers (pending, scheduled, waiting,
    /// processed here and not yet applied), and those of a rejected autopay payment, which a
    /// manager must settle (delete it, and autopay may pay them again) so that a refused card
    /// is not charged again every morning.
    static func covered(_ db: Database, account: String, commitments: [PaymentCommitment]) throws -> Set<String> {
        var out = Set(Figures.covers(commitments).keys)
        out.formUnion(try String.fetchAll(db, sql: """
            SELECT l.item FROM payment_line l JOIN payment p ON p.id = l.payment
            WHERE p.account = ? AND p.state = ? AND p.autopay_rule IS NOT NULL
            """, arguments: [account, PaymentState.rejected.rawValue]))
        return out
    }

    /// Runs `account`'s rules for today. Returns the payments made (none when the run already
    /// happened: every invoice it would pay is covered, and each payment's key is unique).
    static func run(_ db: Database, account number: String, now: Date, kioskID: String, reason: String) throws -> [AutopayRunPayment] {
        guard let stored = try AccountLoader(db: db).load(number: number), stored.account.autopayRules?.isEmpty == false else { return [] }
        let account = stored.account
        let today = stored.branch.today(at: now)
        let methods = try PaymentMethodLedger.load(db, stored: stored, now: now)
        var commitments = try PaymentQueue.commitments(db, account: number)
        let inputs = AutopayPlan.inputs(account, methods: methods.methods, branch: stored.branch, today: today,
                                        covered: try covered(db, account: number, commitments: commitments))
        let planned = AutopayPlan.payments(inputs.invoices, rules: inputs.rules, today: today, through: today)
        guard !planned.isEmpty else { return [] }
        let permissions = try PaymentWriter.profilePermissions(db)
        var made: [AutopayRunPayment] = []
        for p in planned {
            let key = "\(today)|\(p.rule.id)|\(p.job.map(String.init) ?? "account")"
            guard try !(Bool.fetchOne(db, sql: "SELECT 1 FROM payment WHERE account = ? AND autopay_key = ?", arguments: [number, key]) ?? false) else { continue }
            // The same rules as a customer's payment, but a rule's payment waits for a pending one
            // rather than being refused (one pending per scope holds through settle below).
            let scope: FigureScope
            do { scope = try Figures.scope(for: account, job: p.job) } catch { continue }
            let request = PaymentRequest(job: p.job, invoices: p.lines.map(\.invoice), includeFinanceCharges: false, amount: nil, payOn: today)
            let quote = Figures.quote(account, scope: scope, branch: stored.branch, today: today, request: request,
                                      commitments: commitments, currency: stored.currency)
            let waitsFor = PaymentScope.pendingBlocker(for: p.job, among: commitments).map { PaymentProblem.stillPending($0, currency: stored.currency) }
            let problems = quote.problems.filter { $0 != waitsFor }
            let lines = quote.lines.filter { $0.id != QuoteLine.financeChargesID }
            let total = lines.reduce(0) { $0 + $1.amount }
            guard problems.isEmpty, total > 0,
                  let method = AutopayPlan.onFile(p.rule.method, in: methods.methods), method.state(today: today) == .active else {
                let why = problems.first?.message ?? "its payment method cannot pay today"
                try AuditEntry(at: now, uid: 0, userName: "kioskd", role: "daemon", action: "autopay.skipped",
                               detail: "rule \(p.rule.id) on account \(number), \(p.lines.count) invoice(s): \(why)").insert(db)
                continue
            }
            let authorization = try Row.fetchOne(db, sql: """
                SELECT a.*, c.envelope AS envelope FROM autopay_authorization a JOIN sealed_capture c ON c.id = a.signature_capture
                WHERE a.account = ? AND a.rule = ? ORDER BY a.id DESC LIMIT 1
                """, arguments: [number, p.rule.id])
            let id = try PaymentWriter.newID(db)
            let created = now.formatted(Outbox.instant)
            let bank = method.kind == .bankAccount
            try PaymentHistory.record(db, payment: id, from: nil, to: .scheduled, at: now, actor: .kiosk, reason: "autopay rule \(p.rule.id)")
            try StoredPayment(id: id, account: number, job: p.job, contact: authorization?["contact"], amount: total, currency: stored.currency,
                              state: .scheduled, createdAt: created, updatedAt: created, payOn: today.description,
                              methodKind: .cardOnFile, cardOnFile: method.id, cardCapture: nil, methodDescription: method.description,
                              signatureCapture: nil, termsSHA256: nil, signatureBinding: nil,
                              autopayRule: p.rule.id, autopayAuthorization: authorization?["id"], autopayKey: key,
                              methodType: bank ? "bank_account_on_file" : "card_on_file").insert(db)
            for (i, line) in lines.enumerated() {
                try StoredPaymentLine(payment: id, item: line.id, amount: line.amount, locked: false, position: i).insert(db)
            }
            let bodyLines = lines.map { PaymentBody.Line(id: $0.id, amount: $0.amount) }
            let payload = PaymentBody(
                payment: id, kiosk: kioskID, account: number, job: p.job, contact: authorization?["contact"], amount: total,
                currency: stored.currency, state: PaymentState.scheduled.rawValue, payOn: today.description, createdAt: created, lines: bodyLines,
                method: bank ? .bankAccount(method.id) : .cardOnFile(method.id), methodDescription: method.description, card: nil,
                signature: try (authorization?["envelope"] as String?).map { try SealedEnvelope(json: $0) },
                termsSHA256: authorization?["terms_sha256"], signatureBinding: authorization?["signature_binding"], autopayRule: p.rule.id)
            try Outbox.add(db, topic: .payment, payload: payload, key: "\(kioskID):payment:\(id)", payment: id, dueAt: now, now: now)
            _ = try PaymentWriter.addNotices(db, stored: stored, permissions: permissions, payment: id, amount: total, state: .pending,
                                             created: created, lines: bodyLines, description: method.description, kioskID: kioskID, now: now)
            try AuditEntry(at: now, uid: 0, userName: "kioskd", role: "daemon", action: "autopay.payment",
                           detail: "payment \(id) by autopay rule \(p.rule.id) (position \(p.rule.position)) on account \(number): \(lines.count) invoice(s), amount \(total) (\(reason))")
                .insert(db)
            commitments.append(PaymentCommitment(paymentID: id, job: p.job, state: .scheduled, amount: total,
                                                 lines: Dictionary(lines.map { ($0.id, $0.amount) }, uniquingKeysWith: +), payOn: today))
            made.append(AutopayRunPayment(id: id, account: number, rule: p.rule.id, amount: total, state: .scheduled))
        }
        guard !made.isEmpty else { return [] }
        // Today's: pending now, or waiting while another payment of the scope is pending.
        try PaymentQueue.settle(db, now: now, account: number)
        for i in made.indices {
            made[i].state = try StoredPayment.fetchOne(db, key: made[i].id)?.state ?? made[i].state
        }
        return made
    }
}
