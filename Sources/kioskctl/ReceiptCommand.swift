import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `kioskctl receipt list|reprint`: receipts printed at the kiosk, and printing one again after
/// the printer ran out of paper, was opened or unplugged mid-receipt (managers).
struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt", abstract: "Receipts printed at the kiosk: list them, print one again (managers).",
        subcommands: [List.self, Reprint.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the receipts asked for at the kiosk's printer, most recent first, 25 a page.",
            discussion: """
                Examples:
                  kioskctl receipt list
                  kioskctl receipt list --failed
                  kioskctl receipt list --state printed --page 1 --json
                """)
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Only the receipts whose last attempt failed (same as --state failed).") var failed = false
        @Option(help: "printing, printed or failed.") var state: String?
        @Option(help: "The page, from 0.") var page: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                if failed, let state, state != "failed" { throw CommandFailure("give --failed or --state, not both", status: .usage) }
                let params = ReceiptListParams(state: failed ? "failed" : state, page: page)
                try await connection.show(Methods.receiptList, params, json: json) { list in
                    guard !list.receipts.isEmpty else { return ["No receipts\(page.map { " on page \($0)" } ?? "")."] }
                    return list.receipts.map(ReceiptCommand.line) + (list.more ? ["More on page \(list.page + 1) (--page \(list.page + 1))."] : [])
                }
            }
        }
    }

    struct Reprint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a payment's receipt again on the kiosk's printer.",
            discussion: """
                ID is the payment's id, as printed on the receipt and shown by `kioskctl receipt list`.
                Exit status 69 when the printer could not finish it (the sentence says what to fix).

                Examples:
                  kioskctl receipt reprint P7K2M9QX
                  kioskctl receipt reprint P7K2M9QX --json
                """)
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The payment's id.", valueName: "id")) var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                var failure: String?
                try await connection.show(Methods.receiptReprint, ReceiptReprintParams(payment: id), json: json) { row in
                    if row.state == "failed" { failure = row.message ?? "the receipt did not print" }
                    return [ReceiptCommand.line(row)]
                }
                if let failure { throw CommandFailure(failure, status: .unavailable) }
            }
        }
    }

    /// `P7K2M9QX  account 1001  printed 2026-12-02T10:00:00Z (attempt 2, emulated-printer-1)`.
    static func line(_ r: ReceiptRow) -> String {
        let state: String = switch r.state {
        case "printed": "printed" + (r.printedAt.map { " \($0)" } ?? "")
        case "failed": "NOT PRINTED (\(r.fault ?? "fault")): \(r.message ?? "")"
        default: "printing"
        }
        return "\(r.payment)  account \(r.account)  \(state)  (attempt \(r.attempts)\(r.printer.map { ", \($0)" } ?? ""), asked by \(r.requestedBy))"
    }
}
