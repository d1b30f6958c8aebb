import Foundation
import GRDB
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
    public func processPayment(id: String, kioskID: String, now: Date, audit: AuditEntry, tellBackOffice: Bool = true) async throws -> PaymentRecord {
        try await change(id: id, allowed: ["pending", "rejected"], audit: audit, verb: "processed") { db, row in
            let account: String = row["account"]
            let amount: Int = row["amount"]
            let creditID = "KIOSK-\(id)"
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
            try Outbox.add(db, topic: "payment.outcome", payload: ["payment": id, "state": "processed", "by": "kiosk"],
                           key: "\(kioskID):outcome:\(id):processed", payment: id, dueAt: now, now: now)
        }
    }

    /// Rejects a payment with a reason the customer is shown, with the manager's message, until
    /// they acknowledge it. The record stays and can still be processed later.
    public func rejectPayment(id: String, reason: String, message: String, kioskID: String, now: Date, audit: AuditEntry,
                              tellBackOffice: Bool = true) async throws -> PaymentRecord {
        try await change(id: id, allowed: ["pending", "scheduled", "rejected"], audit: audit, verb: "rejected") { db, _ in
            try db.execute(sql: "UPDATE payment SET state = 'rejected', reason = ?, message = ?, rejection_seen = 0 WHERE id = ?",
                           arguments: [reason, message, id])
            // A scheduled payment that was never sent must not be sent now.
            try db.execute(sql: "DELETE FROM outbox WHERE payment = ? AND topic = 'payment' AND state = 'due' AND attempts = 0 AND next_attempt_at > ?",
                           arguments: [id, now.formatted(Date.ISO8601FormatStyle())])
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: "payment.outcome", payload: ["payment": id, "state": "rejected", "reason": reason, "message": message, "by": "kiosk"],
                           key: "\(kioskID):outcome:\(id):rejected:\(Int(now.timeIntervalSince1970))", payment: id, dueAt: now, now: now)
        }
    }

    /// Deletes a payment: gone for the customer (the audit log keeps that it happened), and a
    /// new payment may be made. Also how a customer cancels a scheduled payment.
    public func deletePayment(id: String, kioskID: String, now: Date, audit: AuditEntry, verb: String = "deleted",
                              tellBackOffice: Bool = true) async throws -> PaymentRecord {
        try await change(id: id, allowed: verb == "cancelled" ? ["scheduled"] : ["pending", "scheduled", "rejected"], audit: audit, verb: verb) { db, _ in
            try db.execute(sql: "UPDATE payment SET state = 'deleted' WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM outbox WHERE payment = ? AND topic = 'payment' AND state = 'due' AND attempts = 0 AND next_attempt_at > ?",
                           arguments: [id, now.formatted(Date.ISO8601FormatStyle())])
            guard tellBackOffice else { return }
            try Outbox.add(db, topic: "payment.outcome", payload: ["payment": id, "state": "deleted", "by": "kiosk"],
                           key: "\(kioskID):outcome:\(id):deleted", payment: id, dueAt: now, now: now)
        }
    }

    /// Moves a scheduled payment to another day (not in the past, at most a year ahead; today
    /// makes it pending now).
    public func reschedulePayment(id: String, payOn: LocalDate, now: Date, audit: AuditEntry) async throws -> PaymentRecord {
        try await change(id: id, allowed: ["scheduled"], audit: audit, verb: "rescheduled to \(payOn)") { db, row in
            let account: String = row["account"]
            guard let branchID = try String.fetchOne(db, sql: "SELECT branch FROM account WHERE number = ?", arguments: [account]),
                  let branch = try AccountLoader(db: db).loadBranch(id: branchID) else {
                throw PaymentRefusal("not_found", "this account is not on the kiosk any more")
            }
            let today = branch.today(at: now)
            guard payOn >= today else { throw PaymentRefusal("invalid_params", "the new date is in the past; choose today or a later day") }
            guard payOn <= today.adding(days: 365) else { throw PaymentRefusal("invalid_params", "a payment can be scheduled at most a year ahead") }
            let dueAt = payOn > today ? branch.startOfDay(payOn) : now
            let updated = try db.execute(sql: """
                UPDATE outbox SET next_attempt_at = ? WHERE payment = ? AND topic = 'payment' AND state = 'due' AND attempts = 0
                """, arguments: [dueAt.formatted(Date.ISO8601FormatStyle()), id])
            _ = updated
            try db.execute(sql: "UPDATE payment SET pay_on = ?, state = ? WHERE id = ?",
                           arguments: [payOn.description, payOn > today ? "scheduled" : "pending", id])
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

    /// Scheduled payments whose day has come (in their branch's zone) become pending.
    @discardableResult
    public func promoteDueScheduledPayments(now: Date) async throws(StoreError) -> [String] {
        do {
            return try await pool.write { db in
                var promoted: [String] = []
                let rows = try Row.fetchAll(db, sql: """
                    SELECT p.id, p.pay_on, a.branch FROM payment p JOIN account a ON a.number = p.account WHERE p.state = 'scheduled'
                    """)
                let loader = AccountLoader(db: db)
                for r in rows {
                    guard let payOn = LocalDate(r["pay_on"] as String? ?? ""), let branch = try loader.loadBranch(id: r["branch"]) else { continue }
                    if payOn <= branch.today(at: now) {
                        try db.execute(sql: "UPDATE payment SET state = 'pending', updated_at = ? WHERE id = ?",
                                       arguments: [now.formatted(Date.ISO8601FormatStyle()), r["id"] as String])
                        promoted.append(r["id"])
                    }
                }
                return promoted
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    private func change(id: String, allowed: Set<String>, audit: AuditEntry, verb: String,
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
                             reason: r["reason"], message: r["message"], rejectionSeen: r["rejection_seen"], lines: lines)
    }
}
