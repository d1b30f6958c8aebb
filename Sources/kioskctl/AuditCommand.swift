import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl audit list|verify`: who changed what, and proof that nobody rewrote it.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Read and check the kiosk's audit log.",
                                                    subcommands: [List.self, Verify.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit rows, newest first, 50 a page.",
            discussion: "Examples:\n  kioskctl audit list --since 2026-12-02 --actor sam\n  kioskctl audit list --action payment --page 1")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: ArgumentHelp("Rows from this time (2026-12-02T07:00:00Z) or day (2026-12-02, kiosk's clock).", valueName: "time"))
        var since: String?
        @Option(help: ArgumentHelp("Rows by this user name or uid.", valueName: "user")) var actor: String?
        @Option(help: ArgumentHelp("Rows of this action (contact.revoke) or area (contact).", valueName: "action")) var action: String?
        @Option(help: ArgumentHelp("The page, from 0.", valueName: "n")) var page: Int = 0
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            let params = AuditListParams(since: since, actor: actor, action: action, page: page)
            try await connection.show(Methods.auditList, params, json: json) { list in
                guard !list.entries.isEmpty else { return [page == 0 ? "No audit rows match." : "No audit rows on page \(page)."] }
                var lines = list.entries.map(AuditCommand.line)
                if list.more { lines.append("More on page \(list.page + 1): kioskctl audit list --page \(list.page + 1)") }
                return lines
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit log's hash chain; exits 65 naming the first row edited or deleted.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            var broken = false
            try await connection.withClient { client in
                let raw = try await client.callRaw(Methods.auditVerify, EmptyParams())
                let result: AuditVerifyResult
                do { result = try JSONDecoder().decode(AuditVerifyResult.self, from: raw) }
                catch { throw ClientError.malformedReply("the result of audit.verify does not have the expected fields") }
                broken = !result.ok
                if json { Output.raw(raw); return }
                if let bad = result.firstBad {
                    Output.line("The audit log is NOT intact: \(bad.problem).")
                } else {
                    Output.line("The audit log is intact: \(result.rows) \(result.rows == 1 ? "row" : "rows") checked"
                                + (result.head.map { ", last hash \($0)" } ?? "") + ".")
                }
            }
            if broken { throw ExitCode(65) }
        }
    }

    /// One row as one line: id, time, who (role), action, subject, summary.
    static func line(_ r: AuditRow) -> String {
        "#\(r.id)  \(r.at)  \(r.user) (uid \(r.uid), \(r.role))  \(r.action)" + (r.subject.map { "  [\($0)]" } ?? "")
            + (r.summary.isEmpty ? "" : ": \(r.summary)")
    }
}
