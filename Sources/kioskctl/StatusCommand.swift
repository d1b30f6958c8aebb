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
        try await connection.show(Methods.status, EmptyParams(), json: json, Self.lines)
    }

    static func lines(_ s: KioskStatus) -> [String] {
        var lines = ["kiosk \(s.kioskID), kioskd \(s.version), \(s.devices) device(s)"]
        if s.backoffice.configured {
            lines.append("back office: \(s.backoffice.url ?? "?")")
            lines.append("  last contact: \(s.backoffice.lastContactAt ?? "never since start")"
                         + (s.backoffice.lastSyncAt.map { ", last sync \($0)" } ?? ""))
            if let error = s.backoffice.lastError { lines.append("  last error: \(error)") }
        } else {
            lines.append("back office: not configured (payments stay in the outbox; see [backoffice] in docs/CONFIGURATION.md)")
        }
        lines.append("outbox: \(s.outbox.due) due, \(s.outbox.held) held, \(s.outbox.inFlight) in flight, \(s.outbox.delivered) delivered, \(s.outbox.dead) dead"
                     + (s.outbox.dead > 0 ? "  — see `kioskctl outbox list --state dead`, then `kioskctl outbox retry ID`" : ""))
        return lines
    }
}
