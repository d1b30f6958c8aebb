import Foundation
import GRDB
import KioskBackOfficeContract
import KioskCore

/// A payment that became pending: the day it was for (scheduled ones) and the day it ran.
public struct PaymentPromotion: Sendable, Equatable {
    public var id: String
    public var payOn: LocalDate?
    public var ranOn: LocalDate
    /// Its day had passed: the kiosk was off, or its clock behind, when the day began.
    public var late: Bool
}

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
    /// no payment of its scope is pending, else waiting for that one. Returns the payments that
    /// became pending.
    ///
    /// A payment that becomes pending after its day (the kiosk was off, or its clock behind,
    /// when the day began) runs once, late, and says so: the audit log records the day it was
    /// for and the day it ran, in the same transaction.
    @discardableResult
    static func settle(_ db: Database, now: Date, account: String? = nil) throws -> [PaymentPromotion] {
        typealias O = StoredOutboxEntry.Columns
        typealias P = StoredPayment.Columns
        let stamp = now.formatted(Outbox.instant)
        let undecided = PaymentState.undecided.map(\.rawValue).sorted()
        var filter = "p.state IN (\(databaseQuestionMarks(count: undecided.count)))"
        var args = StatementArguments(undecided)
        if let account { filter += " AND p.account = ?"; args += [account] }
        // The account's branch comes with each payment: "today" is the branch's.
        let rows = try Row.fetchAll(db, sql: """
            SELECT p.*, a.branch AS branch
            FROM payment p JOIN account a ON a.number = p.account
            WHERE \(filter)
            ORDER BY p.account, COALESCE(p.pay_on, ''), p.created_at, p.rowid
            """, arguments: args)
        let payments = try rows.map { (payment: try StoredPayment(row: $0), branch: $0["branch"] as String) }
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
        for (p, _) in payments where p.state == .pending {
            pending[p.account, default: []].append(PaymentCommitment(paymentID: p.id, job: p.job, state: .pending, amount: p.amount, lines: [:]))
        }
        var promoted: [PaymentPromotion] = []
        for (stored, branch) in payments where stored.state != .pending {
            var p = stored
            guard let today = try today(branch) else { continue }
            // A payment whose day has not come stays as it is (a waiting one too, should the
            // clock have been set back).
            if let payOn = p.payOn.flatMap(LocalDate.init), payOn > today { continue }
            if let blocker = PaymentScope.pendingBlocker(for: p.job, among: pending[p.account] ?? []) {
                guard p.state != .waiting || p.waitingFor != blocker.paymentID else { continue }
                if p.state != .waiting {
                    try PaymentHistory.record(db, payment: p.id, from: p.state, to: .waiting, at: now, actor: .kiosk,
                                              reason: "waits for payment \(blocker.paymentID)")
                }
                p.state = .waiting; p.waitingFor = blocker.paymentID; p.updatedAt = stamp
                try p.update(db, columns: [P.state, P.waitingFor, P.updatedAt])
                try StoredOutboxEntry.filter(O.payment == p.id && O.topic == OutboxTopic.payment && O.state == OutboxState.due)
                    .updateAll(db, O.state.set(to: OutboxState.held))
            } else {
                // Late: its day passed before it could run (a waiting one ran late for another
                // reason, the payment it waited for, and that is not news).
                let late = stored.state == .scheduled ? p.payOn.flatMap(LocalDate.init).flatMap { $0 < today ? $0 : nil } : nil
                let why = if let late { "its day \(late) had passed; ran late" }
                    else if stored.state == .waiting { "payment \(stored.waitingFor ?? "it waited for") is no longer pending" }
                    else { "its day came" }
                try PaymentHistory.record(db, payment: p.id, from: p.state, to: .pending, at: now, actor: .kiosk, reason: why)
                p.state = .pending; p.waitingFor = nil; p.updatedAt = stamp
                try p.update(db, columns: [P.state, P.waitingFor, P.updatedAt])
                // Its entry goes out now, saying what it now is.
                try db.execute(sql: """
                    UPDATE outbox SET state = ?, next_attempt_at = ?, payload = json_set(payload, '$.state', ?)
                    WHERE payment = ? AND topic = ? AND state IN (?, ?) AND attempts = 0
                    """, arguments: [OutboxState.due, stamp, PaymentState.pending, p.id, OutboxTopic.payment, OutboxState.due, OutboxState.held])
                pending[p.account, default: []].append(PaymentCommitment(paymentID: p.id, job: p.job, state: .pending, amount: p.amount, lines: [:]))
                if let late {
                    try AuditEntry(at: now, uid: 0, userName: "kioskd", role: "daemon", action: "payment.ran_late",
                                   detail: "payment \(p.id) for \(late) ran on \(today)").insert(db)
                }
                promoted.append(PaymentPromotion(id: p.id, payOn: p.payOn.flatMap(LocalDate.init), ranOn: today, late: late != nil))
            }
        }
        return promoted
    }

    /// The account's payments that cover what they pay for, with their lines: pending,
    /// scheduled, waiting, and processed here while the back office's history does not carry
    /// them yet (a `processed_payment` row with the kiosk payment's id).
    static func commitments(_ db: Database, account: String) throws -> [PaymentCommitment] {
        let undecided = PaymentState.undecided.map(\.rawValue).sorted()
        let payments = try StoredPayment.fetchAll(db, sql: """
            SELECT p.* FROM payment p
            WHERE p.account = ? AND (p.state IN (\(databaseQuestionMarks(count: undecided.count)))
                  OR (p.state = ? AND NOT EXISTS (
                        SELECT 1 FROM processed_payment pp WHERE pp.account = p.account AND pp.id = p.id)))
            ORDER BY p.created_at, p.rowid
            """, arguments: StatementArguments([account] + undecided + [PaymentState.processed.rawValue]))
        return try payments.map { p in
            var lines: [String: Int] = [:]
            for l in try StoredPaymentLine.filter(StoredPaymentLine.Columns.payment == p.id).fetchAll(db) {
                lines[l.item, default: 0] += l.amount
            }
            return PaymentCommitment(paymentID: p.id, job: p.job, state: p.state, amount: p.amount, lines: lines,
                                     payOn: p.state.isDated ? p.payOn.flatMap(LocalDate.init) : nil)
        }
    }

    /// What processing `payment` (a rejected one) would pay twice: the other covering payments
    /// and the lines (invoices, finance charges) they share with it.
    static func overlap(_ db: Database, payment id: String, account: String) throws -> PaymentOverlap? {
        typealias L = StoredPaymentLine.Columns
        let mine = Set(try String.fetchAll(db, StoredPaymentLine.select(L.item).filter(L.payment == id && L.item != QuoteLine.balanceID)))
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
            let number = item == QuoteLine.financeChargesID ? nil
                : try String.fetchOne(db, sql: "SELECT number FROM item WHERE account = ? AND id = ?", arguments: [account, item])
            numbers.append(PaymentOverlap.describe(item: item, number: number))
        }
        return PaymentOverlap(payments: payments, items: items.sorted(), described: numbers)
    }
}
