import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// `report.day`, `report.range`: what was taken, by state and method, per currency; what was
/// rejected or deleted and why; what the back office has not received yet.
struct ReportHandlers: Sendable {
    let store: KioskStore
    let now: @Sendable () -> Date

    func register(in table: inout HandlerTable) {
        table.on(Methods.reportDay) { params, _ in
            let day: LocalDate
            if let text = params.date { day = try Self.date(text, path: "params.date") }
            else { day = try await read { try await store.reportToday(now: now()) } }
            let report = try await read { try await store.paymentReport(from: day, to: day) }
            let summary = report.days.first ?? DayReport.empty(day)
            return ReportDayResult(date: day.description, payments: Self.payments(summary), deleted: Self.tally(summary.deleted),
                                   rejections: report.rejections.map(Self.event), deletions: report.deletions.map(Self.event),
                                   outbox: ReportOutboxWire(undelivered: report.outbox.undelivered, oldest: report.outbox.oldest,
                                                            byTopic: report.outbox.byTopic.map { ReportOutboxWire.Topic(topic: $0.topic, count: $0.count, oldest: $0.oldest) }))
        }
        table.on(Methods.reportRange) { params, _ in
            let from = try Self.date(params.from, path: "params.from"), to = try Self.date(params.to, path: "params.to")
            guard from <= to else {
                throw RPCError.invalidParams("invalid params: params.to must be on or after params.from", path: "params.to")
            }
            guard to <= from.adding(days: ReportRangeResult.maximumDays - 1) else {
                throw RPCError.invalidParams("invalid params: a range covers at most \(ReportRangeResult.maximumDays) days; ask for shorter ranges",
                                             path: "params.to")
            }
            let report = try await read { try await store.paymentReport(from: from, to: to) }
            var all = DayReport.empty(from)
            for day in report.days { all.merge(day) }
            return ReportRangeResult(from: from.description, to: to.description,
                                     days: report.days.map { ReportRangeResult.Day(date: $0.date.description, payments: Self.payments($0), deleted: Self.tally($0.deleted)) },
                                     payments: Self.payments(all), deleted: Self.tally(all.deleted))
        }
    }

    /// A day `YYYY-MM-DD` that exists, else invalid params naming `path` (never the value).
    static func date(_ text: String, path: String) throws -> LocalDate {
        guard text.count == 10, let day = LocalDate(text) else {
            throw RPCError.invalidParams("invalid params: \(path) must be a day such as 2026-12-02 (YYYY-MM-DD)", path: path)
        }
        return day
    }

    private func read<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
    }

    static func totals(_ t: ReportTally) -> [ReportTallyWire.Total] {
        t.byCurrency.keys.sorted().map { ReportTallyWire.Total(currency: $0, count: t.byCurrency[$0]!.count, amount: t.byCurrency[$0]!.amount) }
    }

    static func tally(_ t: ReportTally) -> ReportTallyWire { ReportTallyWire(count: t.count, totals: totals(t)) }

    /// States in their life order; methods by name.
    static func payments(_ d: DayReport) -> ReportPaymentsWire {
        ReportPaymentsWire(count: d.taken.count, totals: totals(d.taken),
                           byState: PaymentState.allCases.compactMap { s in d.byState[s].map { ReportPaymentsWire.ByState(state: s.rawValue, count: $0.count, totals: totals($0)) } },
                           byMethod: d.byMethod.keys.sorted().map { ReportPaymentsWire.ByMethod(method: $0, count: d.byMethod[$0]!.count, totals: totals(d.byMethod[$0]!)) })
    }

    static func event(_ e: PaymentEvent) -> ReportEventWire {
        ReportEventWire(id: e.id, account: e.account, job: e.job, amount: e.amount, currency: e.currency, takenAt: e.createdAt, at: e.change.at,
                        actor: PaymentActorWire(uid: e.change.actor.uid, user: e.change.actor.user, role: e.change.actor.role),
                        reason: e.change.reason, message: e.change.message)
    }
}
