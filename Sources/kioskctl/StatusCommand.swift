import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl status`: the kiosk at a glance — link to the back office, outbox, devices, the
/// sealing key, the database and the last backup.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the back-office link, outbox, key, devices, receipt printers, database and last backup (managers).",
        discussion: """
            Examples:
              kioskctl status
              kioskctl status --json
            """)
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
        if let key = s.key { lines.append(keyLine(key)) }
        if let access = s.deviceAccess {
            // Ids in full: a technician copies them into `kioskctl device allow`.
            lines.append("devices allowed: \(access.allowed.count)" + (access.allowed.isEmpty ? "" : " (\(access.allowed.joined(separator: ", ")))"))
            lines.append("devices seen: \(access.seen.count)" + (access.seen.isEmpty ? "" : " (\(access.seen.joined(separator: ", ")))"))
            let waiting = access.seen.filter { !access.allowed.contains($0) }
            if !waiting.isEmpty { lines.append("  present, not allowed: \(waiting.joined(separator: ", ")) — `kioskctl device allow ID` (technician)") }
        }
        for printer in s.printers ?? [] {
            var line = "receipt printer \(printer.device): "
            switch printer.state {
            case "ready": line += "ready"
            case "printing": line += "printing"
            case "fault": line += "NEEDS ATTENTION (\(printer.fault ?? "fault")): \(printer.message ?? "")"
            default: line += "not asked yet"
            }
            if !printer.allowed { line += " (not allowed: `kioskctl device allow \(printer.device)`, technician)" }
            if printer.paperNearEnd { line += "; paper roll nearly empty" }
            lines.append(line)
        }
        if let receipts = s.receipts, receipts.failed > 0 {
            lines.append("receipts not printed: \(receipts.failed) — `kioskctl receipt list --failed`, then `kioskctl receipt reprint ID`")
        }
        if let db = s.database {
            lines.append("database: \(db.bytes) bytes (\(db.pages) pages of \(db.pageSize) bytes, \(db.freePages) free), write-ahead log \(db.walBytes) bytes")
        }
        if s.key != nil {
            if let last = s.lastBackup {
                lines.append("last backup: \(last.at), \(last.bytes) bytes, by \(last.user) (uid \(last.uid))")
            } else {
                lines.append("last backup: never — `kioskctl backup FILE`")
            }
        }
        return lines
    }

    static func keyLine(_ key: KioskStatus.KeyState) -> String {
        let named = [key.keyID.map { "key \($0)" }, key.fingerprint.map { "fingerprint \($0)" }].compactMap { $0 }.joined(separator: ", ")
        switch key.state {
        case "backoffice": return "sealing key: back-office key installed (\(named))"
        case "demo": return "sealing key: DEMO key (\(named)) — captures are sealed to a throwaway key; not for real cards"
        default: return "sealing key: none — card and signature captures are refused; `kioskctl provision backoffice-key FILE` (technician)"
        }
    }
}
