import ArgumentParser
import Foundation
import KioskJSON
import GRDB
import KioskBackOfficeContract
import KioskCrypto
import KioskSystem

/// `kiosk-backoffice serve`: the reference back office on a loopback port.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the reference back office (docs/backoffice-api.yaml) with its own SQLite database.",
        discussion: "Prints `listening on HOST:PORT` once bound (use --port 0 for any free port).")

    @Option(help: "Address to listen on (loopback unless you put TLS in front).") var host = "127.0.0.1"
    @Option(help: "Port (0 = any free port).") var port = 8080
    @Option(help: "The back office's SQLite file (created if missing).") var db: String
    @Option(help: "A file holding the bearer token kiosks must send.") var tokenFile: String
    @Option(help: "The private key from keygen, to open sealed captures on arrival.") var privateKey: String?
    @Option(help: "Test faults for the first POSTs: 500:N, slow:N, drop:N (repeatable, in order).") var fault: [String] = []
    @Option(help: "How long a `slow` fault delays its answer, in seconds.") var slowSeconds: Double = 3
    @Option(name: .customLong("smtp-url"), help: "The SMTP relay documents are emailed through (smtp://host:port or smtps://host:port); without it, document requests fail with a sentence saying so.")
    var smtpURL: String?
    @Option(help: "The sender address of those emails (required with --smtp-url).") var smtpFrom: String?
    @Option(help: "The SMTP user name, when the relay wants one.") var smtpUser: String?
    @Option(help: "A file holding the SMTP password (never on the command line).") var smtpPasswordFile: String?

    func validate() throws {
        if smtpURL != nil {
            guard let smtpFrom, MailRelay.isPlainAddress(smtpFrom) else { throw ValidationError("--smtp-url needs --smtp-from with a plain address such as statements@store.example") }
            guard smtpURL!.hasPrefix("smtp://") || smtpURL!.hasPrefix("smtps://") else { throw ValidationError("--smtp-url must start with smtp:// or smtps://") }
        }
    }

    func run() async throws {
        guard let tokenData = FileManager.default.contents(atPath: tokenFile),
              let token = String(data: tokenData, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty else {
            throw ToolError("cannot read a token from \(tokenFile)")
        }
        var opener: CaptureOpener?
        if let privateKey {
            guard let data = FileManager.default.contents(atPath: privateKey) else { throw ToolError("cannot read \(privateKey)") }
            do { opener = CaptureOpener(privateKey: try BackOfficePrivateKey(fileContents: data)) } catch { throw ToolError(error.description) }
        }
        let store: BackOfficeStore
        do { store = try BackOfficeStore(path: db) } catch { throw ToolError("cannot open \(db): \(error)") }
        var server = BackOfficeServer(store: store, token: token, opener: opener,
                                      faults: FaultDispenser(try FaultPlan(specs: fault, slowSeconds: slowSeconds)))
        if let smtpURL, let smtpFrom {
            var password: String?
            if let smtpPasswordFile {
                guard let data = FileManager.default.contents(atPath: smtpPasswordFile) else { throw ToolError("cannot read \(smtpPasswordFile)") }
                password = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try MailRelay.prepare()
            server.mail = MailRelay(url: smtpURL, from: smtpFrom, username: smtpUser, password: password)
        }
        let host = self.host
        try await server.run(host: host, port: port) { bound in
            // Unbuffered, so a parent process reading the pipe sees the port at once; a reader
            // that has gone away does not stop the server.
            StandardStreams.bestEffort(Data("listening on \(host):\(bound)\n".utf8), to: STDOUT_FILENO)
        }
    }
}

/// `kiosk-backoffice payments …`: the operator's side of the reference back office.
struct Payments: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and decide payments received by the reference back office.",
                                                    subcommands: [List.self, Decide.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every payment received, oldest first (JSON lines).")
        @Option(help: "The back office's SQLite file.") var db: String
        func run() throws {
            let store = try BackOfficeStore(path: db)
            for row in try store.payments() {
                var object: [String: JSONValue] = [:]
                for column in row.columnNames {
                    let value: DatabaseValue = row[column]
                    switch value.storage {
                    case .int64(let n): object[column] = .integer(n)
                    case .string(let text): object[column] = .string(text)
                    case .double(let d): object[column] = .number(d)
                    default: object[column] = .null
                    }
                }
                emit(try BackOfficeJSON.text(object))
            }
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "decide",
            abstract: "Process, reject (with a reason and message) or delete a payment; the kiosk learns it on its next status poll.")
        @Option(help: "The back office's SQLite file.") var db: String
        @Argument(help: "process, reject or delete.") var decision: String
        @Argument(help: "The payment id.") var id: String
        @Option(help: "For reject: account or payment.") var reason: String?
        @Option(help: "For reject: what the customer is told.") var message: String?
        @Option(help: "The kiosk, when ids could clash across kiosks.") var kiosk: String?

        func validate() throws {
            guard ["process", "reject", "delete"].contains(decision) else { throw ValidationError("decision must be process, reject or delete") }
            if decision == "reject" {
                guard let reason, ["account", "payment"].contains(reason) else { throw ValidationError("reject needs --reason account|payment") }
                guard let message, !message.isEmpty else { throw ValidationError("reject needs --message") }
            }
        }

        func run() throws {
            let status = ["process": "processed", "reject": "rejected", "delete": "deleted"][decision]!
            let store = try BackOfficeStore(path: db)
            guard try store.decide(kiosk: kiosk, id: id, status: status, reason: reason.map { "\($0)_issue_call" }, message: message) else {
                throw ToolError("no received payment \(id) to \(decision)")
            }
            emit("\(id) \(status)")
        }
    }
}

/// `kiosk-backoffice sync publish FILE`: a sync document for kiosks to pull.
struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Publish sync documents for kiosks to pull.", subcommands: [Publish.self])
    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a sync document (SYNC.md); prints its cursor.")
        @Option(help: "The back office's SQLite file.") var db: String
        @Argument(help: "The sync document.") var file: String
        func run() throws {
            guard let data = FileManager.default.contents(atPath: file), (try? SyncPull.document(data)) != nil else {
                throw ToolError("\(file) is not a JSON object")
            }
            emit("\(try BackOfficeStore(path: db).publish(syncDocument: String(decoding: data, as: UTF8.self)))")
        }
    }
}
