#if canImport(Glibc)
import Glibc
import CGlibcMalloc
#endif
import ArgumentParser
import Foundation
import KioskCore
import KioskDaemon
import KioskStore
import Logging
import KioskSystem

/// `kioskd`: the kiosk's daemon, run in the foreground (systemd style).
@main
struct Kioskd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kioskd",
        abstract: "The payment kiosk daemon: account data in SQLite, served on a local JSON-RPC socket.",
        discussion: """
            Runs in the foreground and logs to stderr. SIGTERM or SIGINT stops it gracefully. \
            Configuration keys: kioskd.toml(5), docs/CONFIGURATION.md.

            Examples:
              kioskd --config /etc/kioskd/kioskd.toml
              kioskd --data-dir /tmp/kiosk --socket /tmp/kiosk/kioskd.sock
              kioskd --demo
              kioskd --network-policy > /etc/systemd/system/kioskd.service.d/50-backoffice-address.conf
              kioskd --restore /media/usb/kiosk-backup.sqlite

            \(ExitStatus.helpText(program: "kioskd", causes: Kioskd.exitCauses))
            """,
        version: kioskdVersion)

    /// What `kioskd --help` and kioskd(8) say about each exit status; `fail` uses the same cases.
    static let exitCauses: [ExitStatus: String] = [
        .success: "clean shutdown (SIGTERM or SIGINT)",
        .usage: "bad command line, or a --socket path that cannot be a socket",
        .dataError: "--restore: the file is not a kioskpay database, fails its integrity check, or has a newer schema",
        .noInput: "--restore: the file does not exist or cannot be read",
        .unavailable: "the socket cannot be served: another kioskd listens on it, the path is not a socket, the socket group does not exist; --restore: a kioskd is running on the data directory; --network-policy cannot resolve the back office",
        .software: "stopped on an unexpected internal error",
        .ioError: "the store cannot be opened: the data directory cannot be created or used, not a database, read-only, locked by another kioskd, failed integrity check",
        .config: "configuration refused: unknown key, bad value, missing --config file, unusable socket path in the file; --network-policy without a [backoffice] url",
    ]

    @Option(name: .long, help: ArgumentHelp("Configuration file (TOML).", valueName: "FILE"))
    var config: String?

    @Option(name: .customLong("data-dir"), help: ArgumentHelp("Directory for the database (default /var/lib/kioskd or $STATE_DIRECTORY).", valueName: "DIR"))
    var dataDirectory: String?

    @Option(name: .long, help: ArgumentHelp("Unix socket path (default /run/kioskd/kioskd.sock or $RUNTIME_DIRECTORY/kioskd.sock).", valueName: "PATH"))
    var socket: String?

    @Flag(name: .long, help: "Seed a demo store into its own data directory and print the demo accounts and PINs.")
    var demo = false

    @Flag(name: .customLong("network-policy"), help: ArgumentHelp(
        "Print the systemd drop-in that lets kioskd reach its back office, then exit.",
        discussion: "kioskd.service allows loopback only (IPAddressDeny=any); the drop-in allows the addresses the configuration's [backoffice] url resolves to now, and the name servers in /etc/resolv.conf. Write it to \(NetworkPolicy.dropInPath), then systemctl daemon-reload and restart kioskd."))
    var networkPolicy = false

    @Option(name: .long, help: ArgumentHelp("Replace the database by a backup (kioskctl backup) and exit; kioskd must be stopped.", valueName: "FILE"))
    var restore: String?

    /// ArgumentParser's main, after making sure kioskd cannot die because nobody reads its log
    /// or output: no SIGPIPE (a write to a pipe whose reader left fails with EPIPE instead, and
    /// is ignored), and a closed stdin/stdout/stderr is held on /dev/null so no file or socket
    /// (the database, the lock) can land on it and receive log lines.
    ///
    /// glibc gives each thread that allocates its own malloc arena (up to 8 per core), and
    /// memory freed in one is not reused by another: with NIO's threads and connections coming
    /// and going, RSS grew ~10 MB under stalled clients without holding more data. Two arenas
    /// keep a long-running daemon's footprint flat; its allocations are small and short.
    static func main() async {
        #if canImport(Glibc)
        _ = mallopt(M_ARENA_MAX, 2)
        #endif
        signal(SIGPIPE, SIG_IGN)
        StandardStreams.ensureOpen()
        await main(nil)
    }

    func run() async throws {
        var configuration = try loadConfiguration()
        if networkPolicy {
            do {
                let policy = try NetworkPolicy.make(for: configuration.backOffice, configuration: config ?? Configuration.defaultPath)
                StandardStreams.output(policy.dropIn())
                return
            } catch {
                switch error {
                case .noBackOffice: fail(error.description, status: .config)
                case .unresolvable: fail(error.description, status: .unavailable)
                }
            }
        }
        if let restore {
            if demo { fail("--restore and --demo cannot be combined: the demo makes its own store", status: .usage) }
            RestoreRun(file: absolute(restore), dataDirectory: configuration.dataDirectory).run()
        }
        if demo { try DemoMode.prepare(&configuration, dataDirectoryGiven: dataDirectory != nil, socketGiven: socket != nil) }
        // The configuration's own socket = is checked when it is read; --socket, and the demo's
        // socket inside --data-dir, are checked here.
        let setting = socket != nil ? "--socket" : demo ? "--data-dir (the demo's socket is inside it)" : "socket in the configuration"
        if let problem = UnixSocketPath.problem(configuration.socketPath, setting: setting) {
            fail(problem, status: socket != nil || demo ? .usage : .config)
        }
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in LogfmtHandler(label: label, level: level) }
        let logger = Logger(label: "kioskd")
        let daemon = Daemon(configuration: configuration, logger: logger)
        let store: KioskStore
        do { store = try daemon.openStore() } catch {
            logger.critical("cannot start", metadata: ["reason": "\(error.description)"])
            fail(error.description, status: .ioError)
        }
        if demo { try await DemoMode.seed(store, configuration: configuration) }
        do {
            try await daemon.run(store: store)
        } catch let error as DaemonError {
            logger.critical("stopped on error", metadata: ["reason": "\(error.description)"])
            switch error {
            case .socket: fail(error.description, status: .unavailable)
            case .storage: fail(error.description, status: .ioError)
            case .configuration: fail(error.description, status: .config)
            }
        } catch {
            // Not "Error: CancellationError()" from ArgumentParser: one sentence and EX_SOFTWARE.
            logger.critical("stopped on error", metadata: ["reason": "\(error)"])
            fail("stopped on an unexpected error: \(error)", status: .software)
        }
    }

    private func loadConfiguration() throws -> Configuration {
        var configuration: Configuration
        do {
            if let config {
                configuration = try Configuration.load(path: config)
            } else if FileManager.default.fileExists(atPath: Configuration.defaultPath) {
                configuration = try Configuration.load(path: Configuration.defaultPath)
            } else {
                configuration = Configuration()
            }
        } catch {
            fail(error.description, status: .config)
        }
        if let dataDirectory { configuration.dataDirectory = absolute(dataDirectory) }
        if let socket { configuration.socketPath = absolute(socket) }
        return configuration
    }

    private func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

/// Prints one sentence to stderr and exits with a sysexits status (Kioskd.exitCauses).
func fail(_ message: String, status: ExitStatus) -> Never {
    StandardStreams.error("kioskd: \(message)\n")
    exit(status.rawValue)
}
