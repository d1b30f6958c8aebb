import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl statement current ACCOUNT`: the statement as of today, built on request;
/// `kioskctl statement show ACCOUNT NUMBER`: a past statement as the sync sent it;
/// `kioskctl statement list ACCOUNT`: the past statements, newest first, a page at a time.
struct StatementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "statement", abstract: "An account's statements.",
                                                    subcommands: [Current.self, Show.self, List.self])

    struct Current: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the current statement: open charges aged, activity since the last statement, amount due.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("One job of a job-billed account (0 is the master job).", valueName: "n")) var job: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.statementCurrent, CurrentStatementParams(account: account, job: job), json: json, Self.lines)
        }

        static func lines(_ s: CurrentStatementResult) -> [String] {
            func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: s.currency) }
            let a = s.aging
            var lines = ["Statement of \(s.date)" + (s.job.map { ", job \($0)" } ?? " (\(s.scope))")
                         + (s.lastStatement.map { "; last statement \($0.number) of \($0.issuedAt)" } ?? "; no statement before"),
                         "Current \(money(a.current))  1–30 \(money(a.days1to30))  31–60 \(money(a.days31to60))  61–90 \(money(a.days61to90))  over 90 \(money(a.over90))",
                         "Credits \(money(s.credits)); amount due \(money(s.amountDue))",
                         "Open charges:"]
            lines += s.items.map { "  \($0.kind) \($0.number)  \(money($0.openAmount))" + ($0.daysPastDue > 0 ? "  \($0.daysPastDue) days past due" : "") }
            lines.append("Since the last statement: charges \(money(s.activityTotals.charges)), payments \(money(s.activityTotals.payments)), credits \(money(s.activityTotals.credits))")
            lines += s.activity.map { "  \($0.date)  \($0.kind) \($0.number)  \(money($0.amount))" }
            return lines
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a past statement: balances, lines and aging as the back office sent them.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The statement's number (as `statements.list` and the kiosk show it).", valueName: "number")) var number: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.statementGet, StatementGetParams(account: account, number: number), json: json, Self.lines)
        }

        static func lines(_ s: StatementDetail) -> [String] {
            let currency = s.currency
            return StatementText(money: { MoneyFormat.format($0, currency: currency) }, date: { $0 }, instant: { $0 }).lines(s)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's past statements, newest first, 25 a page.",
            discussion: "Examples:\n  kioskctl statement list 1001\n  kioskctl statement list 1001 --job 2 --page 1\n  kioskctl statement list 1001 --all --json")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("One job's statements (0 is the master job).", valueName: "n")) var job: Int?
        @OptionGroup var paging: PageOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.showPaged(Methods.statementsList, paging, json: json, noun: "statement", params: { page, limit in
                StatementsParams(account: account, job: job, page: page, limit: limit)
            }) { list in
                guard !list.statements.isEmpty else { return ["No statements\(list.page > 0 ? " on page \(list.page + 1)" : "")."] }
                var table = TextTable([.whole("STATEMENT"), .whole("ISSUED"), .whole("JOB")])
                for row in list.statements {
                    table.append([row.number, row.issuedAt, row.job.map { job in "\(job)" + (row.jobName.map { " \($0)" } ?? "") } ?? "-"])
                }
                return table.lines()
            }
        }
    }
}
