import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl status`: the kiosk at a glance — link to the back office, outbox, devices.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the back-office link, the outbox and devices (managers).")
    @OptionGroup var connection: ConnectionOptions
    @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

    func run() async throws {
        try await connection.withClient { client in
            if json { Output.raw(try await client.callRaw(Methods.status, EmptyParams())); return }
            let s = try await client.call(Methods.status, EmptyParams())
            Output.line("kiosk \(s.kioskID), kioskd \(s.version), \(s.devices) device(s)")
            if s.backoffice.configured {
                Output.line("back office: \(s.backoffice.url ?? "?")")
                Output.line("  last contact: \(s.backoffice.lastContactAt ?? "never since start")"
                            + (s.backoffice.lastSyncAt.map { ", last sync \($0)" } ?? ""))
                if let error = s.backoffice.lastError { Output.line("  last error: \(error)") }
            } else {
                Output.line("back office: not configured (payments stay in the outbox; see [backoffice] in docs/CONFIGURATION.md)")
            }
            Output.line("outbox: \(s.outbox.due) due, \(s.outbox.held) held, \(s.outbox.inFlight) in flight, \(s.outbox.delivered) delivered, \(s.outbox.dead) dead"
                        + (s.outbox.dead > 0 ? "  — see `kioskctl outbox list --state dead`, then `kioskctl outbox retry ID`" : ""))
        }
    }
}
