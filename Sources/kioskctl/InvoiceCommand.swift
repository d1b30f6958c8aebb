import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl invoices list ACCOUNT`: an account's invoice history, closed ones included.
struct InvoicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoices", abstract: "An account's invoices, open and closed.",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's invoices, newest first, 25 a page.",
            discussion: "Examples:\n  kioskctl invoices list 1001 --status open\n  kioskctl invoices list 1001 --page 1 --limit 50\n  kioskctl invoices list 1001 --all --json")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("Only this job (0 is the master job).", valueName: "n")) var job: Int?
        @Option(help: "open, closed or all (default all).") var status: InvoicesListParams.Status?
        @Option(help: "Only invoices whose number or PO number contains this text.") var search: String?
        @OptionGroup var paging: PageOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.showPaged(Methods.invoicesList, paging, json: json, noun: "invoice", params: { page, limit in
                InvoicesListParams(account: account, job: job, status: status, search: search, page: page, limit: limit)
            }) { list in
                guard !list.invoices.isEmpty else { return ["No invoices\(list.page > 0 ? " on page \(list.page + 1)" : "")."] }
                var table = TextTable([.whole("INVOICE"), .whole("DATE"), .whole("DUE"), .whole("JOB"), .whole("AMOUNT", rightAligned: true),
                                       .whole("OPEN", rightAligned: true), .whole("STATUS")])
                for row in list.invoices {
                    let i = row.invoice
                    table.append([i.number, i.date, i.dueDate ?? "-", i.job.map(String.init) ?? "-",
                                  MoneyFormat.format(i.amount, currency: list.currency), MoneyFormat.format(i.openAmount, currency: list.currency),
                                  i.status + (i.pastDue ? ", past due" : "")
                                      + (row.coveredBy.isEmpty ? "" : ", being paid by \(row.coveredBy.map(\.id).joined(separator: ", "))")])
                }
                return table.lines()
            }
        }
    }
}

/// `kioskctl invoice show ACCOUNT ID`: one invoice, what paid it and what is paying it.
struct InvoiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "invoice", abstract: "One invoice of an account.",
                                                    subcommands: [Show.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an invoice: amounts, due date, the payments applied to it and any payment covering it.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The invoice's id (as `kioskctl invoices list --json` shows it).", valueName: "id")) var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.invoiceGet, InvoiceGetParams(account: account, id: id), json: json, Self.lines)
        }

        static func lines(_ d: InvoiceDetail) -> [String] {
            func money(_ minor: Int) -> String { MoneyFormat.format(minor, currency: d.currency) }
            let i = d.invoice
            var lines = ["Invoice \(i.number) of \(i.date)" + (i.job.map { ", job \($0)" } ?? "") + (i.poNumber.map { ", PO \($0)" } ?? ""),
                         "Amount \(money(i.amount)), open \(money(i.openAmount)), due \(money(d.amountDue))"
                             + (i.dueDate.map { " by \($0)" } ?? "") + (i.pastDue ? " (past due)" : "") + "; \(i.status)"]
            lines += d.applied.isEmpty ? ["No payment applied to it."]
                : d.applied.map { "Paid \(money($0.amount)) on \($0.date) by payment \($0.payment) (\($0.method))" }
            lines += d.coveredBy.map { "Being paid \(money($0.amount)) by kiosk payment \($0.id), \($0.state)" + ($0.payOn.map { " on \($0)" } ?? "") }
            return lines
        }
    }
}

extension InvoicesListParams.Status: ExpressibleByArgument {}
