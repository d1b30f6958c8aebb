import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

extension DocumentSendParams.Kind: ExpressibleByArgument {}

/// `kioskctl documents list ACCOUNT`: the documents asked for and whether each email went out.
struct DocumentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "documents", abstract: "Documents emailed to an account's contacts.",
                                                    subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the documents asked for, newest first, 25 a page, with where each email stands.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: "The page, from 0.") var page: Int?
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.documentsList, DocumentsListParams(account: account, page: page), json: json) { list in
                guard !list.documents.isEmpty else { return ["No documents\(page.map { " on page \($0)" } ?? "")."] }
                return list.documents.map(DocumentCommand.line) + (list.more ? ["More on page \(list.page + 1) (--page \(list.page + 1))."] : [])
            }
        }
    }
}

/// `kioskctl document send ACCOUNT --kind K --id ID --contact C`: email a document to a contact.
struct DocumentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "document", abstract: "Email one document to a contact of an account.",
                                                    subcommands: [Send.self])

    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the back office to email an invoice, a statement or a receipt to a contact; `kioskctl documents list` shows when it is sent.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Option(help: "invoice, statement or receipt.") var kind: DocumentSendParams.Kind
        @Option(help: "The invoice id, the statement number (or current), or the payment id.") var id: String
        @Option(help: ArgumentHelp("For --id current: one job of a job-billed account.", valueName: "n")) var job: Int?
        @Option(help: "The contact to email (their id, as the sync names it).") var contact: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            let params = DocumentSendParams(account: account, kind: kind, id: id, job: job, contact: contact)
            try await connection.show(Methods.documentSend, params, json: json) { [DocumentCommand.line($0)] }
        }
    }

    /// `D7K2M9QXA  statement S-100  to pat@…  sent 2026-12-02T03:10:00Z`.
    static func line(_ d: DocumentRow) -> String {
        let state: String = switch d.state {
        case "sent": "sent" + (d.sentAt.map { " \($0)" } ?? "")
        case "failed": "could not be sent: \(d.error ?? "no reason given")"
        case "accepted": "accepted by the back office"
        default: "queued"
        }
        return "\(d.id)  \(d.kind) \(d.ref)\(d.job.map { " (job \($0))" } ?? "")  to \(d.to) (\(d.contact))  asked \(d.requestedAt)  \(state)"
    }
}
