import Foundation

/// Which open credits a customer lists (`credits.list`).
public enum CreditFilter: String, Sendable, CaseIterable {
    /// Credit memos, credit adjustments and unapplied payments.
    case all
    case memos
    /// Payments not yet applied to an invoice.
    case unapplied

    public var kinds: Set<ItemKind> {
        switch self {
        case .all: [.creditMemo, .creditAdjustment, .payment]
        case .memos: [.creditMemo]
        case .unapplied: [.payment]
        }
    }
}

/// One page of an account's statements, newest first.
public struct StatementPage: Sendable, Equatable {
    /// The pages a client may ask for: the page is repeated in the reply, so it is bounded
    /// (an account holds at most 100,000 statements).
    public static let pages = 0...4_000

    public var statements: [Statement]
    public var page: Int
    /// More (older) statements exist after this page.
    public var more: Bool

    public init(statements: [Statement], page: Int, more: Bool) { self.statements = statements; self.page = page; self.more = more }
}

extension Figures {
    /// The open credits of `filter`'s kinds (remaining amount above zero), for one job or all
    /// (`job` nil), newest first.
    public static func openCredits(_ account: Account, job: Int?, filter: CreditFilter) -> [Item] {
        let kinds = filter.kinds
        return account.items
            .filter { kinds.contains($0.kind) && $0.openAmount > 0 && (job == nil || $0.job == job) }
            .sorted { $0.date.description > $1.date.description }
    }

    /// Page `page` (from 0, `size` a page) of the statements of one job or all, newest first.
    /// A page past the end is empty; a negative page is the first.
    public static func statementPage(_ account: Account, job: Int?, page: Int, size: Int) -> StatementPage {
        let page = max(0, page)
        let all = account.statements.filter { job == nil || $0.job == job }
            .sorted { $0.issuedAt.description > $1.issuedAt.description }
        let start = min(all.count, page.multipliedReportingOverflow(by: size).overflow ? all.count : page * size)
        let rows = all[start..<min(all.count, start + size)]
        return StatementPage(statements: Array(rows), page: page, more: start + size < all.count)
    }
}
