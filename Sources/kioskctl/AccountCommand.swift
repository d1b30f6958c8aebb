import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Look at customer accounts.",
        subcommands: [Show.self]
    )

    @OptionGroup var connection: ConnectionOptions

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account: details, representative, links, balances, summary, activity, open items.",
            discussion: "On a job-billed account, figures are for all jobs (consolidated) unless --job selects one. Open items are "
                + "shown 25 a page (--page, --limit, --all); their totals are always the whole list's.\n"
                + "Examples:\n  kioskctl account show 1001\n  kioskctl account show 1001 --page 1 --limit 50\n  kioskctl account show 1001 --all --json"
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "number")) var number: String
        @Option(help: ArgumentHelp("Show one job of a job-billed account (0 is the master job).", valueName: "n")) var job: Int?
        @OptionGroup var paging: PageOptions
        @Flag(help: "Print one JSON object with the protocol's results instead of text (with --all, open_items is an array of the pages).")
        var json = false

        func validate() throws {
            guard !number.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The account number must not be empty.") }
            if let job, job < 0 { throw ValidationError("--job must be 0 or more (0 is the master job).") }
        }

        func run() async throws {
            try await reportingFailures {
                let params = AccountParams(account: number, job: job)
                let openItems = { (page: Int?, limit: Int?) in OpenItemsParams(account: number, job: job, page: page, limit: limit) }
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    let (pages, items) = try await ConnectionOptions.read(client, Methods.itemsOpen, paging, params: openItems)
                    if json {
                        // One object holding each result exactly as the daemon wrote it.
                        let parts: [(key: String, result: Data)] = [
                            ("account", try await client.callRaw(Methods.accountGet, params)),
                            ("balances", try await client.callRaw(Methods.accountBalances, params)),
                            ("summary", try await client.callRaw(Methods.accountSummary, params)),
                            ("activity", try await client.callRaw(Methods.accountActivity, params)),
                            ("open_items", paging.all ? Data("[".utf8) + pages.joined(separator: Data(",".utf8)) + Data("]".utf8) : pages[0]),
                        ]
                        var out = Data("{".utf8)
                        for (i, part) in parts.enumerated() {
                            if i > 0 { out.append(Data(",".utf8)) }
                            out.append(Data("\"\(part.key)\":".utf8))
                            out.append(part.result)
                        }
                        out.append(Data("}".utf8))
                        Output.raw(out)
                        return
                    }
                    let report = AccountReport(
                        account: try await client.call(Methods.accountGet, params),
                        balances: try await client.call(Methods.accountBalances, params),
                        summary: try await client.call(Methods.accountSummary, params),
                        activity: try await client.call(Methods.accountActivity, params),
                        openItems: items)
                    Output.line(report.render())
                    Output.line(PageOptions.footer(page: items.page, limit: items.limit, count: items.count, more: items.more,
                                                   noun: "open invoice", all: paging.all))
                }
            }
        }
    }
}
