import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// A payment as managers and customers see it (no card data: a method description only).
public struct PaymentRecord: Sendable, Equatable {
    public var id: String
    public var account: String
    public var job: Int?
    /// Who signed; nil for a payment an autopay rule made.
    public var contact: String?
    public var amount: Int
    public var currency: String
    public var state: PaymentState
    public var createdAt: String
    public var payOn: String?
    public var methodDescription: String
    public var reason: String?
    public var message: String?
    public var rejectionSeen: Bool
    /// For a waiting payment: the pending one it waits for.
    public var waitingFor: String?
    /// A payment an autopay rule made: the rule's id.
    public var autopayRule: String?
    public var lines: [QuoteLine]
}

extension KioskStore {
    /// Payments, newest first. Deleted ones only when asked for by state.
    public func payments(state: PaymentState? = nil, account: String? = nil, limit: Int = 1_000) async throws(StoreError) -> [PaymentRecord] {
        typealias C = StoredPayment.Columns
        do {
            return try await pool.read { db in
                var request = StoredPayment.filter(state.map { C.state == $0 } ?? (C.state != PaymentState.deleted))
                if let account { request = request.filter(C.account == account) }
                return try request.order(C.createdAt.desc, C.id).limit(limit).fetchAll(db).map { try $0.record(db) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func payment(id: String) async throws(StoreError) -> PaymentRecord? {
        do { return try await pool.read { db in try StoredPayment.fetchOne(db, key: id)?.record(db) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Processes a pending (or earlier rejected) payment: its amount is fixed; it becomes an
    /// unapplied credit on the account, and its invoice lines stay on the payment to prefill
    /// posting. Audited; the back office is told through the outbox.
    ///
    /// A rejected payment no longer covers its invoices, so the customer may have paid them
    /// again: processing it then would charge twice, and is refused (naming the other payment
    /// and the invoices) unless the manager confirms the overlap (`overlapOK`, audited). The
    /// back office's own decision (`tellBackOffice: false`) is applied as it stands.
    public func processPayment(id: String, kioskID: String, now: Date, audit: AuditEntry, tellBackOffice: Bool = true,
                               overlapOK: Bool = false) async throws -> PaymentRecord {
        try await change(id: id, .process, now: now, audit: audit) { db, payment in
            if payment.state == .rejected, let overlap = try PaymentQueue.overlap(db, payment: id, account: payment.account) {
                guard overlapOK || !tellBackOffice else { throw PaymentRefusal(.overlap(id, overlap), overlap: overlap) }
                payment.overlapConfirmed = true
                var note = audit
                note.detail = "payment \(id) processed over \(overlap.described.joined(separator: ", ")) also covered by \(overlap.payments.joined(separator: ", ")) (overlap confirmed)"
                try note.insert(db)
            }
            let creditID = PaymentCommitment.kioskCreditID(id)
            let position = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position), -1) + 1 FROM item WHERE account = ?", arguments: [payment.account])) ?? 0
            let today = try AccountLoader(db: db).loadBranch(id: String.fetchOne(db, sql: "SELECT branch FROM account WHERE number = ?", arguments: [payment.account]) ?? "")?
                .today(at: now).description ?? String(now.formatted(Date.ISO8601FormatStyle()).prefix(10))
            try db.execute(sql: """
                INSERT INTO item (account, id, kind, number, job, date, amount, open_amount, billed, position, pay_order)
                VALUES (?, ?, 'payment', ?, ?, ?, ?, ?, 1, ?, ?)
                ON CONFLICT(account, id) DO NOTHING
                """, arguments: [payment.account, creditID, id, payment.job, today, payment.amount, payment.amount, position,
                                 LocalDate(today).map { Data(PayOrderKey.key(dueDate: nil, date: $0, number: id, id: creditID)) }])
            payment.state = .processed; payment.reason = nil; payment.message = nil
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: PaymentState.processed.rawValue),
                           key: "\(kioskID):outcome:\(id):processed", payment: id, dueAt: now, now: now)
        }
    }

    /// Rejects a payment with a reason the customer is shown, with the manager's message, until
    /// they acknowledge it. The record stays and can still be processed later.
    public func rejectPayment(id: String, reason: String, message: String, kioskID: String, now: Date, audit: AuditEntry,
                              tellBackOffice: Bool = true) async throws -> PaymentRecord {
        try await change(id: id, .reject, now: now, audit: audit) { db, payment in
            payment.state = .rejected; payment.reason = reason; payment.message = message
            payment.rejectionSeen = false; payment.waitingFor = nil
            // A scheduled or waiting payment that was never sent must not be sent now.
            try Self.dropUnsentPaymentEntry(db, payment: id, now: now)
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: PaymentState.rejected.rawValue, reason: reason, message: message),
                           key: "\(kioskID):outcome:\(id):rejected:\(Int(now.timeIntervalSince1970))", payment: id, dueAt: now, now: now)
        }
    }

    /// Deletes a payment: gone for the customer (the audit log keeps that it happened), and a
    /// new payment may be made. `cancel` is how a customer deletes a scheduled payment.
    public func deletePayment(id: String, kioskID: String, now: Date, audit: AuditEntry, cancel: Bool = false,
                              tellBackOffice: Bool = true, reason: String? = nil) async throws -> PaymentRecord {
        try await change(id: id, cancel ? .cancel : .delete, now: now, audit: audit, reason: reason ?? (cancel ? "cancelled" : nil)) { db, payment in
            payment.state = .deleted; payment.waitingFor = nil
            try Self.dropUnsentPaymentEntry(db, payment: id, now: now)
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: PaymentState.deleted.rawValue),
                           key: "\(kioskID):outcome:\(id):deleted", payment: id, dueAt: now, now: now)
        }
    }

    /// Moves a scheduled or waiting payment to another day (not in the past, at most a year
    /// ahead). Today makes it pending now, unless another payment of its scope is pending:
    /// that is refused with the sentence a second payment gets.
    public func reschedulePayment(id: String, payOn: LocalDate, now: Date, audit: AuditEntry) async throws -> PaymentRecord {
        try await change(id: id, .reschedule(to: payOn), now: now, audit: audit) { db, payment in
            guard let branchID = try String.fetchOne(db, sql: "SELECT branch FROM account WHERE number = ?", arguments: [payment.account]),
                  let branch = try AccountLoader(db: db).loadBranch(id: branchID) else {
                throw PaymentRefusal(.accountGoneForReschedule)
            }
            let today = branch.today(at: now)
            _ = try PaymentSchedule.state(payOn: payOn, today: today)
            if payOn == today, let blocker = PaymentScope.pendingBlocker(
                for: payment.job, among: try PaymentQueue.commitments(db, account: payment.account).filter { $0.paymentID != id }) {
                throw PaymentRefusal(.stillPending(blocker, currency: payment.currency))
            }
            let dueAt = payOn > today ? branch.startOfDay(payOn) : now
            // Its entry waits for the new day (settle sends it now if the day is today).
            try Outbox.unsentPaymentEntry(id).updateAll(db, StoredOutboxEntry.Columns.state.set(to: OutboxState.due),
                                                        StoredOutboxEntry.Columns.nextAttemptAt.set(to: dueAt.formatted(Outbox.instant)))
            payment.payOn = payOn.description; payment.state = .scheduled; payment.waitingFor = nil
        }
    }

    /// The customer has seen a rejection; it stops being shown.
    public func acknowledgeRejection(id: String, account: String) async throws {
        typealias C = StoredPayment.Columns
        do {
            try await pool.write { db in
                let seen = try StoredPayment.filter(C.id == id && C.account == account && C.state == PaymentState.rejected)
                    .updateAll(db, C.rejectionSeen.set(to: true))
                guard seen == 1 else { throw PaymentRefusal(.noSuchRejection) }
            }
        } catch let refusal as PaymentRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Scheduled payments whose day has come (in their branch's zone) become pending, or wait
    /// while another payment of their scope is pending; waiting ones whose blocker is gone run.
    @discardableResult
    public func promoteDueScheduledPayments(now: Date) async throws(StoreError) -> [PaymentPromotion] {
        do { return try await pool.write { db in try PaymentQueue.settle(db, now: now) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// When the next scheduled payment's day begins (the earliest, each in its branch's zone),
    /// or nil when none is scheduled: the scheduler wakes then rather than on its next poll.
    public func nextScheduledStart() async throws(StoreError) -> Date? {
        do {
            return try await pool.read { db in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT DISTINCT p.pay_on AS pay_on, a.branch AS branch
                    FROM payment p JOIN account a ON a.number = p.account
                    WHERE p.state = ? AND p.pay_on IS NOT NULL
                    """, arguments: [PaymentState.scheduled.rawValue])
                let loader = AccountLoader(db: db)
                return try rows.compactMap { row -> Date? in
                    guard let day = LocalDate(row["pay_on"] as String), let branch = try loader.loadBranch(id: row["branch"]) else { return nil }
                    return branch.startOfDay(day)
                }.min()
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The never-sent outbox entry of a scheduled or waiting payment: it must not go out.
    static func dropUnsentPaymentEntry(_ db: Database, payment id: String, now: Date) throws {
        try db.execute(sql: """
            DELETE FROM outbox WHERE payment = ? AND topic = ? AND attempts = 0
              AND (state = ? OR (state = ? AND next_attempt_at > ?))
            """, arguments: [id, OutboxTopic.payment, OutboxState.held, OutboxState.due, now.formatted(Outbox.instant)])
    }

    /// One change to one payment, in one transaction: the payment must exist (deleted ones do
    /// not) and be in a state `change` starts from; `body` changes the record, which is saved;
    /// the queue is settled and the change audited.
    private func change(id: String, _ change: PaymentChange, now: Date, audit: AuditEntry, reason: String? = nil,
                        _ body: @escaping @Sendable (Database, inout StoredPayment) throws -> Void) async throws -> PaymentRecord {
        do {
            return try await pool.write { db in
                guard var payment = try StoredPayment.fetchOne(db, key: id), !payment.state.isHidden else {
                    throw PaymentRefusal(.noSuchPayment)
                }
                if let problem = change.problem(payment: id, state: payment.state) { throw PaymentRefusal(problem) }
                let before = payment.state, overlapBefore = payment.overlapConfirmed
                try body(db, &payment)
                // The history row first (the payment's triggers check it is there).
                var note: (reason: String?, message: String?) = (reason, nil)
                var rescheduled = false
                if payment.state == .rejected { note = (payment.reason, payment.message) }
                if case .reschedule = change { rescheduled = true; note.reason = payment.payOn.map { "pay on \($0)" } }
                if payment.overlapConfirmed, !overlapBefore { note.reason = "overlap confirmed: another payment covers some of its invoices" }
                // A reschedule is recorded even when the state stays `scheduled`: its day changed.
                if payment.state != before || rescheduled {
                    try PaymentHistory.record(db, payment: id, from: before, to: payment.state, at: audit.at, actor: PaymentActor(audit),
                                              reason: note.reason, message: note.message)
                }
                payment.updatedAt = audit.at.formatted(Outbox.instant)
                try payment.update(db)
                // One pending payment per scope, at every moment: a payment that waited for this
                // one runs now, and one moved to today runs or waits.
                try PaymentQueue.settle(db, now: now, account: payment.account)
                var entry = audit
                entry.detail = "payment \(id) \(change.verb)"
                try entry.insert(db)
                guard let updated = try StoredPayment.fetchOne(db, key: id) else { throw PaymentRefusal(.paymentVanished) }
                return try updated.record(db)
            }
        } catch let refusal as PaymentRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }
}
