import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// A payment as managers and customers see it (no card data: a method description only).
public struct PaymentRecord: Sendable, Equatable {
    public var id: String
    public var account: String
    public var job: Int?
    public var contact: String
    public var amount: Int
    public var currency: String
    public var state: String
    public var createdAt: String
    public var payOn: String?
    public var methodDescription: String
    public var reason: String?
    public var message: String?
    public var rejectionSeen: Bool
    /// For a waiting payment: the pending one it waits for.
    public var waitingFor: String?
    public var lines: [QuoteLine]
}

/// Why a manager's or customer's change to a payment was refused.
public typealias PaymentChangeRefusal = PaymentRefusal

extension KioskStore {
    /// Payments, newest first. Deleted ones only when asked for by state.
    public func payments(state: String? = nil, account: String? = nil, limit: Int = 1_000) async throws(StoreError) -> [PaymentRecord] {
        do {
            return try await pool.read { db in
                var conditions: [String] = []
                var args: [any DatabaseValueConvertible] = []
                if let state { conditions.append("state = ?"); args.append(state) } else { conditions.append("state != 'deleted'") }
                if let account { conditions.append("account = ?"); args.append(account) }
                let sql = "SELECT * FROM payment WHERE " + conditions.joined(separator: " AND ") + " ORDER BY created_at DESC, id LIMIT ?"
                args.append(limit)
                return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { try PaymentRecordLoader.record($0, db) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func payment(id: String) async throws(StoreError) -> PaymentRecord? {
        do {
            return try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM payment WHERE id = ?", arguments: [id]).map { try PaymentRecordLoader.record($0, db) }
            }
        } catch { throw KioskStore.translate(error, path: path) }
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
        try await change(id: id, allowed: ["pending", "rejected"], now: now, audit: audit, verb: "processed") { db, row in
            let account: String = row["account"]
            let amount: Int = row["amount"]
            if row["state"] as String == "rejected", let overlap = try PaymentQueue.overlap(db, payment: id, account: account) {
                guard overlapOK || !tellBackOffice else {
                    throw PaymentRefusal("conflict", "Payment \(id) was rejected, and \(overlap.described.joined(separator: ", ")) "
                        + "\(overlap.items.count == 1 ? "is" : "are") now being paid by payment \(overlap.payments.joined(separator: ", ")): "
                        + "processing it would charge twice. Confirm the overlap to process it anyway.", overlap: overlap)
                }
                try db.execute(sql: "UPDATE payment SET overlap_confirmed = 1 WHERE id = ?", arguments: [id])
                var note = audit
                note.detail = "payment \(id) processed over \(overlap.described.joined(separator: ", ")) also covered by \(overlap.payments.joined(separator: ", ")) (overlap confirmed)"
                try note.insert(db)
            }
            let creditID = PaymentCommitment.kioskCreditID(id)
            let position = (try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(position), -1) + 1 FROM item WHERE account = ?", arguments: [account])) ?? 0
            let today = try AccountLoader(db: db).loadBranch(id: String.fetchOne(db, sql: "SELECT branch FROM account WHERE number = ?", arguments: [account]) ?? "")?
                .today(at: now).description ?? String(now.formatted(Date.ISO8601FormatStyle()).prefix(10))
            try db.execute(sql: """
                INSERT INTO item (account, id, kind, number, job, date, amount, open_amount, billed, position)
                VALUES (?, ?, 'payment', ?, ?, ?, ?, ?, 1, ?)
                ON CONFLICT(account, id) DO NOTHING
                """, arguments: [account, creditID, id, row["job"] as Int?, today, amount, amount, position])
            try db.execute(sql: "UPDATE payment SET state = 'processed', reason = NULL, message = NULL WHERE id = ?", arguments: [id])
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: "processed"),
                           key: "\(kioskID):outcome:\(id):processed", payment: id, dueAt: now, now: now)
        }
    }

    /// Rejects a payment with a reason the customer is shown, with the manager's message, until
    /// they acknowledge it. The record stays and can still be processed later.
    public func rejectPayment(id: String, reason: String, message: String, kioskID: String, now: Date, audit: AuditEntry,
                              tellBackOffice: Bool = true) async throws -> PaymentRecord {
        try await change(id: id, allowed: ["pending", "scheduled", "waiting", "rejected"], now: now, audit: audit, verb: "rejected") { db, _ in
            try db.execute(sql: "UPDATE payment SET state = 'rejected', reason = ?, message = ?, rejection_seen = 0, waiting_for = NULL WHERE id = ?",
                           arguments: [reason, message, id])
            // A scheduled or waiting payment that was never sent must not be sent now.
            try Self.dropUnsentPaymentEntry(db, payment: id, now: now)
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: "rejected", reason: reason, message: message),
                           key: "\(kioskID):outcome:\(id):rejected:\(Int(now.timeIntervalSince1970))", payment: id, dueAt: now, now: now)
        }
    }

    /// Deletes a payment: gone for the customer (the audit log keeps that it happened), and a
    /// new payment may be made. Also how a customer cancels a scheduled payment.
    public func deletePayment(id: String, kioskID: String, now: Date, audit: AuditEntry, verb: String = "deleted",
                              tellBackOffice: Bool = true) async throws -> PaymentRecord {
        let allowed: Set<String> = verb == "cancelled" ? ["scheduled", "waiting"] : ["pending", "scheduled", "waiting", "rejected"]
        return try await change(id: id, allowed: allowed, now: now, audit: audit, verb: verb) { db, _ in
            try db.execute(sql: "UPDATE payment SET state = 'deleted', waiting_for = NULL WHERE id = ?", arguments: [id])
            try Self.dropUnsentPaymentEntry(db, payment: id, now: now)
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: .paymentOutcome, payload: OutcomeBody(payment: id, state: "deleted"),
                           key: "\(kioskID):outcome:\(id):deleted", payment: id, dueAt: now, now: now)
        }
    }

    /// Moves a scheduled or waiting payment to another day (not in the past, at most a year
    /// ahead). Today makes it pending now, unless another payment of its scope is pending:
    /// that is refused with the sentence a second payment gets.
    public func reschedulePayment(id: String, payOn: LocalDate, now: Date, audit: AuditEntry) async throws -> PaymentRecord {
        try await change(id: id, allowed: ["scheduled", "waiting"], now: now, audit: audit, verb: "rescheduled to \(payOn)") { db, row in
            let account: String = row["account"]
            guard let branchID = try String.fetchOne(db, sql: "SELECT branch FROM account WHERE number = ?", arguments: [account]),
                  let branch = try AccountLoader(db: db).loadBranch(id: branchID) else {
                throw PaymentRefusal("not_found", "This account is not on the kiosk any more.")
            }
            let today = branch.today(at: now)
            if let problem = PaymentSchedule.problem(payOn: payOn, today: today) { throw PaymentRefusal(problem.kind.rawValue, problem.message) }
            if payOn == today, let blocker = PaymentScope.pendingBlocker(
                for: row["job"], among: try PaymentQueue.commitments(db, account: account).filter { $0.paymentID != id }) {
                throw PaymentRefusal(.stillPending(blocker, currency: row["currency"]))
            }
            let dueAt = payOn > today ? branch.startOfDay(payOn) : now
            // Its entry waits for the new day (settle sends it now if the day is today).
            try db.execute(sql: """
                UPDATE outbox SET state = 'due', next_attempt_at = ? WHERE payment = ? AND topic = 'payment' AND state IN ('due', 'held') AND attempts = 0
                """, arguments: [dueAt.formatted(Date.ISO8601FormatStyle()), id])
            try db.execute(sql: "UPDATE payment SET pay_on = ?, state = 'scheduled', waiting_for = NULL WHERE id = ?",
                           arguments: [payOn.description, id])
        }
    }

    /// The customer has seen a rejection; it stops being shown.
    public func acknowledgeRejection(id: String, account: String) async throws {
        do {
            try await pool.write { db in
                try db.execute(sql: "UPDATE payment SET rejection_seen = 1 WHERE id = ? AND account = ? AND state = 'rejected'", arguments: [id, account])
                guard db.changesCount == 1 else { throw PaymentRefusal("not_found", "there is no rejected payment with that id on this account") }
            }
        } catch let refusal as PaymentRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Scheduled payments whose day has come (in their branch's zone) become pending, or wait
    /// while another payment of their scope is pending; waiting ones whose blocker is gone run.
    @discardableResult
    public func promoteDueScheduledPayments(now: Date) async throws(StoreError) -> [String] {
        do { return try await pool.write { db in try PaymentQueue.settle(db, now: now) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// The never-sent outbox entry of a scheduled or waiting payment: it must not go out.
    static func dropUnsentPaymentEntry(_ db: Database, payment id: String, now: Date) throws {
        try db.execute(sql: """
            DELETE FROM outbox WHERE payment = ? AND topic = 'payment' AND attempts = 0
              AND (state = 'held' OR (state = 'due' AND next_attempt_at > ?))
            """, arguments: [id, now.formatted(Date.ISO8601FormatStyle())])
    }

    private func change(id: String, allowed: Set<String>, now: Date, audit: AuditEntry, verb: String,
                        _ body: @escaping @Sendable (Database, Row) throws -> Void) async throws -> PaymentRecord {
        do {
            return try await pool.write { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT * FROM payment WHERE id = ?", arguments: [id]), row["state"] as String != "deleted" else {
                    throw PaymentRefusal("not_found", "there is no payment with that id; check the id in the list")
                }
                let state: String = row["state"]
                guard allowed.contains(state) else {
                    throw PaymentRefusal("conflict", "payment \(id) is \(state), so it cannot be \(verb.split(separator: " ").first ?? "changed")")
                }
                try body(db, row)
                try db.execute(sql: "UPDATE payment SET updated_at = ? WHERE id = ?", arguments: [audit.at.formatted(Date.ISO8601FormatStyle()), id])
                // One pending payment per scope, at every moment: a payment that waited for this
                // one runs now, and one moved to today runs or waits.
                try PaymentQueue.settle(db, now: now, account: row["account"])
                var entry = audit
                entry.detail = "payment \(id) \(verb)"
                try entry.insert(db)
                guard let updated = try Row.fetchOne(db, sql: "SELECT * FROM payment WHERE id = ?", arguments: [id]) else {
                    throw PaymentRefusal("not_found", "there is no payment with that id")
                }
                return try PaymentRecordLoader.record(updated, db)
            }
        } catch let refusal as PaymentRefusal { throw refusal } catch { throw KioskStore.translate(error, path: path) }
    }
}

enum PaymentRecordLoader {
    static func record(_ r: Row, _ db: Database) throws -> PaymentRecord {
        let id: String = r["id"]
        let lines = try Row.fetchAll(db, sql: "SELECT item, amount, locked FROM payment_line WHERE payment = ? ORDER BY position", arguments: [id])
            .map { QuoteLine(id: $0["item"], amount: $0["amount"], locked: $0["locked"]) }
        return PaymentRecord(id: id, account: r["account"], job: r["job"], contact: r["contact"], amount: r["amount"], currency: r["currency"],
                             state: r["state"], createdAt: r["created_at"], payOn: r["pay_on"], methodDescription: r["method_description"],
                             reason: r["reason"], message: r["message"], rejectionSeen: r["rejection_seen"],
                             waitingFor: r["waiting_for"], lines: lines)
    }
}
