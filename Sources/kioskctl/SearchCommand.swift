import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl search TEXT`: the account behind whatever a customer at the counter says.
struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find accounts, contacts, invoices and PO numbers from a number, a name or part of one (managers).",
        discussion: """
            Looks at account numbers, names and companies, contacts' names and emails, invoice
            numbers and PO numbers, ignoring case. Best first: the whole field typed, then fields
            starting with it, then a later word starting with it, then the text anywhere; ties by
            name. Ids and numbers are shown whole; a long name may be shortened (--json has all).
            Card numbers are refused, never searched for.

            Examples:
              kioskctl search 1001
              kioskctl search doe
              kioskctl search PO-7 --limit 50
              kioskctl search pat@doebuilders.example --json
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: ArgumentHelp("What to look for: 1 to 64 characters.", valueName: "text")) var text: String
    @Option(help: ArgumentHelp("At most this many results, 1 to 100 (default 20).", valueName: "n")) var limit: Int?
    @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

    func validate() throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else {
            throw ValidationError("Give something to search for: an account number, a name, an email, an invoice or a PO number.")
        }
        guard trimmed.count <= SearchParams.textLength.upperBound else {
            throw ValidationError("The search text has \(trimmed.count) characters; at most \(SearchParams.textLength.upperBound) are allowed.")
        }
        if let limit, !(1...SearchParams.maximumLimit).contains(limit) {
            throw ValidationError("--limit must be from 1 to \(SearchParams.maximumLimit).")
        }
    }

    func run() async throws {
        // Never sent: a card number has no business in a search, the daemon's log or the screen.
        if CardDataPattern.appears(in: text) {
            Output.error("kioskctl: that looks like a card number; search never takes card data (search by account, name, contact, invoice or PO number)")
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
        let params = SearchParams(text: text.trimmingCharacters(in: .whitespaces), limit: limit)
        try await connection.show(Methods.searchMethod, params, json: json, Self.lines)
    }

    static func lines(_ r: SearchResult) -> [String] {
        guard !r.results.isEmpty else { return ["No account, contact, invoice or PO number matches."] }
        var table = TextTable([.whole("KIND"), .whole("ACCOUNT"), .text("NAME", maximumWidth: 32), .whole("MATCHED")])
        for hit in r.results { table.append([kind(hit), hit.account, hit.accountName, matched(hit)]) }
        return table.lines() + (r.more ? ["More match: type more of it, or raise --limit (at most \(SearchParams.maximumLimit))."] : [])
    }

    static func kind(_ hit: SearchHit) -> String {
        switch hit.kind {
        case "po_number": "PO number"
        default: hit.kind
        }
    }

    /// What matched, in words, with the ids a person copies next (`contact unlock`, `invoice show`).
    static func matched(_ hit: SearchHit) -> String {
        switch (hit.kind, hit.match) {
        case ("account", "number"): return "account number \(hit.text)"
        case ("account", "company"): return "company \(hit.text)"
        case ("account", _): return "name \(hit.text)"
        case ("contact", let field):
            let who = hit.contact.map { "contact \($0.id) \($0.name)" } ?? "contact"
            return field == "email" ? "\(who), email \(hit.text)" : who
        case ("invoice", _): return "invoice \(hit.text)" + (hit.invoice.map { " (id \($0.id))" } ?? "")
        case ("po_number", _):
            return "PO \(hit.text)" + (hit.invoice.map { " on invoice \($0.number) (id \($0.id))" } ?? "")
        default: return "\(hit.match) \(hit.text)"
        }
    }
}
