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
            discussion: "On a job-billed account, figures are for all jobs (consolidated) unless --job selects one."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "number")) var number: String
        @Option(help: ArgumentHelp("Show one job of a job-billed account (0 is the master job).", valueName: "n")) var job: Int?
        @Flag(help: "Print one JSON object with the protocol's results instead of text.") var json = false

        func validate() throws {
            guard !number.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The account number must not be empty.") }
            if let job, job < 0 { throw ValidationError("--job must be 0 or more (0 is the master job).") }
        }

        func run() async throws {
            try await reportingFailures {
                let params = AccountParams(account: number, job: job)
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    if json {
                        // One object holding each result exactly as the daemon wrote it.
                        let parts: [(key: String, result: Data)] = [
                            ("account", try await client.callRaw(Methods.accountGet, params)),
                            ("balances", try await client.callRaw(Methods.accountBalances, params)),
                            ("summary", try await client.callRaw(Methods.accountSummary, params)),
                            ("activity", try await client.callRaw(Methods.accountActivity, params)),
                            ("open_items", try await client.callRaw(Methods.itemsOpen, params)),
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
                        openItems: try await client.call(Methods.itemsOpen, params))
                    Output.line(report.render())
                }
            }
        }
    }
}
