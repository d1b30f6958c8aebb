import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// kioskctl: the manager's and technician's command line for kioskd.
@main
struct KioskCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskctl",
        abstract: "Talk to kioskd, the payment kiosk daemon, over its local socket.",
        discussion: """
            The socket is --socket PATH, else $KIOSKD_SOCKET, else \(KioskClient.defaultSocketPath).
            Managers need group kiosk-manager; technicians kiosk-tech.

            Examples:
              kioskctl status
              kioskctl account show 100200 --json
              kioskctl sync apply accounts.json
              kioskctl --socket /tmp/kioskd-demo/kioskd.sock payments list

            \(ExitStatus.helpText(program: "kioskctl", causes: FailureStatus.causes))
            """,
        version: KioskpayVersion.current,
        subcommands: [Hello.self, Status.self, Sync.self, AccountCommand.self, InvoicesCommand.self, InvoiceCommand.self, StatementCommand.self, CreditsCommand.self, HistoryCommand.self, DocumentsCommand.self, DocumentCommand.self, CalendarCommand.self, AutopayCommand.self, ContactsCommand.self, ContactCommand.self, ProfilesCommand.self, PaymentsCommand.self, PaymentCommand.self, PaymentMethodsCommand.self, PaymentMethodCommand.self, OutboxCommand.self, DeviceCommand.self, ReceiptCommand.self, ProvisionCommand.self, AuditCommand.self, ReportCommand.self, BackupCommand.self, DiagnoseCommand.self, SearchCommand.self]
    )

    @OptionGroup var connection: ConnectionOptions

    /// ArgumentParser's main, after taking descriptors 0-2 (a closed stdout stays closed, and no
    /// socket NIO opens can land on it and receive our output).
    static func main() async {
        StandardStreams.ensureOpen()
        await main(nil)
    }
}

/// Options every command takes, before or after the subcommand's name.
struct ConnectionOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The kioskd socket (default: $KIOSKD_SOCKET, else \(KioskClient.defaultSocketPath)).", valueName: "path"))
    var socket: String?

    var socketPath: String {
        if let socket, !socket.isEmpty { return socket }
        if let fromEnvironment = ProcessInfo.processInfo.environment["KIOSKD_SOCKET"], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        return KioskClient.defaultSocketPath
    }
}

/// A failure kioskctl explains in one sentence (file problems and the like).
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    /// The exit status (FailureStatus): by default the input was wrong.
    var status: ExitStatus
    init(_ description: String, status: ExitStatus = .dataError) { self.description = description; self.status = status }
}

extension AsyncParsableCommand {
    /// Runs `work`; any failure becomes one line "kioskctl: <sentence>" on stderr and its exit status.
    func reportingFailures(_ work: () async throws -> Void) async throws {
        try await reportFailures(work)
    }
}

extension ConnectionOptions {
    /// Runs `body` on one connection to kioskd; any failure (connecting included) becomes one
    /// line "kioskctl: <sentence>" on stderr and its exit status (FailureStatus).
    func withClient(_ body: (KioskClient) async throws -> Void) async throws {
        try await reportFailures { try await KioskClient.withConnection(socketPath: socketPath, body) }
    }
}

extension ConnectionOptions {
    /// Calls `method` once and shows its result: with `json` exactly as kioskd wrote it (for
    /// scripts), else as the lines `text` makes of it (for people; a change's one sentence).
    func show<M: RPCMethod>(_ method: M, _ params: M.Params, json: Bool, _ text: (M.Result) -> [String]) async throws {
        try await withClient { client in
            if json { Output.raw(try await client.callRaw(method, params)); return }
            for line in text(try await client.call(method, params)) { Output.line(line) }
        }
    }
}

/// Runs `work`, turning any failure into one sentence on stderr and its sysexits status.
private func reportFailures(_ work: () async throws -> Void) async throws {
    do {
        try await work()
    } catch let error as ExitCode {
        throw error
    } catch {
        let sentence: String
        switch error {
        case let error as ClientError: sentence = error.description
        case let error as CommandFailure: sentence = error.description
        default: sentence = String(describing: error)
        }
        Output.error("kioskctl: \(sentence)")
        throw ExitCode(FailureStatus.of(error).rawValue)
    }
}

/// kioskctl's only way to stdout and stderr: quiet when the reader goes away (`| head -1`), no
/// trap on a closed or full output (see StandardStreams).
enum Output {
    static func line(_ text: String) {
        StandardStreams.output(text.hasSuffix("\n") ? text : text + "\n")
    }

    static func raw(_ data: Data) {
        StandardStreams.output(data + Data("\n".utf8))
    }

    static func error(_ text: String) {
        StandardStreams.error(text.replacingOccurrences(of: "\n", with: " ") + "\n")
    }
}

struct Hello: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the daemon answers, and which role it gives you.")

    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

    func run() async throws {
        try await connection.show(Methods.hello, EmptyParams(), json: json) { hello in
            ["\(hello.server) \(hello.version) (protocol \(hello.protocol))", "role: \(hello.role.rawValue)",
             "capabilities: \(hello.capabilities.joined(separator: ", "))"]
        }
    }
}
