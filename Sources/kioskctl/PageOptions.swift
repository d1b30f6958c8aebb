import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// `--page`, `--limit` and `--all` of every command that shows a paged customer list
/// (PROTOCOL.md "Paged lists"). `--page` is the protocol's page number, from 0, so a script
/// can pass `--json`'s `page` back as it is; the human text counts pages from 1.
struct PageOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The page to show, from 0 (the protocol's page number; default 0).", valueName: "n")) var page: Int?
    @Option(help: ArgumentHelp("Rows a page, 1 to 100 (default 25).", valueName: "n")) var limit: Int?
    @Flag(help: "Show every page (read 100 rows at a time); with --json, a JSON array of the replies.") var all = false

    func validate() throws {
        if let page, !PageWindow.pages.contains(page) {
            throw ValidationError("--page must be a page number from 0 to \(PageWindow.pages.upperBound) (the first page is 0).")
        }
        if let limit, !PageWindow.limits.contains(limit) {
            throw ValidationError("--limit must be from \(PageWindow.limits.lowerBound) to \(PageWindow.limits.upperBound) rows a page.")
        }
        if all, page != nil { throw ValidationError("Give --page or --all, not both.") }
        if all, limit != nil { throw ValidationError("--all reads 100 rows at a time; give --limit only with --page.") }
    }

    /// The line under a page's table: where this page is in the list and how to see the next.
    /// `page 1 of 4 (87 invoices, 25 a page); more: --page 1`.
    static func footer(page: Int, limit: Int, count: Int, more: Bool, noun: String, all: Bool = false) -> String {
        let nouns = "\(count) \(noun)\(count == 1 ? "" : "s")"
        if all { return "All \(nouns)." }
        let pages = PageWindow.pageCount(count, limit: limit)
        var line = "Page \(page + 1) of \(pages) (\(nouns), \(limit) a page)"
        if more { line += "; more: --page \(page + 1)" }
        return line + "."
    }
}

/// What kioskctl needs of a paged result to walk and describe it.
protocol PagedResult: Decodable {
    var page: Int { get }
    var limit: Int { get }
    var more: Bool { get }
    var count: Int { get }
    /// Adds a later page's rows below this one's.
    mutating func append(_ later: Self)
}

extension OpenItemsResult: PagedResult { mutating func append(_ later: Self) { let rows = invoices + later.invoices; self = later; invoices = rows } }
extension InvoicesListResult: PagedResult { mutating func append(_ later: Self) { let rows = invoices + later.invoices; self = later; invoices = rows } }
extension StatementsResult: PagedResult { mutating func append(_ later: Self) { let rows = statements + later.statements; self = later; statements = rows } }
extension CreditsResult: PagedResult { mutating func append(_ later: Self) { let rows = credits + later.credits; self = later; credits = rows } }
extension HistoryResult: PagedResult { mutating func append(_ later: Self) { let rows = payments + later.payments; self = later; payments = rows } }

extension ConnectionOptions {
    /// Shows one page of a paged list, or with `--all` every page: with `json` the replies
    /// exactly as kioskd wrote them (one object; with `--all` an array of them), else the
    /// lines `text` makes of the rows and a line saying where the page is.
    func showPaged<M: RPCMethod>(_ method: M, _ options: PageOptions, json: Bool, noun: String,
                                 params: (_ page: Int?, _ limit: Int?) -> M.Params,
                                 _ text: (M.Result) -> [String]) async throws where M.Result: PagedResult {
        try await withClient { client in
            let (raws, result) = try await Self.read(client, method, options, params: params)
            if json {
                Output.raw(options.all ? Data("[".utf8) + raws.joined(separator: Data(",".utf8)) + Data("]".utf8) : raws[0])
                return
            }
            for line in text(result) { Output.line(line) }
            Output.line(PageOptions.footer(page: result.page, limit: result.limit, count: result.count, more: result.more,
                                           noun: noun, all: options.all))
        }
    }

    /// The page asked for, or every page merged into one result (and each reply as sent).
    static func read<M: RPCMethod>(_ client: KioskClient, _ method: M, _ options: PageOptions,
                                   params: (_ page: Int?, _ limit: Int?) -> M.Params) async throws -> ([Data], M.Result)
    where M.Result: PagedResult {
        guard options.all else {
            let raw = try await client.callRaw(method, params(options.page, options.limit))
            return ([raw], try decode(M.Result.self, raw))
        }
        var raws: [Data] = []
        var merged: M.Result?
        var page = 0
        while true {
            let raw = try await client.callRaw(method, params(page, PageWindow.limits.upperBound))
            raws.append(raw)
            let result = try decode(M.Result.self, raw)
            if merged == nil { merged = result } else { merged!.append(result) }
            // The last page a list can have ends the walk even if a daemon kept saying "more".
            guard result.more, page < PageWindow.pages.upperBound else { break }
            page += 1
        }
        return (raws, merged!)
    }

    private static func decode<T: Decodable>(_ type: T.Type, _ raw: Data) throws -> T {
        do { return try JSONDecoder().decode(type, from: raw) } catch {
            throw CommandFailure("kioskd's reply does not have the expected fields of a page (\(error))", status: .software)
        }
    }
}
