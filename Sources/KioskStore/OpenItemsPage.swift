import Foundation
import GRDB
import KioskCore

/// One page of a scope's open invoices in pay order, with the whole list's count and totals
/// and the scope's finance-charge figures: what `items.open` sends. Equal to paging
/// ``Figures/openItems(_:scope:branch:today:)`` (OpenItemsPageTests), read with indexed SQL
/// (migration 019) so a page costs the same whatever the account holds.
public struct OpenInvoicePage: Sendable, Equatable {
    /// The page's invoices, in pay order.
    public var invoices: [OpenInvoice]
    /// Invoices in the whole list (every page).
    public var count: Int
    /// Sum of the whole list's open amounts.
    public var openTotal: Int
    /// Sum of the whole list's amounts due (open amount less linked credit memos).
    public var amountDueTotal: Int
    /// As ``OpenItems/financeCharges``.
    public var financeCharges: Int
    /// As ``OpenItems/financeChargesRequired``.
    public var financeChargesRequired: Bool

    public init(invoices: [OpenInvoice], count: Int, openTotal: Int, amountDueTotal: Int, financeCharges: Int,
                financeChargesRequired: Bool) {
        self.invoices = invoices; self.count = count; self.openTotal = openTotal; self.amountDueTotal = amountDueTotal
        self.financeCharges = financeCharges; self.financeChargesRequired = financeChargesRequired
    }
}

extension KioskStore {
    /// Rows `offset ..< offset + limit` of the open invoices of `account` in `scope`, as
    /// ``Figures/openItems(_:scope:branch:today:)`` lists them, with the whole list's count and
    /// totals. `branch` and `today` are the account's (for `pastDue` and the finance-charge
    /// rule). One read transaction, so the page and the totals agree.
    public func openInvoicePage(account: String, scope: FigureScope, branch: Branch, today: LocalDate,
                                offset: Int, limit: Int) async throws(StoreError) -> OpenInvoicePage {
        do {
            return try await pool.read { db in
                try OpenInvoiceReader(db: db, account: account, job: scope.job)
                    .page(branch: branch, today: today, offset: offset, limit: limit)
            }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }
}

/// The SQL behind ``KioskStore/openInvoicePage(account:scope:branch:today:offset:limit:)``.
/// The list's statements name `kind = 'invoice' AND open_amount > 0` so SQLite uses the partial
/// index `item_open_invoice` (the finance charges `item_open_finance_charge`); a job scope adds `job = ?` (a NULL job is in no job's scope, as
/// ``FigureScope/includes(job:)``); account and consolidated scopes take every row.
struct OpenInvoiceReader {
    let db: Database
    let account: String
    /// The job of a job scope; nil for the account and consolidated scopes.
    let job: Int?

    private var scoped: String { job == nil ? "" : " AND job = ?" }
    private var scopeArguments: StatementArguments { job.map { [account, $0] } ?? [account] }

    func page(branch: Branch, today: LocalDate, offset: Int, limit: Int) throws -> OpenInvoicePage {
        // Credit memos naming an invoice cover it over the whole account, whatever their job
        // (Figures.memoCover): few per account, so they are read whole. A zero open amount covers nothing.
        var cover: [String: Int] = [:]
        for r in try Row.fetchAll(db.cachedStatement(sql: """
            SELECT linked_invoice, SUM(open_amount) FROM item
            WHERE account = ? AND open_amount <> 0 AND kind = 'credit_memo' AND linked_invoice IS NOT NULL
            GROUP BY linked_invoice
            """), arguments: [account]) {
            cover[r[0] as String] = r[1] as Int
        }
        // The covered invoices that would be in the list: fully covered ones leave it (their
        // count and open amounts are taken off the totals below); the rest pay less.
        var excluded: [String] = []
        var excludedOpen = 0, coverOfListed = 0
        if !cover.isEmpty {
            let ids = String(decoding: try JSONEncoder().encode(Array(cover.keys)), as: UTF8.self)
            for r in try Row.fetchAll(db.cachedStatement(sql: """
                SELECT id, open_amount FROM item
                WHERE account = ? AND kind = 'invoice' AND open_amount > 0\(scoped) AND id IN (SELECT value FROM json_each(?))
                """), arguments: scopeArguments + [ids]) {
                let id: String = r[0], open: Int = r[1], covered = cover[id, default: 0]
                if open - covered <= 0 { excluded.append(id); excludedOpen += open } else { coverOfListed += covered }
            }
        }
        // The totals over every open invoice of the scope (the index alone), less the excluded
        // few: an `id NOT IN (...)` here would cost a set lookup per row of the whole list.
        let openInvoices = "account = ? AND kind = 'invoice' AND open_amount > 0\(scoped)"
        let totals = try Row.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*), COALESCE(SUM(open_amount), 0) FROM item WHERE \(openInvoices)"),
                                      arguments: scopeArguments)
        let count = (totals?[0] ?? 0) - excluded.count, openTotal = (totals?[1] ?? 0) - excludedOpen

        // A row some writer stored without its key would sort first, silently out of order:
        // refuse loudly instead (NULL keys lead the index, so this is one seek).
        if try Bool.fetchOne(db.cachedStatement(sql: """
            SELECT 1 FROM item WHERE account = ? AND kind = 'invoice' AND open_amount > 0 AND pay_order IS NULL LIMIT 1
            """), arguments: [account]) == true {
            throw StoreError.corrupt(path: "", detail: "account \(account) has open invoices without a pay-order key (item.pay_order); "
                                     + "whatever wrote them must set it (PayOrderKey)")
        }

        // The page skips the excluded ones in SQL, so LIMIT/OFFSET count listed rows only.
        let listed = excluded.isEmpty ? openInvoices : openInvoices + " AND id NOT IN (SELECT value FROM json_each(?))"
        let listArguments = excluded.isEmpty ? scopeArguments
            : scopeArguments + [String(decoding: try JSONEncoder().encode(excluded), as: UTF8.self)]

        var invoices: [OpenInvoice] = []
        let loader = AccountLoader(db: db)  // its date reading, so a bad stored date reads the same everywhere
        let rows = try Row.fetchCursor(db.cachedStatement(sql: """
            SELECT id, number, job, date, due_date, po_number, amount, open_amount FROM item
            WHERE \(listed) ORDER BY pay_order LIMIT ? OFFSET ?
            """), arguments: listArguments + [max(0, limit), max(0, offset)])
        while let r = try rows.next() {
            let id: String = r[0], open: Int = r[7]
            let due = try (r[4] as String?).map(loader.date)
            invoices.append(OpenInvoice(id: id, number: r[1], job: r[2], date: try loader.date(r[3]), dueDate: due, poNumber: r[5],
                                        amount: r[6], openAmount: open, amountDue: open - cover[id, default: 0],
                                        pastDue: due.map { $0 < today } ?? false))
        }

        let financeCharges = try Int.fetchOne(db.cachedStatement(sql: """
            SELECT COALESCE(SUM(open_amount), 0) FROM item WHERE account = ? AND kind = 'finance_charge' AND open_amount > 0\(scoped)
            """), arguments: scopeArguments) ?? 0
        return OpenInvoicePage(invoices: invoices, count: count, openTotal: openTotal, amountDueTotal: openTotal - coverOfListed,
                               financeCharges: financeCharges,
                               financeChargesRequired: branch.payFinanceChargesFirst && financeCharges > 0)
    }
}
