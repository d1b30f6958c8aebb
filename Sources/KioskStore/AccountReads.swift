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
    /// Loads one account and everything on it, or nil when no account has that number.
    public func account(number: String) async throws(StoreError) -> StoredAccount? {
        do {
            return try await pool.read { db in try AccountLoader(db: db).load(number: number) }
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
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM account WHERE number = ?", arguments: [number]) else { return nil }
        guard let branch = try loadBranch(id: row["branch"]) else { return nil }
        let address = [row["address_1"] as String?, row["address_2"] as String?].compactMap { $0 }
        var account = Account(
            number: row["number"], name: row["name"], company: row["company"], address: address, city: row["city"],
            region: row["region"], postalCode: row["postal_code"], country: row["country"], phone: row["phone"],
            branch: row["branch"], creditLimit: row["credit_limit"], pendingTransactions: row["pending_transactions"],
            receivablesType: ReceivablesType(rawValue: row["receivables_type"]) ?? .openItem,
            billingType: BillingType(rawValue: row["billing_type"]) ?? .account,
            assignedUser: row["assigned_user"],
            links: AccountLinks(erp: row["link_erp"], accounting: row["link_accounting"], gateway: row["link_gateway"]))
        let key: StatementArguments = [number]
        account.jobs = try Row.fetchAll(db, sql: "SELECT number, name FROM job WHERE account = ? ORDER BY number", arguments: key)
            .map { Job(number: $0["number"], name: $0["name"]) }
        account.contacts = try Row.fetchAll(db, sql: "SELECT * FROM contact WHERE account = ? ORDER BY position", arguments: key)
            .map { Contact(id: $0["id"], name: $0["name"], email: $0["email"], profile: $0["profile"], revoked: $0["revoked"], pinHash: $0["pin_hash"]) }
        var invoiceLines = [String: [InvoiceLine]]()
        for r in try Row.fetchAll(db, sql: "SELECT item, name, amount FROM invoice_line WHERE account = ? ORDER BY item, position", arguments: key) {
            invoiceLines[r["item"], default: []].append(InvoiceLine(name: r["name"], amount: r["amount"]))
        }
        account.items = try Row.fetchAll(db, sql: "SELECT * FROM item WHERE account = ? ORDER BY position", arguments: key).map { r in
            Item(id: r["id"], kind: ItemKind(rawValue: r["kind"]) ?? .invoice, number: r["number"], job: r["job"],
                 date: try date(r["date"]), dueDate: try (r["due_date"] as String?).map(date), poNumber: r["po_number"],
                 amount: r["amount"], openAmount: r["open_amount"], billed: r["billed"], linkedInvoice: r["linked_invoice"],
                 lines: invoiceLines[r["id"]] ?? [])
        }
        account.sales = try Row.fetchAll(db, sql: "SELECT * FROM sale WHERE account = ? ORDER BY position", arguments: key).map { r in
            Sale(date: try date(r["date"]), job: r["job"], kind: Sale.Kind(rawValue: r["kind"]) ?? .sale, amount: r["amount"],
                 tax: r["tax"], charge: r["charge"], giftCard: r["gift_card"])
        }
        var applications = [String: [ProcessedPayment.Application]]()
        for r in try Row.fetchAll(db, sql: "SELECT payment, item, amount FROM payment_application WHERE account = ? ORDER BY payment, position", arguments: key) {
            applications[r["payment"], default: []].append(.init(item: r["item"], amount: r["amount"]))
        }
        account.payments = try Row.fetchAll(db, sql: "SELECT * FROM processed_payment WHERE account = ? ORDER BY position", arguments: key).map { r in
            ProcessedPayment(id: r["id"], job: r["job"], date: try date(r["date"]), amount: r["amount"], method: r["method"],
                             applied: applications[r["id"]] ?? [])
        }
        account.cardsOnFile = try Row.fetchAll(db, sql: "SELECT * FROM card_on_file WHERE account = ? ORDER BY position", arguments: key).map { r in
            CardOnFile(id: r["id"], job: r["job"], description: r["description"], token: r["token"], brand: r["brand"],
                       last4: r["last4"], expiry: r["expiry"])
        }
        // None stored reads as nil, as a document without the member: an account reads back
        // exactly as it was sent.
        let rules = try Row.fetchAll(db, sql: "SELECT * FROM autopay_rule WHERE account = ? ORDER BY position", arguments: key).map { r in
            let id: String = r["method_id"]
            let criteria = try JSONDecoder().decode([AutopayCriterion].self, from: Data((r["criteria"] as String).utf8))
            return AutopayRule(id: r["id"], position: r["position"], method: (r["method_kind"] as String) == "bank_account" ? .bankAccount(id) : .cardOnFile(id),
                               enabled: r["enabled"], locked: r["locked"], criteria: criteria)
        }
        account.autopayRules = rules.isEmpty ? nil : rules
        account.bankAccountsOnFile = try Row.fetchAll(db, sql: "SELECT * FROM bank_account_on_file WHERE account = ? ORDER BY position", arguments: key).map { r in
            BankAccountOnFile(id: r["id"], job: r["job"], description: r["description"], token: r["token"], last4: r["last4"], accountType: r["account_type"])
        }
        var statementLines = [Int: [StatementLine]]()
        for r in try Row.fetchAll(db, sql: "SELECT * FROM statement_line WHERE account = ? ORDER BY statement, position", arguments: key) {
            guard let kind = ItemKind(rawValue: r["kind"]) else {
                throw StoreError.corrupt(path: "", detail: "unknown statement line kind in the database")
            }
            statementLines[r["statement"], default: []].append(
                StatementLine(date: try date(r["date"]), kind: kind, number: r["number"], amount: r["amount"]))
        }
        account.statements = try Row.fetchAll(db, sql: "SELECT * FROM statement WHERE account = ? ORDER BY position", arguments: key).map { r in
            var aging: StatementAging?
            if let current = r["aging_current"] as Int?, let d30 = r["aging_1_30"] as Int?, let d60 = r["aging_31_60"] as Int?,
               let d90 = r["aging_61_90"] as Int?, let over = r["aging_over_90"] as Int? {
                aging = StatementAging(current: current, days1to30: d30, days31to60: d60, days61to90: d90, over90: over)
            }
            return Statement(number: r["number"], issuedAt: Instant(r["issued_at"] as String) ?? Instant(Date(timeIntervalSince1970: 0)),
                             job: r["job"], openingBalance: r["opening_balance"], closingBalance: r["closing_balance"], aging: aging,
                             lines: statementLines[r["position"]] ?? [])
        }
        let representative = try (row["assigned_user"] as String?).flatMap { try loadUser(id: $0) }
        return StoredAccount(account: account, currency: row["currency"], branch: branch, representative: representative)
    }

    private func date(_ text: String) throws -> LocalDate {
        guard let value = LocalDate(text) else { throw StoreError.corrupt(path: "", detail: "bad date \(text) in the database") }
        return value
    }

    func loadBranch(id: String) throws -> Branch? {
        try Row.fetchOne(db, sql: "SELECT * FROM branch WHERE id = ?", arguments: [id]).map { r in
            Branch(id: r["id"], name: r["name"], timeZone: r["time_zone"], acceptOnlinePayments: r["accept_online_payments"],
                   payFinanceChargesFirst: r["pay_finance_charges_first"], terms: r["terms"], notifyEmail: r["notify_email"],
                   notifyUser: r["notify_user"])
        }
    }

    func loadUser(id: String) throws -> StoreUser? {
        try Row.fetchOne(db, sql: "SELECT * FROM store_user WHERE id = ?", arguments: [id]).map { r in
            let notify = (try? JSONDecoder().decode([String].self, from: Data((r["notify"] as String).utf8))) ?? []
            return StoreUser(id: r["id"], firstName: r["first_name"], lastName: r["last_name"], email: r["email"], cell: r["cell"],
                             notify: notify.compactMap(StoreUser.NotifyMethod.init(rawValue:)))
        }
    }
}
