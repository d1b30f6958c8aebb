import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl payment-methods list ACCOUNT [--job N]`: an account's cards and bank accounts.
struct PaymentMethodsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payment-methods", abstract: "An account's cards and bank accounts on file.",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the cards and bank accounts of an account (with --job, also that job's).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: ArgumentHelp("Also this job's own methods (0 is the master job).", valueName: "n")) var job: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.paymentMethodsList, PaymentMethodsListParams(account: account, job: job), json: json) { list in
                guard !list.methods.isEmpty else { return ["No cards or bank accounts on file."] }
                var table = TextTable([.whole("ID"), .whole("TYPE"), .whole("LAST4"), .whole("EXPIRY"), .whole("JOB"), .whole("STATE"),
                                       .whole("DEFAULT"), .whole("DESCRIPTION")])
                for m in list.methods {
                    table.append([m.id, m.type == "card" ? (m.brand ?? "card") : (m.accountType ?? "bank"), m.last4, m.expiry ?? "-",
                                  m.job.map(String.init) ?? "-", m.state, m.isDefault ? "yes" : "", m.description + (m.error.map { " (\($0))" } ?? "")])
                }
                return table.lines()
            }
        }
    }
}

/// `kioskctl payment-method remove|set-default ACCOUNT ID`: one method of an account.
struct PaymentMethodCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "payment-method", abstract: "Remove a card or bank account, or make it the default.",
                                                    subcommands: [Remove.self, SetDefault.self])

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a card or bank account at once (the back office is told); audited.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The method's id (as `kioskctl payment-methods list` shows it).", valueName: "id")) var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.paymentMethodRemove, PaymentMethodIDParams(account: account, id: id), json: json) { _ in
                ["Removed \(id) from account \(account); the back office will be told."]
            }
        }
    }

    struct SetDefault: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-default",
                                                        abstract: "Make an active card or bank account the default of its scope (its job, or the account); audited.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The method's id (as `kioskctl payment-methods list` shows it).", valueName: "id")) var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.paymentMethodSetDefault, PaymentMethodIDParams(account: account, id: id), json: json) { m in
                ["\(m.description) (\(m.id)) is now the default of \(m.job.map { "job \($0)" } ?? "the whole account")."]
            }
        }
    }
}
