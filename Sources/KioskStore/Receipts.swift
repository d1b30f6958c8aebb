import Foundation
import GRDB

/// A receipt asked for at the kiosk's printer, as `receipt.list` shows it (one per payment).
public struct ReceiptRecord: Sendable, Equatable {
    public enum State: String, Sendable, CaseIterable {
        /// An attempt is running (or the daemon stopped during one: see `KioskStore.interruptReceipts`).
        case printing
        case printed
        /// The last attempt did not finish; `fault` says why.
        case failed
    }
    /// The payment's id (the short id printed on the receipt).
    public var payment: String
    public var account: String
    public var state: State
    public var fault: String?
    public var printer: String?
    public var attempts: Int
    public var requestedAt: String
    public var requestedBy: String
    public var updatedAt: String
    public var printedAt: String?
}

extension KioskStore {
    /// Records that an attempt to print the receipt of `payment` begins on `printer`, with its
    /// audit row, in one transaction; the first attempt creates the row.
    public func receiptAttemptBegins(payment: String, account: String, printer: String?, requestedBy: String,
                                     now: Date, audit: AuditEntry) async throws(StoreError) -> ReceiptRecord {
        do {
            return try await pool.write { db in
                let at = now.formatted(Outbox.instant)
                try db.execute(sql: """
                    INSERT INTO receipt (payment, account, state, printer, attempts, requested_at, requested_by, updated_at)
                    VALUES (?, ?, 'printing', ?, 1, ?, ?, ?)
                    ON CONFLICT (payment) DO UPDATE SET state = 'printing', fault = NULL, printer = excluded.printer,
                        attempts = attempts + 1, requested_by = excluded.requested_by, updated_at = excluded.updated_at
                    """, arguments: [payment, account, printer, at, requestedBy, at])
                var audit = audit
                let attempt = try Int.fetchOne(db, sql: "SELECT attempts FROM receipt WHERE payment = ?", arguments: [payment]) ?? 1
                audit.detail = "receipt \(payment): attempt \(attempt) on \(printer ?? "no printer"), asked by \(requestedBy)"
                try audit.insert(db)
                return try Self.receipt(db, payment: payment)!
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Records how an attempt ended: printed, or failed with `fault`.
    public func receiptAttemptEnded(payment: String, fault: String?, now: Date) async throws(StoreError) -> ReceiptRecord? {
        do {
            return try await pool.write { db in
                let at = now.formatted(Outbox.instant)
                try db.execute(sql: """
                    UPDATE receipt SET state = ?, fault = ?, updated_at = ?, printed_at = CASE WHEN ? IS NULL THEN ? ELSE printed_at END
                    WHERE payment = ?
                    """, arguments: [fault == nil ? "printed" : "failed", fault, at, fault, at, payment])
                return try Self.receipt(db, payment: payment)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// At start-up: an attempt still "printing" was cut off when the daemon stopped; it failed.
    @discardableResult
    public func interruptReceipts(now: Date) async throws(StoreError) -> Int {
        do {
            return try await pool.write { db in
                try db.execute(sql: "UPDATE receipt SET state = 'failed', fault = 'interrupted', updated_at = ? WHERE state = 'printing'",
                               arguments: [now.formatted(Outbox.instant)])
                return db.changesCount
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    public func receipt(payment: String) async throws(StoreError) -> ReceiptRecord? {
        do { return try await pool.read { db in try Self.receipt(db, payment: payment) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Receipts, most recently touched first: `size` rows of page `page`, and whether more follow.
    public func receipts(state: ReceiptRecord.State?, page: Int, size: Int) async throws(StoreError) -> (rows: [ReceiptRecord], more: Bool) {
        do {
            return try await pool.read { db in
                var sql = "SELECT * FROM receipt"
                var arguments: StatementArguments = []
                if let state { sql += " WHERE state = ?"; arguments += [state.rawValue] }
                sql += " ORDER BY updated_at DESC, payment LIMIT ? OFFSET ?"
                arguments += [size + 1, page * size]
                let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.receipt)
                return (Array(rows.prefix(size)), rows.count > size)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// How many receipts wait for a reprint (their last attempt failed).
    public func failedReceiptCount() async throws(StoreError) -> Int {
        do { return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM receipt WHERE state = 'failed'") ?? 0 } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// The card a payment was made with, as a receipt names it: brand and last four digits from
    /// the card on file or the sealed capture's masked view (the only forms the kiosk keeps).
    /// nil members when the payment names neither (a bank account: its description says it).
    public func receiptCard(payment: String) async throws(StoreError) -> (brand: String?, last4: String?) {
        do {
            return try await pool.read { db in
                guard let row = try Row.fetchOne(db, sql: "SELECT account, card_on_file, card_capture FROM payment WHERE id = ?",
                                                 arguments: [payment]) else { return (nil, nil) }
                if let card: String = row["card_on_file"],
                   let found = try Row.fetchOne(db, sql: "SELECT brand, last4 FROM card_on_file WHERE account = ? AND id = ?",
                                                arguments: [row["account"] as String, card]) {
                    return (found["brand"], found["last4"])
                }
                if let capture: String = row["card_capture"],
                   let masked = try String.fetchOne(db, sql: "SELECT masked FROM sealed_capture WHERE id = ?", arguments: [capture]),
                   let object = try? JSONSerialization.jsonObject(with: Data(masked.utf8)) as? [String: Any] {
                    return (object["brand"] as? String, object["last4"] as? String)
                }
                return (nil, nil)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    static func receipt(_ db: Database, payment: String) throws -> ReceiptRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM receipt WHERE payment = ?", arguments: [payment]).map(receipt)
    }

    static func receipt(_ row: Row) -> ReceiptRecord {
        ReceiptRecord(payment: row["payment"], account: row["account"], state: ReceiptRecord.State(rawValue: row["state"]) ?? .failed,
                      fault: row["fault"], printer: row["printer"], attempts: row["attempts"], requestedAt: row["requested_at"],
                      requestedBy: row["requested_by"], updatedAt: row["updated_at"], printedAt: row["printed_at"])
    }
}
