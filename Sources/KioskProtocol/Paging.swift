import Foundation

/// One rule for every paged customer list (`items.open`, `invoices.list`, `history.list`,
/// `credits.list`, `statements.list`; PROTOCOL.md "Paged lists"): a 0-based `page` number and
/// a `limit` of rows a page. Page numbers, not cursors: every one of these lists is built
/// whole and sorted on each call (the account is at most 100,000 records a list), so a number
/// costs nothing more than a cursor would and lets a person ask for "page 3" directly.
public struct PageWindow: Sendable, Equatable {
    /// What a caller that sends no `limit` gets: the contract's 25 a page.
    public static let defaultLimit = 25
    /// A page is one reply line the front must hold and draw; 100 rows stay far below the
    /// front's 64 KiB line and keep a page's cost flat, whatever the account holds.
    public static let limits = 1...100
    /// The page is repeated in the reply, so it is bounded: with a `limit` of 1 the last
    /// possible row of a list (an account holds at most 100,000 records of each kind) is on page 99,999.
    public static let pages = 0...99_999

    public let page: Int
    public let limit: Int

    /// The window a request asks for; a missing `page` is the first, a missing `limit` 25.
    /// Out of range is `-32602` naming the member, never repeating the value sent.
    public init(page: Int?, limit: Int?) throws(RPCError) {
        let page = page ?? 0, limit = limit ?? Self.defaultLimit
        guard Self.pages.contains(page) else {
            throw RPCError.invalidParams("invalid params: params.page must be a page number from 0 to 99999 (the first page is 0)",
                                         path: "params.page")
        }
        guard Self.limits.contains(limit) else {
            throw RPCError.invalidParams("invalid params: params.limit must be from 1 to 100 rows a page (default 25)",
                                         path: "params.limit")
        }
        self.page = page; self.limit = limit
    }

    /// The first page of `limit` rows (a caller's own use, already in range).
    public init(first limit: Int = PageWindow.defaultLimit) { page = 0; self.limit = limit }

    /// The rows of this page out of the whole list, with `more` (rows follow it) and `count`
    /// (rows in the whole list). A page past the end is empty.
    public func slice<Rows: Collection>(_ all: Rows) -> (rows: Rows.SubSequence, more: Bool, count: Int) where Rows.Index == Int {
        let count = all.count
        // page ≤ 99,999 and limit ≤ 100: the product cannot overflow.
        let start = min(count, page * limit), end = min(count, start + limit)
        return (all[all.startIndex + start ..< all.startIndex + end], end < count, count)
    }

    /// The number of pages a list of `count` rows takes (at least 1: an empty list is one empty page).
    public static func pageCount(_ count: Int, limit: Int) -> Int { max(1, (count + limit - 1) / max(1, limit)) }
}
