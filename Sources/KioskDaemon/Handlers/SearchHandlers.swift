import Foundation
import KioskProtocol
import KioskStore

/// `search`: accounts, contacts, invoices and PO numbers from one text, for managers and
/// technicians at the counter (PROTOCOL.md `search`).
struct SearchHandlers: Sendable {
    let store: KioskStore

    func register(in table: inout HandlerTable) {
        table.on(Methods.searchMethod) { params, _ in
            let text = try Self.screened(params.text)
            let limit = params.limit ?? SearchParams.defaultLimit
            guard (1...SearchParams.maximumLimit).contains(limit) else {
                throw RPCError.invalidParams("invalid params: params.limit must be from 1 to \(SearchParams.maximumLimit)", path: "params.limit")
            }
            let found: (matches: [SearchMatch], more: Bool)
            do { found = try await store.search(text, limit: limit) }
            catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
            return SearchResult(results: found.matches.map(Self.hit), more: found.more)
        }
    }

    /// The text to look for: trimmed, 1–64 characters, and never card data. A card number
    /// typed into search is refused before it reaches the database or a log, and is not
    /// repeated (PROTOCOL.md "Never echoed"), as autopay rules and rejection messages are.
    static func screened(_ raw: String) throws -> String {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard SearchParams.textLength.contains(text.count) else {
            throw RPCError.invalidParams("invalid params: params.text must be 1 to \(SearchParams.textLength.upperBound) characters, not counting spaces around it",
                                         path: "params.text")
        }
        guard !CardDataPattern.appears(in: text) else {
            throw RPCError.invalidParams("invalid params: params.text looks like card data; search never takes a card number (search by account, name, contact, invoice or PO number)",
                                         path: "params.text")
        }
        return text
    }

    static func hit(_ m: SearchMatch) -> SearchHit {
        let rank = SearchHit.Rank(rawValue: m.rank.rawValue) ?? .substring
        switch m.kind {
        case "contact":
            return SearchHit(kind: m.kind, account: m.account, accountName: m.accountName,
                             contact: .init(id: m.ref ?? "", name: m.name), match: m.field, text: m.term, rank: rank)
        case "invoice":
            return SearchHit(kind: m.kind, account: m.account, accountName: m.accountName,
                             invoice: .init(id: m.ref ?? "", number: m.term), match: m.field, text: m.term, rank: rank)
        case "po_number":
            return SearchHit(kind: m.kind, account: m.account, accountName: m.accountName,
                             invoice: .init(id: m.ref ?? "", number: m.label ?? ""), poNumber: m.term, match: m.field, text: m.term, rank: rank)
        default:
            return SearchHit(kind: m.kind, account: m.account, accountName: m.accountName, match: m.field, text: m.term, rank: rank)
        }
    }
}
