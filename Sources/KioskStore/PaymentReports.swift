import Foundation
import GRDB
import KioskCore

/// A count, and per currency a count and an amount in minor units.
public struct ReportTally: Sendable, Equatable {
    public struct Total: Sendable, Equatable {
        public var count = 0
        public var amount = 0
    }
    public private(set) var count = 0
    public private(set) var byCurrency: [String: Total] = [:]

    public init() {}

    mutating func merge(_ other: ReportTally) {
        count += other.count
        for (c, t) in other.byCurrency {
            byCurrency[c, default: Total()].count += t.count
            byCurrency[c, default: Total()].amount += t.amount
        }
    }

    mutating func add(_ amount: Int, _ currency: String) {
        count += 1
        byCurrency[currency, default: Total()].count += 1
        byCurrency[currency, default: Total()].amount += amount
    }
}

/// The payments taken on one day of the branch (by the local day of `created_at`).
public struct DayReport: Sendable, Equatable {
    public var date: LocalDate
    /// Every payment taken that day and not deleted since, whatever its state now.
    public var taken = ReportTally()
    public var byState: [PaymentState: ReportTally] = [:]
    /// By `method_type`: card_on_file, bank_account_on_file, card_swiped, bank_account_typed.
    public var byMethod: [String: ReportTally] = [:]
    /// Taken that day and deleted since: shown apart, never in `taken`.
    public var deleted = ReportTally()

    init(date: LocalDate) { self.date = date }

    /// A day with nothing taken.
    public static func empty(_ date: LocalDate) -> DayReport { DayReport(date: date) }

    /// Adds `other`'s payments to these (a range's totals).
    public mutating func merge(_ other: DayReport) {
        taken.merge(other.taken)
        deleted.merge(other.deleted)
        for (k, v) in other.byState { byState[k, default: ReportTally()].merge(v) }
        for (k, v) in other.byMethod { byMethod[k, default: ReportTally()].merge(v) }
    }
}

/// A payment rejected or deleted, with the history row that did it.
public struct PaymentEvent: Sendable, Equatable {
    public var id: String
    public var account: String
    public var job: Int?
    public var amount: Int
    public var currency: String
    public var createdAt: String
    public var change: PaymentHistoryEntry
}

/// What the outbox has not delivered yet.
public struct OutboxBacklog: Sendable, Equatable {
    public struct Topic: Sendable, Equatable {
        public var topic: String
        public var count: Int
        public var oldest: String
    }
    public var undelivered = 0
    public var oldest: String?
    public var byTopic: [Topic] = []
}

/// `report.day` and `report.range` from the store: days, events and the outbox's backlog.
public struct PaymentReport: Sendable, Equatable {
    public var days: [DayReport]
    /// Rejections and deletions (cancellations included) made on the range's days, oldest first.
    public var rejections: [PaymentEvent]
    public var deletions: [PaymentEvent]
    public var outbox: OutboxBacklog
}

extension KioskStore {
    /// The kiosk's day: today in the zone of its branch (the first by id when the sync sent
    /// several), or UTC before any sync.
    public func reportToday(now: Date) async throws(StoreError) -> LocalDate {
        do { return try await pool.read { db in try PaymentReports.zone(db).map { LocalDate(instant: now, in: $0) } ?? LocalDate(instant: now, in: .gmt) } }
        catch { throw KioskStore.translate(error, path: path) }
    }

    /// Payments taken on each day `from`…`to` (inclusive; each payment by the local day of
    /// its `created_at` in its account's branch's zone), the rejections and deletions made on
    /// those days, and the outbox's backlog now. One read transaction: one consistent picture.
    public func paymentReport(from: LocalDate, to: LocalDate) async throws(StoreError) -> PaymentReport {
        do { return try await pool.read { db in try PaymentReports.make(db, from: from, to: to) } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}

enum PaymentReports {
    static func zone(_ db: Database) throws -> TimeZone? {
        guard let id = try String.fetchOne(db, sql: "SELECT id FROM branch ORDER BY id LIMIT 1"),
              let branch = try AccountLoader(db: db).loadBranch(id: id) else { return nil }
        return branch.zone
    }

    static func make(_ db: Database, from: LocalDate, to: LocalDate) throws -> PaymentReport {
        let fallback = try PaymentReports.zone(db) ?? .gmt
        var zones: [String: TimeZone] = [:]
        let loader = AccountLoader(db: db)
        func zone(ofBranch id: String?) throws -> TimeZone {
            guard let id else { return fallback }
            if let z = zones[id] { return z }
            let z = try loader.loadBranch(id: id)?.zone ?? fallback
            zones[id] = z
            return z
        }
        // Every zone is within a day of UTC: a day either side of the range in UTC holds every
        // instant that falls on the range's days anywhere; each is then placed exactly.
        let low = from.adding(days: -1).description, high = to.adding(days: 2).description
        func day(_ instant: String, branch: String?) throws -> LocalDate? {
            guard let date = try? Date(instant, strategy: .iso8601) else { return nil }
            let d = LocalDate(instant: date, in: try zone(ofBranch: branch))
            return d >= from && d <= to ? d : nil
        }

        var days: [LocalDate: DayReport] = [:]
        var d = from
        while d <= to { days[d] = DayReport(date: d); d = d.adding(days: 1) }
        let payments = try Row.fetchAll(db, sql: """
            SELECT p.id, p.amount, p.currency, p.state, p.created_at, COALESCE(p.method_type, 'card_on_file') AS method, a.branch AS branch
            FROM payment p LEFT JOIN account a ON a.number = p.account
            WHERE p.created_at >= ? AND p.created_at < ?
            ORDER BY p.created_at, p.rowid
            """, arguments: [low, high])
        for row in payments {
            guard let taken = try day(row["created_at"], branch: row["branch"]) else { continue }
            let amount: Int = row["amount"], currency: String = row["currency"]
            guard let state = PaymentState(rawValue: row["state"]) else { continue }
            if state == .deleted { days[taken]?.deleted.add(amount, currency); continue }
            days[taken]?.taken.add(amount, currency)
            days[taken]?.byState[state, default: ReportTally()].add(amount, currency)
            days[taken]?.byMethod[row["method"], default: ReportTally()].add(amount, currency)
        }

        var rejections: [PaymentEvent] = [], deletions: [PaymentEvent] = []
        let events = try Row.fetchAll(db, sql: """
            SELECT h.*, p.account AS account, p.job AS job, p.amount AS amount, p.currency AS currency, p.created_at AS created_at,
                   a.branch AS branch
            FROM payment_history h JOIN payment p ON p.id = h.payment LEFT JOIN account a ON a.number = p.account
            WHERE h.to_state IN ('rejected', 'deleted') AND h.at >= ? AND h.at < ?
            ORDER BY h.at, h.id
            """, arguments: [low, high])
        for row in events {
            guard try day(row["at"], branch: row["branch"]) != nil else { continue }
            let change = PaymentHistory.entry(row)
            let event = PaymentEvent(id: row["payment"], account: row["account"], job: row["job"], amount: row["amount"],
                                     currency: row["currency"], createdAt: row["created_at"], change: change)
            if change.to == .rejected { rejections.append(event) } else { deletions.append(event) }
        }

        var backlog = OutboxBacklog()
        for row in try Row.fetchAll(db, sql: """
            SELECT topic, count(*) AS n, min(created_at) AS oldest FROM outbox WHERE state <> 'delivered' GROUP BY topic ORDER BY topic
            """) {
            let topic = OutboxBacklog.Topic(topic: row["topic"], count: row["n"], oldest: row["oldest"])
            backlog.byTopic.append(topic)
            backlog.undelivered += topic.count
            backlog.oldest = min(backlog.oldest ?? topic.oldest, topic.oldest)
        }
        return PaymentReport(days: days.values.sorted { $0.date < $1.date }, rejections: rejections, deletions: deletions, outbox: backlog)
    }
}
