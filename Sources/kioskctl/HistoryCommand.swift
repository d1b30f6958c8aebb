import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl credits list ACCOUNT`: the account's open credits as the front lists them.
struct CreditsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "credits", abstract: "An account's open credits.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's open credits, newest first, 25 a page, with the whole list's total.",
            discussion: "Examples:\n  kioskctl credits list 1001\n  kioskctl credits list 1001 --filter memos --page 1\n  kioskctl credits list 1001 --all --json")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("Only this job (0 is the master job).", valueName: "n")) var job: Int?
        @Option(help: "all, memos (credit memos) or unapplied (unapplied payments); default all.") var filter: CreditsParams.Filter?
        @OptionGroup var paging: PageOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.showPaged(Methods.creditsList, paging, json: json, noun: "credit", params: { page, limit in
                CreditsParams(account: account, job: job, filter: filter, page: page, limit: limit)
            }) { list in
                func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: list.currency) }
                // The total is the whole list's, whatever page is shown.
                let total = "Open credits: \(list.count), total \(money(list.total))."
                guard !list.credits.isEmpty else { return [total] }
                var table = TextTable([.whole("ID"), .whole("KIND"), .whole("NUMBER"), .whole("DATE"), .whole("JOB"),
                                       .whole("AMOUNT", rightAligned: true), .whole("REMAINING", rightAligned: true)])
                for row in list.credits {
                    table.append([row.id, row.kind, row.number, row.date, row.job.map(String.init) ?? "-", money(row.amount), money(row.remaining)])
                }
                return table.lines() + [total]
            }
        }
    }
}

/// `kioskctl history list ACCOUNT`: the account's payments as the front's history shows them.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "An account's payment history.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's payments (the back office's and this kiosk's), newest first, 25 a page.",
            discussion: "Examples:\n  kioskctl history list 1001\n  kioskctl history list 1001 --page 2 --limit 10\n  kioskctl history list 1001 --all --json")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("Only this job (0 is the master job).", valueName: "n")) var job: Int?
        @OptionGroup var paging: PageOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.showPaged(Methods.historyList, paging, json: json, noun: "payment", params: { page, limit in
                HistoryParams(account: account, job: job, page: page, limit: limit)
            }) { list in
                guard !list.payments.isEmpty else { return ["No payments\(list.page > 0 ? " on page \(list.page + 1)" : "")."] }
                var table = TextTable([.whole("ID"), .whole("SOURCE"), .whole("DATE"), .whole("JOB"), .whole("AMOUNT", rightAligned: true),
                                       .whole("METHOD"), .whole("STATE")])
                for row in list.payments {
                    let state = row.state + (row.payOn.map { " (\($0))" } ?? "") + (row.waitingFor.map { ", waits for \($0)" } ?? "")
                    table.append([row.id, row.source, row.date, row.job.map(String.init) ?? "-",
                                  MoneyFormat.format(row.amount, currency: list.currency), row.method, state])
                }
                return table.lines()
            }
        }
    }
}

extension CreditsParams.Filter: ExpressibleByArgument {}
