import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl autopay list|create|update|move|enable|disable|delete ACCOUNT …`: an account's
/// autopay rules, for managers and technicians. Staff neither sign nor accept the terms (the
/// customer does that at the kiosk), and may lock a rule so the customer cannot change it.
struct AutopayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "autopay", abstract: "An account's autopay rules: list, create, change, reorder, enable, disable, delete.",
        subcommands: [List.self, Create.self, Update.self, Move.self, Enable.self, Disable.self, Delete.self])

    /// The account's currency, to read and print amounts (rules carry minor units).
    static func currency(_ client: KioskClient, account: String) async throws -> String {
        try await client.call(Methods.accountGet, AccountParams(account: account)).currency
    }

    /// Calls `method`; with `json` prints the daemon's JSON, else the lines `text` makes of the
    /// result and the account's currency.
    static func show<M: RPCMethod>(_ connection: ConnectionOptions, account: String, _ method: M, _ params: M.Params, json: Bool,
                                   _ text: (M.Result, String) -> [String]) async throws {
        try await connection.withClient { client in
            if json { Output.raw(try await client.callRaw(method, params)); return }
            let result = try await client.call(method, params)
            let currency = try await currency(client, account: account)
            for line in text(result, currency) { Output.line(line) }
        }
    }

    struct Target: ParsableArguments {
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The rule's id (as `kioskctl autopay list` shows it).", valueName: "id")) var id: String
        func validate() throws {
            guard !account.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The account number must not be empty.") }
            guard !id.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The rule's id must not be empty.") }
        }
        var params: AutopayIDParams { AutopayIDParams(account: account, id: id) }
    }

    /// The method and rows of a rule being made or changed.
    struct RuleOptions: ParsableArguments {
        @Option(help: ArgumentHelp("Pay with this card on file (its id in `kioskctl payment-methods list`).", valueName: "id"))
        var card: String?
        @Option(help: ArgumentHelp("Pay with this bank account on file.", valueName: "id"))
        var bankAccount: String?
        @Option(name: .customLong("when"), help: ArgumentHelp(AutopayWhen.grammar, valueName: "FIELD OP VALUE"))
        var rows: [String] = []

        func validate() throws {
            if card != nil, bankAccount != nil { throw ValidationError("Give one of --card and --bank-account, not both.") }
            if let id = card ?? bankAccount, id.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ValidationError("The payment method's id must not be empty.")
            }
            if rows.count > 20 { throw ValidationError("A rule has at most 20 --when rows.") }
            _ = try parsed()
        }

        func parsed() throws -> [AutopayWhen] { try rows.enumerated().map { try AutopayWhen.parse($1, number: $0 + 1) } }

        var method: AutopayMethodWire? {
            card.map { AutopayMethodWire(cardOnFile: $0) } ?? bankAccount.map { AutopayMethodWire(bankAccount: $0) }
        }

        /// The rows for the wire, amounts in `currency`'s minor units.
        func criteria(currency: String) throws -> [AutopayCriterionWire] {
            try parsed().enumerated().map { try $1.wire(currency: currency, number: $0 + 1) }
        }

        /// The daemon's `invalid_rule` says "row N: …"; name the --when it came from as well.
        func explained(_ error: any Error) -> any Error {
            guard let rpc = (error as? ClientError)?.rpcError, rpc.data?.kind == .invalidRule else { return error }
            guard let row = rpc.data?.row, rows.indices.contains(row) else { return CommandFailure(rpc.message) }
            return CommandFailure("\(rpc.message) (\(AutopayWhen.name(row + 1, rows[row])))")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's autopay rules in the order they are tried, each with its rows in words.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            guard !account.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The account number must not be empty.") }
        }

        func run() async throws {
            try await AutopayCommand.show(connection, account: account, Methods.autopayList, AutopayListParams(account: account), json: json) { list, currency in
                guard !list.rules.isEmpty else { return ["Account \(account) has no autopay rules."] }
                return ["Autopay rules of account \(account), in the order they are tried:"] + list.rules.flatMap { AutopayText.lines($0, currency: currency) }
            }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an autopay rule: what it pays with, and the --when rows an invoice must meet (audited; the back office is told).",
            discussion: """
                Example: kioskctl autopay create 1001 --card K-1001-1 --when "amount le 1000.00" --when "age_days ge 15"
                The account's autopay runs at once: what the rule finds due today is paid today.
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @OptionGroup var rule: RuleOptions
        @Flag(help: "Save it disabled (kept, never run until enabled).") var disabled = false
        @Option(help: ArgumentHelp("Its place among the account's rules, from 1 (default: the last).", valueName: "n")) var position: Int?
        @Flag(help: "Lock it: the customer cannot change, move or delete it at the kiosk.") var locked = false
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            guard !account.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The account number must not be empty.") }
            guard rule.method != nil else { throw ValidationError("Give the method the rule pays with: --card ID or --bank-account ID.") }
            guard !rule.rows.isEmpty else { throw ValidationError("Give at least one --when row, for example --when \"amount le 1000.00\".") }
            if let position, position < 1 { throw ValidationError("--position counts from 1.") }
        }

        func run() async throws {
            guard let method = rule.method else { return }
            try await connection.withClient { client in
                let currency = try await AutopayCommand.currency(client, account: account)
                let params = AutopayCreateParams(account: account, method: method, criteria: try rule.criteria(currency: currency),
                                                 enabled: disabled ? false : nil, position: position, locked: locked ? true : nil)
                do {
                    if json { Output.raw(try await client.callRaw(Methods.autopayCreate, params)); return }
                    let made = try await client.call(Methods.autopayCreate, params)
                    Output.line("Created rule \(made.id) of account \(account); the back office will be told.")
                    AutopayText.lines(made, currency: currency).forEach { Output.line($0) }
                } catch { throw rule.explained(error) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a rule: its method, its rows (the --when rows given replace them all), or its lock (audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @OptionGroup var rule: RuleOptions
        @Flag(help: "Lock or unlock it (a locked rule cannot be changed at the kiosk).") var lock: Lock?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        enum Lock: String, EnumerableFlag {
            case locked, unlocked
            static func help(for value: Lock) -> ArgumentHelp? {
                value == .locked ? "Lock it: the customer cannot change, move or delete it at the kiosk." : "Let the customer change it again."
            }
        }

        func validate() throws {
            guard rule.method != nil || !rule.rows.isEmpty || lock != nil else {
                throw ValidationError("Nothing to change: give --card, --bank-account, --when, --locked or --unlocked.")
            }
        }

        func run() async throws {
            try await connection.withClient { client in
                let currency = try await AutopayCommand.currency(client, account: target.account)
                let criteria = try rule.criteria(currency: currency)
                let params = AutopayUpdateParams(account: target.account, id: target.id, method: rule.method,
                                                 criteria: criteria.isEmpty ? nil : criteria, locked: lock.map { $0 == .locked })
                do {
                    if json { Output.raw(try await client.callRaw(Methods.autopayUpdate, params)); return }
                    let changed = try await client.call(Methods.autopayUpdate, params)
                    Output.line("Changed rule \(changed.id) of account \(target.account); the back office will be told.")
                    AutopayText.lines(changed, currency: currency).forEach { Output.line($0) }
                } catch { throw rule.explained(error) }
            }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a rule at another place in the order rules are tried; the others keep their order.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Argument(help: ArgumentHelp("Its new place, from 1.", valueName: "position")) var position: Int
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func validate() throws {
            guard position >= 1 else { throw ValidationError("The position counts from 1 (1 is tried first).") }
        }

        func run() async throws {
            let params = AutopayMoveParams(account: target.account, id: target.id, position: position)
            try await AutopayCommand.show(connection, account: target.account, Methods.autopayMove, params, json: json) { result, currency in
                ["Moved rule \(target.id) to position \(position). The rules of account \(target.account) now:"]
                    + result.rules.flatMap { AutopayText.lines($0, currency: currency) }
            }
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a disabled rule run again (audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await AutopayCommand.show(connection, account: target.account, Methods.autopayEnable, target.params, json: json) { rule, currency in
                ["Rule \(rule.id) is enabled."] + AutopayText.lines(rule, currency: currency)
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a rule running; it is kept in its place (audited).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await AutopayCommand.show(connection, account: target.account, Methods.autopayDisable, target.params, json: json) { rule, currency in
                ["Rule \(rule.id) is disabled: it is kept but never runs."] + AutopayText.lines(rule, currency: currency)
            }
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a rule at once (audited; the back office is told). The rules after it move up; payments it made stay.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.withClient { client in
                if json { Output.raw(try await client.callRaw(Methods.autopayDelete, target.params)); return }
                // Read first, to say what was deleted; the daemon decides whether it may be.
                let before = try await client.call(Methods.autopayList, AutopayListParams(account: target.account)).rules.first { $0.id == target.id }
                _ = try await client.call(Methods.autopayDelete, target.params)
                guard let before else { Output.line("Deleted rule \(target.id) of account \(target.account)."); return }
                let currency = try await AutopayCommand.currency(client, account: target.account)
                Output.line("Deleted rule \(target.id) of account \(target.account); the back office will be told. It was:")
                AutopayText.lines(before, currency: currency).forEach { Output.line($0) }
            }
        }
    }
}
