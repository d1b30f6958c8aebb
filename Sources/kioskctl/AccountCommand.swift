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
                let paramsJSON = try JSONEncoder().encode(params)
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    let methods: [(key: String, method: Method)] = [
                        ("account", .accountGet), ("balances", .accountBalances), ("summary", .accountSummary),
                        ("activity", .accountActivity), ("open_items", .itemsOpen),
                    ]
                    var raw: [Data] = []
                    for entry in methods {
                        raw.append(try await client.callRaw(method: entry.method.rawValue, paramsJSON: paramsJSON))
                    }
                    if json {
                        var out = Data("{".utf8)
                        for (i, entry) in methods.enumerated() {
                            if i > 0 { out.append(Data(",".utf8)) }
                            out.append(Data("\"\(entry.key)\":".utf8))
                            out.append(raw[i])
                        }
                        out.append(Data("}".utf8))
                        Output.raw(out)
                        return
                    }
                    let report = try AccountReport(
                        account: decode(AccountInfo.self, raw[0], methods[0].method),
                        balances: decode(BalancesResult.self, raw[1], methods[1].method),
                        summary: decode(SummaryResult.self, raw[2], methods[2].method),
                        activity: decode(ActivityResult.self, raw[3], methods[3].method),
                        openItems: decode(OpenItemsResult.self, raw[4], methods[4].method))
                    Output.line(report.render())
                }
            }
        }

        private func decode<R: Decodable>(_ type: R.Type, _ data: Data, _ method: Method) throws -> R {
            do {
                return try JSONDecoder().decode(type, from: data)
            } catch {
                throw ClientError.malformedReply("the result of \(method.rawValue) does not have the expected fields")
            }
        }
    }
}
