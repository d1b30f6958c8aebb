import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl report day|range`: the end-of-day reconciliation and period figures (managers).
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "Payments taken per day: end of day, and ranges as CSV (managers).",
                                                    subcommands: [Day.self, RangeReport.self])

    struct Day: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End of day: payments taken by state and method with totals, rejections and deletions with reasons, the outbox still undelivered.",
            discussion: """
                A payment counts on the branch's local day it was taken (created); deleted ones are shown apart, never in the totals.

                Examples:
                  kioskctl report day
                  kioskctl report day 2026-12-02 --json
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The day, YYYY-MM-DD (default: the branch's today).", valueName: "date")) var date: String?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            if let date { try ReportCommand.checkShape(date, name: "DATE") }
        }

        func run() async throws {
            try await connection.show(Methods.reportDay, ReportDayParams(date: date), json: json, ReportCommand.text)
        }
    }

    struct RangeReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "range",
            abstract: "Payments taken per day from FROM to TO (inclusive, at most 366 days), with the range's totals.",
            discussion: """
                --csv prints one row per day and currency (a day with nothing taken: one row with an empty currency), \
                amounts as decimal money in the currency's units, RFC 4180 quoting and CRLF line ends.

                Examples:
                  kioskctl report range 2026-12-01 2026-12-31
                  kioskctl report range 2026-12-01 2026-12-31 --csv > december.csv
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The first day, YYYY-MM-DD.", valueName: "from")) var from: String
        @Argument(help: ArgumentHelp("The last day, YYYY-MM-DD.", valueName: "to")) var to: String
        @Flag(help: "Print CSV (a header row, then a row per day and currency).") var csv = false
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            try ReportCommand.checkShape(from, name: "FROM")
            try ReportCommand.checkShape(to, name: "TO")
            if csv && json { throw ValidationError("choose one of --csv and --json") }
        }

        func run() async throws {
            let params = ReportRangeParams(from: from, to: to)
            if csv {
                try await connection.withClient { client in
                    let report = try await client.call(Methods.reportRange, params)
                    StandardStreams.output(ReportCommand.csv(report))
                }
                return
            }
            try await connection.show(Methods.reportRange, params, json: json) { r in
                var out = ["Payments taken \(r.from) to \(r.to) (deleted ones apart):"]
                out += r.days.filter { $0.payments.count > 0 || $0.deleted.count > 0 }.map { d in
                    "  \(d.date)  \(ReportCommand.summary(d.payments.count, d.payments.totals))"
                        + (d.deleted.count > 0 ? "  (deleted: \(ReportCommand.summary(d.deleted.count, d.deleted.totals)))" : "")
                }
                out.append("Total: \(ReportCommand.summary(r.payments.count, r.payments.totals))")
                out += r.payments.byState.map { "  \($0.state): \(ReportCommand.summary($0.count, $0.totals))" }
                if r.deleted.count > 0 { out.append("Deleted (not in the total): \(ReportCommand.summary(r.deleted.count, r.deleted.totals))") }
                return out
            }
        }
    }

    /// The shape of a day; whether it exists is the daemon's to say (65 with its sentence).
    static func checkShape(_ text: String, name: String) throws {
        guard text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else {
            throw ValidationError("\(name) must be a day written YYYY-MM-DD, for example 2026-12-02")
        }
    }

    /// `3 payments, $12.34` (per currency, joined).
    static func summary(_ count: Int, _ totals: [ReportTallyWire.Total]) -> String {
        "\(count) \(count == 1 ? "payment" : "payments")"
            + (totals.isEmpty ? "" : ", " + totals.map { MoneyFormat.format($0.amount, currency: $0.currency) }.joined(separator: " + "))
    }

    static func text(_ r: ReportDayResult) -> [String] {
        var out = ["End of day \(r.date): \(summary(r.payments.count, r.payments.totals)) taken (deleted ones apart)"]
        if !r.payments.byState.isEmpty { out.append("By state:") }
        out += r.payments.byState.map { "  \($0.state.padding(toLength: 10, withPad: " ", startingAt: 0)) \(summary($0.count, $0.totals))" }
        if !r.payments.byMethod.isEmpty { out.append("By method:") }
        out += r.payments.byMethod.map { "  \($0.method.padding(toLength: 21, withPad: " ", startingAt: 0)) \(summary($0.count, $0.totals))" }
        if r.deleted.count > 0 { out.append("Taken that day and deleted since (not in the totals): \(summary(r.deleted.count, r.deleted.totals))") }
        func event(_ e: ReportEventWire) -> String {
            "  \(e.id)  account \(e.account)  \(MoneyFormat.format(e.amount, currency: e.currency))  at \(e.at) by \(PaymentCommand.actor(e.actor))"
                + (e.reason.map { ": \($0)" } ?? "") + (e.message.map { " \"\($0)\"" } ?? "")
        }
        out.append(r.rejections.isEmpty ? "Rejected that day: none" : "Rejected that day:")
        out += r.rejections.map(event)
        out.append(r.deletions.isEmpty ? "Deleted that day: none" : "Deleted that day:")
        out += r.deletions.map(event)
        if r.outbox.undelivered == 0 {
            out.append("Outbox: everything delivered.")
        } else {
            out.append("Outbox: \(r.outbox.undelivered) not delivered yet, oldest \(r.outbox.oldest ?? "?")")
            out += r.outbox.byTopic.map { "  \($0.topic.padding(toLength: 15, withPad: " ", startingAt: 0)) \($0.count), oldest \($0.oldest)" }
        }
        return out
    }

    /// The states a CSV row has columns for, in life order.
    static let csvStates = ["pending", "scheduled", "waiting", "processed", "rejected"]

    /// One row per day and currency; amounts in the currency's units (`12.34`), never minor units.
    static func csv(_ r: ReportRangeResult) -> String {
        var header = ["date", "currency", "count", "total"]
        for s in csvStates + ["deleted"] { header += ["\(s)_count", "\(s)_total"] }
        var rows = [header]
        for d in r.days {
            let currencies = Set(d.payments.totals.map(\.currency) + d.deleted.totals.map(\.currency)).sorted()
            if currencies.isEmpty { rows.append([d.date, ""] + Array(repeating: "0", count: header.count - 2)); continue }
            for c in currencies {
                func pair(_ totals: [ReportTallyWire.Total]) -> [String] {
                    let t = totals.first { $0.currency == c }
                    return [String(t?.count ?? 0), decimal(t?.amount ?? 0, currency: c)]
                }
                var row = [d.date, c] + pair(d.payments.totals)
                for s in csvStates { row += pair(d.payments.byState.first { $0.state == s }?.totals ?? []) }
                row += pair(d.deleted.totals)
                rows.append(row)
            }
        }
        return rows.map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    /// RFC 4180: a field holding a comma, quote, CR or LF is quoted, its quotes doubled.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Minor units as decimal money without symbols or grouping: `1234.56`, `-0.05`, `1200` (JPY).
    static func decimal(_ minor: Int, currency: String) -> String {
        let digits = MoneyFormat.fractionDigits(currency)
        let magnitude = minor.magnitude
        var scale: UInt = 1
        for _ in 0..<digits { scale *= 10 }
        var text = String(magnitude / scale)
        if digits > 0 {
            let fraction = String(magnitude % scale)
            text += "." + String(repeating: "0", count: digits - fraction.count) + fraction
        }
        return (minor < 0 ? "-" : "") + text
    }
}
