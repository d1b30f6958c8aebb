import Foundation
import GRDB
import KioskCore

/// The rules that must hold at every moment, not only at submission (DOMAIN.md "Paying"):
/// one pending payment per account (per job), and never two payments for one invoice.
///
/// Every transaction that changes a payment's state ends with `settle`, so a scheduled
/// payment whose day has come becomes pending only when nothing of its scope is pending, and
/// otherwise *waits* (its outbox entry held) until that one is processed, rejected or deleted.
enum PaymentQueue {
    /// Payments whose day has come (pay_on ≤ today in their branch's zone) or that wait, in
    /// the order they run: oldest `pay_on`, then oldest `created_at` (whole seconds; ties go
    /// to the one written first, by rowid). Each becomes pending if
    /// no payment of its scope is pending, else waiting for that one. Returns the ids that
    /// became pending.
    @discardableResult
    static func settle(_ db: Database, now: Date, account: String? = nil) throws -> [String] {
        let stamp = now.formatted(Date.ISO8601FormatStyle())
        var filter = "p.state IN ('pending', 'scheduled', 'waiting')"
        var args: [any DatabaseValueConvertible] = []
        if let account { filter += " AND p.account = ?"; args.append(account) }
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.id, p.account, p.job, p.state, p.pay_on, p.amount, p.waiting_for, a.branch
            FROM payment p JOIN account a ON a.number = p.account
            WHERE \(filter)
            ORDER BY p.account, COALESCE(p.pay_on, ''), p.created_at, p.rowid
            """, arguments: StatementArguments(args))
        let loader = AccountLoader(db: db)
        var todays: [String: LocalDate] = [:]
        func today(_ branchID: String) throws -> LocalDate? {
            if let t = todays[branchID] { return t }
            guard let branch = try loader.loadBranch(id: branchID) else { return nil }
            let t = branch.today(at: now)
            todays[branchID] = t
            return t
        }

        var pending: [String: [PaymentCommitment]] = [:]
        for r in rows where (r["state"] as String) == "pending" {
            pending[r["account"], default: []].append(
                PaymentCommitment(paymentID: r["id"], job: r["job"], state: "pending", amount: r["amount"], lines: [:]))
        }
        var promoted: [String] = []
        for r in rows where (r["state"] as String) != "pending" {
            let id: String = r["id"], account: String = r["account"], state: String = r["state"]
            guard let today = try today(r["branch"]) else { continue }
            let payOn = (r["pay_on"] as String?).flatMap(LocalDate.init)
            // A payment whose day has not come stays as it is (a waiting one too, should the
            // clock have been set back).
            if let payOn, payOn > today { continue }
            let job: Int? = r["job"]
            if let blocker = PaymentScope.pendingBlocker(for: job, among: pending[account] ?? []) {
                guard state != "waiting" || (r["waiting_for"] as String?) != blocker.paymentID else { continue }
                try db.execute(sql: "UPDATE payment SET state = 'waiting', waiting_for = ?, updated_at = ? WHERE id = ?",
                               arguments: [blocker.paymentID, stamp, id])
                try db.execute(sql: "UPDATE outbox SET state = 'held' WHERE payment = ? AND topic = 'payment' AND state = 'due'",
                               arguments: [id])
            } else {
                try db.execute(sql: "UPDATE payment SET state = 'pending', waiting_for = NULL, updated_at = ? WHERE id = ?",
                               arguments: [stamp, id])
                // Its entry goes out now, saying what it now is.
                try db.execute(sql: """
                    UPDATE outbox SET state = 'due', next_attempt_at = ?, payload = json_set(payload, '$.state', 'pending')
                    WHERE payment = ? AND topic = 'payment' AND state IN ('due', 'held') AND attempts = 0
                    """, arguments: [stamp, id])
                pending[account, default: []].append(
                    PaymentCommitment(paymentID: id, job: job, state: "pending", amount: r["amount"], lines: [:]))
                promoted.append(id)
            }
        }
        return promoted
    }

    /// The account's payments that cover what they pay for, with their lines: pending,
    /// scheduled, waiting, and processed here while the back office's history does not carry
    /// them yet (a `processed_payment` row with the kiosk payment's id).
    static func commitments(_ db: Database, account: String) throws -> [PaymentCommitment] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.id, p.job, p.state, p.amount FROM payment p
            WHERE p.account = ? AND (p.state IN ('pending', 'scheduled', 'waiting')
                  OR (p.state = 'processed' AND NOT EXISTS (
                        SELECT 1 FROM processed_payment pp WHERE pp.account = p.account AND pp.id = p.id)))
            ORDER BY p.created_at, p.rowid
            """, arguments: [account])
        return try rows.map { r in
            let id: String = r["id"]
            var lines: [String: Int] = [:]
            for l in try Row.fetchAll(db, sql: "SELECT item, amount FROM payment_line WHERE payment = ?", arguments: [id]) {
                lines[l["item"], default: 0] += l["amount"] as Int
            }
            return PaymentCommitment(paymentID: id, job: r["job"], state: r["state"], amount: r["amount"], lines: lines)
        }
    }

    /// What processing `payment` (a rejected one) would pay twice: the other covering payments
    /// and the lines (invoices, finance charges) they share with it.
    static func overlap(_ db: Database, payment id: String, account: String) throws -> PaymentOverlap? {
        let mine = Set(try String.fetchAll(db, sql: "SELECT item FROM payment_line WHERE payment = ? AND item != ?",
                                           arguments: [id, QuoteLine.balanceID]))
        guard !mine.isEmpty else { return nil }
        var payments: [String] = [], items = Set<String>()
        for c in try commitments(db, account: account) where c.paymentID != id {
            let shared = mine.intersection(c.lines.keys)
            guard !shared.isEmpty else { continue }
            payments.append(c.paymentID)
            items.formUnion(shared)
        }
        guard !payments.isEmpty else { return nil }
        var numbers: [String] = []
        for item in items.sorted() {
            if item == QuoteLine.financeChargesID { numbers.append("the finance charges"); continue }
            let number = try String.fetchOne(db, sql: "SELECT number FROM item WHERE account = ? AND id = ?", arguments: [account, item])
            numbers.append(number.map { "invoice \($0)" } ?? "item \(item)")
        }
        return PaymentOverlap(payments: payments, items: items.sorted(), described: numbers)
    }
}

/// Another payment already covers some of what a rejected payment paid for.
public struct PaymentOverlap: Sendable, Equatable {
    public var payments: [String]
    /// Item ids (or `finance_charges`).
    public var items: [String]
    /// "invoice 40117", "the finance charges", in the order of `items`.
    public var described: [String]
}
