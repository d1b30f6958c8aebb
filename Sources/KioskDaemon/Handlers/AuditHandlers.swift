import Foundation
import KioskProtocol
import KioskStore

/// `audit.list`, `audit.verify`: reading and checking the hash-chained audit log.
struct AuditHandlers: Sendable {
    let store: KioskStore

    func register(in table: inout HandlerTable) {
        table.on(Methods.auditList) { params, _ in
            let page = params.page ?? 0
            guard (0...100_000).contains(page) else {
                throw RPCError.invalidParams("invalid params: params.page must be a page number from 0 to 100000", path: "params.page")
            }
            var filter = AuditFilter()
            if let since = params.since {
                guard let date = Self.moment(since) else {
                    throw RPCError.invalidParams("invalid params: params.since must be a time such as 2026-12-02T07:00:00Z or a day such as 2026-12-02",
                                                 path: "params.since")
                }
                filter.since = date
            }
            for (name, value) in [("actor", params.actor), ("action", params.action)] {
                if let value, value.trimmingCharacters(in: .whitespaces).isEmpty || value.count > 200 {
                    throw RPCError.invalidParams("invalid params: params.\(name) must be 1 to 200 characters", path: "params.\(name)")
                }
            }
            filter.actor = params.actor
            filter.action = params.action
            let found: (entries: [StoredAuditEntry], more: Bool)
            do { found = try await store.auditPage(filter, page: page, pageSize: AuditListResult.pageSize) }
            catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
            let fmt = Date.ISO8601FormatStyle()
            return AuditListResult(entries: found.entries.map { stored in
                let e = stored.entry
                return AuditRow(id: stored.id, at: e.at.formatted(fmt), uid: e.uid, user: e.userName, role: e.role, action: e.action,
                                subject: e.subject, summary: e.detail)
            }, page: page, more: found.more)
        }
        table.on(Methods.auditVerify) { _, _ in
            let found: AuditVerification
            do { found = try await store.verifyAudit() }
            catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
            return AuditVerifyResult(ok: found.ok, rows: found.rows, head: found.head,
                                     firstBad: found.firstBad.map { .init(id: $0.id, problem: $0.problem) })
        }
    }

    /// An RFC 3339 time, or a day (`YYYY-MM-DD`) from midnight on the kiosk's clock.
    static func moment(_ text: String) -> Date? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.count <= 40 else { return nil }
        if let date = try? Date(trimmed, strategy: .iso8601) { return date }
        if let date = try? Date(trimmed, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        let parts = trimmed.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else { return nil }
        let calendar = Calendar(identifier: .gregorian)
        guard let date = calendar.date(from: DateComponents(timeZone: .current, year: year, month: month, day: day)) else { return nil }
        let back = calendar.dateComponents(in: .current, from: date)
        guard back.year == year, back.month == month, back.day == day else { return nil }
        return date
    }
}
