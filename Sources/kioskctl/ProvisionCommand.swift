import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl provision …`: what a technician installs so the kiosk can protect card data.
struct ProvisionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "provision",
        abstract: "Install the back-office key captures are sealed to (technicians); show what is installed.",
        subcommands: [BackofficeKey.self, Status.self])

    struct BackofficeKey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backoffice-key",
            abstract: "Install the back office's public key; new captures are sealed to it (technicians).",
            discussion: """
            FILE is the .pub file written by `kiosk-backoffice keygen`. Installing a key with a new id
            rotates: new captures use it, captures already stored keep the key they were sealed to.
            Compare the fingerprint printed here with the one the back office printed.
            """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The back office's public key file (.pub).") var file: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw CommandFailure("cannot read \(file): " + (FileManager.default.fileExists(atPath: file) ? "permission denied" : "no such file"), status: .noInput)
                }
                guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else {
                    throw CommandFailure("\(file) is not a back-office public key file (expected a small UTF-8 JSON file from kiosk-backoffice keygen)")
                }
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    if json { Output.raw(try await client.callRaw(Methods.provisionBackofficeKey, ProvisionKeyParams(publicKey: text))); return }
                    let result = try await client.call(Methods.provisionBackofficeKey, ProvisionKeyParams(publicKey: text))
                    Output.line("Installed back-office key \(result.keyID) (fingerprint \(result.fingerprint)).")
                    if let previous = result.previousKeyID {
                        Output.line("It replaces \(previous); captures stored earlier stay sealed to \(previous).")
                    }
                }
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show the key captures are sealed to.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.provisionStatus, EmptyParams(), json: json) { status in
                var lines = ["Kiosk id: \(status.kioskID)"]
                if let key = status.backofficeKey {
                    lines.append("Captures are sealed to back-office key \(key.keyID) (fingerprint \(key.fingerprint)), installed \(key.installedAt ?? "?").")
                } else if let demo = status.demoKey {
                    lines.append("DEMO: captures are sealed to the throwaway demo key \(demo.keyID). Install the store's key before taking real payments.")
                } else {
                    lines.append("No back-office key is installed: card and signature captures are refused. Run: kioskctl provision backoffice-key FILE")
                }
                if !status.retiredKeys.isEmpty { lines.append("Earlier keys: \(status.retiredKeys.joined(separator: ", "))") }
                return lines
            }
        }
    }
}
