import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl calendar ACCOUNT [--month 2026-12]` and `kioskctl calendar day ACCOUNT DATE`:
/// the payments calendar a customer sees, for managers.
struct CalendarCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "The payments calendar: scheduled and autopay payments per day.",
        subcommands: [Month.self, Day.self], defaultSubcommand: Month.self)

    struct Month: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A month's days with payments: how many and how much, per kind.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("The month, YYYY-MM (default: this month on this computer's clock).", valueName: "YYYY-MM")) var month: String?
        @Option(help: ArgumentHelp("One job of a job-billed account.", valueName: "n")) var job: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws { _ = try yearAndMonth() }

        func yearAndMonth() throws -> (Int, Int) {
            guard let month else {
                let now = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
                return (now.year!, now.month!)
            }
            guard let match = month.wholeMatch(of: /(\d{4})-(\d{2})/), let y = Int(match.1), let m = Int(match.2), (1...12).contains(m) else {
                throw ValidationError("--month must be YYYY-MM, for example 2026-12")
            }
            return (y, m)
        }

        func run() async throws {
            let (year, month) = try yearAndMonth()
            try await connection.show(Methods.calendarMonth, CalendarMonthParams(account: account, job: job, year: year, month: month), json: json) { r in
                func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: r.currency) }
                let title = String(format: "%04d-%02d", r.year, r.month) + (job.map { ", job \($0)" } ?? "")
                guard !r.days.isEmpty else { return ["No payments in \(title)."] }
                return ["Payments in \(title):"] + r.days.map { d in
                    "  \(d.date)  \(d.scheduled.count) scheduled, \(money(d.scheduled.total)) · \(d.autopay.count) autopay, \(money(d.autopay.total))"
                }
            }
        }
    }

    struct Day: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One day's payments, each with what it pays.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The day, YYYY-MM-DD.", valueName: "date")) var date: String
        @Option(help: ArgumentHelp("One job of a job-billed account.", valueName: "n")) var job: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            guard date.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil else { throw ValidationError("the date must be YYYY-MM-DD, for example 2026-12-24") }
        }

        func run() async throws {
            try await connection.show(Methods.calendarDay, CalendarDayParams(account: account, job: job, date: date), json: json) { r in
                func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: r.currency) }
                var lines = ["\(r.date): \(r.scheduled.count) scheduled, \(money(r.scheduled.total)) · \(r.autopay.count) autopay, \(money(r.autopay.total))"]
                for p in r.payments {
                    let who = p.id.map { "\($0) (\(p.state ?? ""))" } ?? "projected"
                    let rule = p.rule.map { " by rule \($0.position)" } ?? ""
                    lines.append("  \(p.kind)\(rule) \(who)  \(money(p.amount))  \(p.methodDescription)" + (p.job.map { "  job \($0)" } ?? ""))
                    lines += p.lines.map { "    \($0.number.map { "invoice \($0)" } ?? $0.id)  \(money($0.amount))" }
                }
                return lines
            }
        }
    }
}
