import Foundation
import GRDB
import KioskCore

/// Which rows of an account a read loads, beyond its own row, jobs, branch and representative
/// (always loaded: every scope is resolved from the jobs). Each part loads exactly the rows
/// whose figures it names and no closed history, so these reads grow with what is open, not
/// with how long the account has existed (issue 16 item 1, migration 017's indexes).
///
/// An account loaded by a slice gives the same figures as the full account for what the
/// slice covers (AccountSliceTests checks it on random accounts) and must not be used for
/// anything else: a part not loaded reads as empty.
public struct AccountSlice: Sendable, Equatable {
    /// Contacts (sign-in, receipts, who may pay).
    public var contacts = false
    /// Cards and bank accounts on file as the sync sent them.
    public var methodsOnFile = false
    /// Items with something open, in list order, without invoice lines: every figure of
    /// balances, summary, open items and a quote adds up open amounts, to which a closed item
    /// adds nothing.
    public var openItems = false
    /// What ``Figures/activity(_:scope:today:)`` reads for the scope of `job` on the branch's
    /// day at `at`: the sales of this calendar year and last (and any later), the scope's latest
    /// sale and latest charge sale however old, and its latest processed payment.
    public var activity: ActivityWindow?

    public struct ActivityWindow: Sendable, Equatable {
        public var job: Int?
        public var at: Date
        public init(job: Int?, at: Date) { self.job = job; self.at = at }
    }

    public init(contacts: Bool = false, methodsOnFile: Bool = false, openItems: Bool = false, activity: ActivityWindow? = nil) {
        self.contacts = contacts; self.methodsOnFile = methodsOnFile; self.openItems = openItems; self.activity = activity
    }

    /// The account's own fields, jobs, branch and representative (`account.get`).
    public static let header = AccountSlice()
    /// Balances, summary and open items.
    public static let openFigures = AccountSlice(openItems: true)
    /// Activity for the scope of `job` as of `at`.
    public static func activity(job: Int?, at: Date) -> AccountSlice { AccountSlice(activity: ActivityWindow(job: job, at: at)) }
}

extension AccountLoader {
    func load(number: String, slice: AccountSlice) throws -> StoredAccount? {
        guard let (row, branch) = try header(number: number) else { return nil }
        var account = accountValue(row)
        let key: StatementArguments = [number]
        account.jobs = try jobs(key)
        if slice.contacts { account.contacts = try contacts(key) }
        if slice.methodsOnFile {
            account.cardsOnFile = try cardsOnFile(key)
            account.bankAccountsOnFile = try bankAccountsOnFile(key)
        }
        if slice.openItems { account.items = try openItems(number) }
        // A scope that does not resolve loads nothing more: the caller refuses the read anyway.
        if let window = slice.activity, let scope = try? Figures.scope(for: account, job: window.job) {
            try loadActivity(into: &account, scope: scope, today: branch.today(at: window.at))
        }
        return try stored(account, row: row, branch: branch)
    }

    /// The account's open items in list order (migration 017's `item_open`).
    func openItems(_ number: String) throws -> [Item] {
        let statement = try db.cachedStatement(sql: """
            SELECT id, kind, number, job, date, due_date, po_number, amount, open_amount, billed, linked_invoice
            FROM item WHERE account = ? AND open_amount <> 0 ORDER BY position
            """)
        return try items(statement, arguments: [number])
    }

    /// Adds the credits standing for payments processed here (``PaymentCommitment/kioskCreditID(_:)``)
    /// that a slice of open items left out because they are closed: whether such a credit is
    /// on the account decides whether its payment still counts against a balance-forward total.
    func addKioskCredits(to account: inout Account, for commitments: [PaymentCommitment]) throws {
        let statement = try db.cachedStatement(sql: """
            SELECT id, kind, number, job, date, due_date, po_number, amount, open_amount, billed, linked_invoice
            FROM item WHERE account = ? AND id = ?
            """)
        for c in commitments where c.state == .processed {
            let id = PaymentCommitment.kioskCreditID(c.paymentID)
            guard !account.items.contains(where: { $0.id == id }) else { continue }
            account.items += try items(statement, arguments: [account.number, id])
        }
    }

    /// Items from a statement selecting the columns `openItems` does, in that order. The rows
    /// are read by index from a cursor: no per-row copy, no column-name lookups.
    func items(_ statement: GRDB.Statement, arguments: StatementArguments) throws -> [Item] {
        var out: [Item] = []
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        while let r = try rows.next() {
            out.append(Item(id: r[0], kind: ItemKind(rawValue: r[1]) ?? .invoice, number: r[2], job: r[3],
                            date: try date(r[4]), dueDate: try (r[5] as String?).map(date), poNumber: r[6],
                            amount: r[7], openAmount: r[8], billed: r[9], linkedInvoice: r[10]))
        }
        return out
    }

    /// Sales from 1 January of last year on (every period activity sums lies there), plus the
    /// scope's latest sale and latest charge sale when older (they only set the "last" dates),
    /// and the scope's latest processed payment (latest date; on a tie the later position, as
    /// the figure takes the later entry of the list).
    private func loadActivity(into account: inout Account, scope: FigureScope, today: LocalDate) throws {
        let number = account.number
        let since = LocalDate(year: today.year - 1, month: 1, day: 1)?.description ?? "0000-01-01"
        let columns = "position, date, job, kind, amount, tax, charge, gift_card"
        func sales(_ statement: GRDB.Statement, _ arguments: StatementArguments) throws -> [(Int, Sale)] {
            var out: [(Int, Sale)] = []
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let r = try rows.next() {
                out.append((r[0], Sale(date: try date(r[1]), job: r[2], kind: Sale.Kind(rawValue: r[3]) ?? .sale, amount: r[4],
                                       tax: r[5], charge: r[6], giftCard: r[7])))
            }
            return out
        }
        var recent = try sales(db.cachedStatement(sql: "SELECT \(columns) FROM sale WHERE account = ? AND date >= ? ORDER BY position"),
                               [number, since])
        // The job filter in SQL, so LIMIT 1 is the scope's latest.
        let job = scope.job
        let scoped = job == nil ? "" : " AND job = ?"
        let scopeArguments: StatementArguments = job.map { [number, $0] } ?? [number]
        for filter in ["kind = 'sale'", "kind = 'sale' AND charge"] {
            let latest = try sales(db.cachedStatement(sql: """
                SELECT \(columns) FROM sale WHERE account = ? AND \(filter)\(scoped) ORDER BY date DESC LIMIT 1
                """), scopeArguments)
            for (position, sale) in latest where sale.date.description < since && !recent.contains(where: { $0.0 == position }) {
                recent.append((position, sale))
            }
        }
        recent.sort { $0.0 < $1.0 }
        account.sales = recent.map { $0.1 }
        let payment = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT id, job, date, amount, method FROM processed_payment WHERE account = ?\(scoped)
            ORDER BY date DESC, position DESC LIMIT 1
            """), arguments: scopeArguments)
        account.payments = try payment.map { r in
            [ProcessedPayment(id: r[0], job: r[1], date: try date(r[2]), amount: r[3], method: r[4], applied: [])]
        } ?? []
    }
}
