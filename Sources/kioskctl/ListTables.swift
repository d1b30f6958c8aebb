import Foundation
import KioskClient
import KioskProtocol

/// Tables of lists whose commands live elsewhere (PaymentCommand.swift), on the shared
/// ``TextTable``: ids, accounts and amounts whole, however long.
enum ListTables {
    /// `kioskctl payments list`: one payment a line, notes (autopay, day, waiting, rejection) last.
    static func payments(_ payments: [PaymentSummaryWire]) -> [String] {
        var table = TextTable([.whole("ID"), .whole("ACCOUNT"), .whole("JOB"), .whole("AMOUNT", rightAligned: true), .whole("STATE"),
                               .whole("SUBMITTED"), .whole("METHOD")])
        for p in payments {
            var notes = ""
            if let rule = p.autopayRule { notes += "  autopay (rule \(rule))" }
            if let day = p.payOn { notes += "  (pay on \(day))" }
            if let other = p.waitingFor { notes += "  (waiting for \(other))" }
            if let reason = p.reason { notes += "  [\(reason): \(p.message ?? "")]" }
            table.append([p.id, p.account, p.job.map(String.init) ?? "-", MoneyFormat.format(p.amount, currency: p.currency), p.state,
                          p.createdAt, p.methodDescription + notes])
        }
        return table.lines()
    }

    /// `kioskctl outbox list`: one entry a line, the next attempt and last error last.
    static func outbox(_ entries: [OutboxEntryWire]) -> [String] {
        var table = TextTable([.whole("ID"), .whole("TOPIC"), .whole("STATE"), .whole("ATTEMPTS", rightAligned: true), .whole("DETAIL")])
        for e in entries {
            let detail = [e.nextAttemptAt.map { "next \($0)" }, e.payment.map { "payment \($0)" }, e.lastError.map { "last error: \($0)" }]
                .compactMap { $0 }.joined(separator: "  ")
            table.append([String(e.id), e.topic, e.state, String(e.attempts), detail])
        }
        return table.lines()
    }
}
