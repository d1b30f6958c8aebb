import Foundation
import GRDB
import KioskCore

/// An account as stored, with what its figures need around it.
public struct StoredAccount: Sendable, Equatable {
    public var account: Account
    public var currency: String
    public var branch: Branch
    /// The assigned store user (the representative), when there is one.
    public var representative: StoreUser?
}

extension KioskStore {
    /// Loads one account and everything on it, or nil when no account has that number. For
    /// what needs every row (documents, statements, invoice history, autopay); the hot reads
    /// use ``account(number:slice:)``.
    public func account(number: String) async throws(StoreError) -> StoredAccount? {
        do {
            return try await pool.read { db in try AccountLoader(db: db).load(number: number) }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    /// Loads one account with only the rows `slice` names (see ``AccountSlice``), or nil when
    /// no account has that number. Its figures are the full account's for what the slice
    /// covers, and nothing else may be read from it.
    public func account(number: String, slice: AccountSlice) async throws(StoreError) -> StoredAccount? {
        do {
            return try await pool.read { db in try AccountLoader(db: db).load(number: number, slice: slice) }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    /// How many accounts are stored (for start-up logs and health).
    public func accountCount() async throws(StoreError) -> Int {
        do { return try await pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM account") ?? 0 } }
        catch { throw KioskStore.translate(error, path: path) }
    }
}

/// Rebuilds the domain values from rows; the inverse of the sync writer.
struct AccountLoader {
    let db: Database

    func load(number: String) throws -> StoredAccount? {
        guard let (row, branch) = try header(number: number) else { return nil }
        var account = accountValue(row)
        let key: StatementArguments = [number]
        account.jobs = try jobs(key)
        account.contacts = try contacts(key)
        var invoiceLines = [String: [InvoiceLine]]()
        for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT item, name, amount FROM invoice_line WHERE account = ? ORDER BY item, position"), arguments: key) {
            invoiceLines[r["item"], default: []].append(InvoiceLine(name: r["name"], amount: r["amount"]))
        }
        account.items = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM item WHERE account = ? ORDER BY position"), arguments: key).map { r in
            Item(id: r["id"], kind: ItemKind(rawValue: r["kind"]) ?? .invoice, number: r["number"], job: r["job"],
                 date: try date(r["date"]), dueDate: try (r["due_date"] as String?).map(date), poNumber: r["po_number"],
                 amount: r["amount"], openAmount: r["open_amount"], billed: r["billed"], linkedInvoice: r["linked_invoice"],
                 lines: invoiceLines[r["id"]] ?? [])
        }
        account.sales = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM sale WHERE account = ? ORDER BY position"), arguments: key).map { r in
            Sale(date: try date(r["date"]), job: r["job"], kind: Sale.Kind(rawValue: r["kind"]) ?? .sale, amount: r["amount"],
                 tax: r["tax"], charge: r["charge"], giftCard: r["gift_card"])
        }
        var applications = [String: [ProcessedPayment.Application]]()
        for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT payment, item, amount FROM payment_application WHERE account = ? ORDER BY payment, position"), arguments: key) {
            applications[r["payment"], default: []].append(.init(item: r["item"], amount: r["amount"]))
        }
        account.payments = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM processed_payment WHERE account = ? ORDER BY position"), arguments: key).map { r in
            ProcessedPayment(id: r["id"], job: r["job"], date: try date(r["date"]), amount: r["amount"], method: r["method"],
                             applied: applications[r["id"]] ?? [])
        }
        account.cardsOnFile = try cardsOnFile(key)
        // None stored reads as nil, as a document without the member: an account reads back
        // exactly as it was sent.
        let rules = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM autopay_rule WHERE account = ? ORDER BY position"), arguments: key).map { r in
            let id: String = r["method_id"]
            let criteria = try JSONDecoder().decode([AutopayCriterion].self, from: Data((r["criteria"] as String).utf8))
            return AutopayRule(id: r["id"], position: r["position"], method: (r["method_kind"] as String) == "bank_account" ? .bankAccount(id) : .cardOnFile(id),
                               enabled: r["enabled"], locked: r["locked"], criteria: criteria)
        }
        account.autopayRules = rules.isEmpty ? nil : rules
        account.bankAccountsOnFile = try bankAccountsOnFile(key)
        var statementLines = [Int: [StatementLine]]()
        for r in try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM statement_line WHERE account = ? ORDER BY statement, position"), arguments: key) {
            guard let kind = ItemKind(rawValue: r["kind"]) else {
                throw StoreError.corrupt(path: "", detail: "unknown statement line kind in the database")
            }
            statementLines[r["statement"], default: []].append(
                StatementLine(date: try date(r["date"]), kind: kind, number: r["number"], amount: r["amount"]))
        }
        account.statements = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM statement WHERE account = ? ORDER BY position"), arguments: key).map { r in
            var aging: StatementAging?
            if let current = r["aging_current"] as Int?, let d30 = r["aging_1_30"] as Int?, let d60 = r["aging_31_60"] as Int?,
               let d90 = r["aging_61_90"] as Int?, let over = r["aging_over_90"] as Int? {
                aging = StatementAging(current: current, days1to30: d30, days31to60: d60, days61to90: d90, over90: over)
            }
            return Statement(number: r["number"], issuedAt: Instant(r["issued_at"] as String) ?? Instant(Date(timeIntervalSince1970: 0)),
                             job: r["job"], openingBalance: r["opening_balance"], closingBalance: r["closing_balance"], aging: aging,
                             lines: statementLines[r["position"]] ?? [])
        }
        return try stored(account, row: row, branch: branch)
    }

    func jobs(_ key: StatementArguments) throws -> [Job] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT number, name FROM job WHERE account = ? ORDER BY number"), arguments: key)
            .map { Job(number: $0[0], name: $0[1]) }
    }

    func contacts(_ key: StatementArguments) throws -> [Contact] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM contact WHERE account = ? ORDER BY position"), arguments: key)
            .map { Contact(id: $0["id"], name: $0["name"], email: $0["email"], profile: $0["profile"], revoked: $0["revoked"], pinHash: $0["pin_hash"]) }
    }

    func cardsOnFile(_ key: StatementArguments) throws -> [CardOnFile] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM card_on_file WHERE account = ? ORDER BY position"), arguments: key).map { r in
            CardOnFile(id: r["id"], job: r["job"], description: r["description"], token: r["token"], brand: r["brand"],
                       last4: r["last4"], expiry: r["expiry"])
        }
    }

    func bankAccountsOnFile(_ key: StatementArguments) throws -> [BankAccountOnFile] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM bank_account_on_file WHERE account = ? ORDER BY position"), arguments: key).map { r in
            BankAccountOnFile(id: r["id"], job: r["job"], description: r["description"], token: r["token"], last4: r["last4"], accountType: r["account_type"])
        }
    }

    /// The account's row and its branch: what every read starts from.
    func header(number: String) throws -> (Row, Branch)? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM account WHERE number = ?"), arguments: [number]),
              let branch = try loadBranch(id: row["branch"]) else { return nil }
        return (row, branch)
    }

    /// The account's own fields and its jobs (every scope is resolved from them).
    func accountValue(_ row: Row) -> Account {
        let address = [row["address_1"] as String?, row["address_2"] as String?].compactMap { $0 }
        return Account(
            number: row["number"], name: row["name"], company: row["company"], address: address, city: row["city"],
            region: row["region"], postalCode: row["postal_code"], country: row["country"], phone: row["phone"],
            branch: row["branch"], creditLimit: row["credit_limit"], pendingTransactions: row["pending_transactions"],
            receivablesType: ReceivablesType(rawValue: row["receivables_type"]) ?? .openItem,
            billingType: BillingType(rawValue: row["billing_type"]) ?? .account,
            assignedUser: row["assigned_user"],
            links: AccountLinks(erp: row["link_erp"], accounting: row["link_accounting"], gateway: row["link_gateway"]))
    }

    /// The finished value, with the representative.
    func stored(_ account: Account, row: Row, branch: Branch) throws -> StoredAccount {
        let representative = try (row["assigned_user"] as String?).flatMap { try loadUser(id: $0) }
        return StoredAccount(account: account, currency: row["currency"], branch: branch, representative: representative)
    }

    func date(_ text: String) throws -> LocalDate {
        guard let value = LocalDate(text) else { throw StoreError.corrupt(path: "", detail: "bad date \(text) in the database") }
        return value
    }

    func loadBranch(id: String) throws -> Branch? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM branch WHERE id = ?"), arguments: [id]).map { r in
            Branch(id: r["id"], name: r["name"], timeZone: r["time_zone"], acceptOnlinePayments: r["accept_online_payments"],
                   payFinanceChargesFirst: r["pay_finance_charges_first"], terms: r["terms"], notifyEmail: r["notify_email"],
                   notifyUser: r["notify_user"])
        }
    }

    func loadUser(id: String) throws -> StoreUser? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM store_user WHERE id = ?"), arguments: [id]).map { r in
            let notify = (try? JSONDecoder().decode([String].self, from: Data((r["notify"] as String).utf8))) ?? []
            return StoreUser(id: r["id"], firstName: r["first_name"], lastName: r["last_name"], email: r["email"], cell: r["cell"],
                             notify: notify.compactMap(StoreUser.NotifyMethod.init(rawValue:)))
        }
    }
}
