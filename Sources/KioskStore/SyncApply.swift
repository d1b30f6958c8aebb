import Foundation
import GRDB
import KioskCore

/// What applying a sync document did, per kind of record.
public struct SyncOutcome: Sendable, Equatable {
    public struct Counts: Sendable, Equatable {
        public var inserted = 0, updated = 0, unchanged = 0
        public init() {}
    }
    public var branches = Counts(), users = Counts(), profiles = Counts(), accounts = Counts()
    /// Child rows written for changed accounts.
    public var rowsWritten = 0
    /// Payments the autopay run made after the document was written.
    public var autopayPayments = 0
    /// The document's as_of.
    public var asOf: Instant?
    public init() {}
}

extension KioskStore {
    /// Ids already stored, which a partial document may refer to.
    public func knownReferences() async throws(StoreError) -> KnownReferences {
        do { return try await pool.read { db in try Self.knownReferences(db) } } catch { throw KioskStore.translate(error, path: path) }
    }

    static func knownReferences(_ db: Database) throws -> KnownReferences {
        KnownReferences(branches: Set(try String.fetchAll(db, sql: "SELECT id FROM branch")),
                        users: Set(try String.fetchAll(db, sql: "SELECT id FROM store_user")),
                        profiles: Set(try String.fetchAll(db, sql: "SELECT id FROM profile")))
    }

    /// Validates `document` against what is stored and applies it in ONE transaction.
    ///
    /// Accounts whose content did not change are left untouched, so applying the same document
    /// twice changes nothing. A document older than the stored one is refused, so a late
    /// retry cannot roll the kiosk's figures back.
    ///
    /// `autopayKiosk`: this kiosk's id, to run the autopay rules of the accounts the document
    /// carries in the same transaction (DOMAIN.md "Autopay rules": a run on each sync apply);
    /// nil runs none (tools and tests that only load data).
    public func apply(_ document: SyncDocument, audit: AuditEntry?, autopayKiosk: String? = nil) async throws(StoreError) -> SyncOutcome {
        do {
            return try await pool.write { db in
                if let stored = try String.fetchOne(db, sql: "SELECT as_of FROM sync_state WHERE id = 1"),
                   let storedInstant = Instant(stored), document.asOf < storedInstant {
                    throw StoreError.olderDocument(stored: stored, received: document.asOf.description)
                }
                let known = try Self.knownReferences(db)
                do throws(SyncDocumentError) { try document.validate(known: known) } catch {
                    throw StoreError.invalidDocument(error)
                }
                var outcome = SyncOutcome()
                try SyncWriter(db: db, document: document).write(into: &outcome)
                try Self.finishApply(db, document: document, carried: document.accounts.map(\.number), outcome: &outcome,
                                     audit: audit, autopayKiosk: autopayKiosk)
                return outcome
            }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    /// After the rows of `document` (a header alone when streamed; `carried` its account
    /// numbers) were written, same transaction: the kiosk's own changes on top, the autopay
    /// run, the stored as_of, the audit row.
    static func finishApply(_ db: Database, document: SyncDocument, carried: [String], outcome: inout SyncOutcome,
                            audit: AuditEntry?, autopayKiosk: String?) throws {
        outcome.asOf = document.asOf
        // Changes made here that the back office has not caught up with go back on top,
        // in this transaction (SYNC.md "Changes made at the kiosk").
        let changes = try KioskChanges.reapply(db, carried: Set(carried), asOf: document.asOf, now: Date())
        if let autopayKiosk {
            // Only accounts with rules can make a payment (AutopayRun.run returns none for the
            // others, after loading the whole account: 10,000 loads were most of a re-apply).
            let withRules = Set(try String.fetchAll(db, sql: "SELECT DISTINCT account FROM autopay_rule"))
            for account in carried where withRules.contains(account) {
                outcome.autopayPayments += try AutopayRun.run(db, account: account, now: Date(), kioskID: autopayKiosk, reason: "sync as of \(document.asOf)").count
            }
        }
        try db.execute(sql: """
            INSERT INTO sync_state (id, as_of, currency, receivables_manager, applied_at) VALUES (1, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET as_of = excluded.as_of, currency = excluded.currency,
                receivables_manager = COALESCE(excluded.receivables_manager, sync_state.receivables_manager),
                applied_at = excluded.applied_at
            """, arguments: [document.asOf.description, document.currency, document.receivablesManager,
                             Instant(Date()).description])
        if var audit {
            audit.detail = "as_of=\(document.asOf) accounts: \(outcome.accounts.inserted) inserted, \(outcome.accounts.updated) updated, \(outcome.accounts.unchanged) unchanged"
            if changes != KioskChangeOutcome() {
                audit.detail += "; kiosk changes: \(changes.reapplied) kept, \(changes.superseded) superseded, \(changes.dropped) dropped"
            }
            try audit.insert(db)
        }
    }
}

/// Writes one validated document's rows inside the caller's transaction. A streamed document
/// (SyncStreamApply) is a header `document` without accounts, its accounts written one by one.
struct SyncWriter {
    let db: Database
    let document: SyncDocument

    func write(into outcome: inout SyncOutcome) throws {
        try writeHeader(into: &outcome)
        for account in document.accounts {
            let fingerprint = try Self.legacyFingerprint(account, currency: document.currency)
            let stored = try String.fetchOne(db, sql: "SELECT fingerprint FROM account WHERE number = ?", arguments: [account.number])
            if stored == fingerprint { outcome.accounts.unchanged += 1; continue }
            outcome.rowsWritten += try writeAccount(account, fingerprint: fingerprint, exists: stored != nil)
            if stored == nil { outcome.accounts.inserted += 1 } else { outcome.accounts.updated += 1 }
        }
    }

    /// Users, profiles and branches (before the accounts that name them).
    func writeHeader(into outcome: inout SyncOutcome) throws {
        for user in document.users { count(try upsertUser(user), &outcome.users) }
        for profile in document.profiles { count(try upsertProfile(profile), &outcome.profiles) }
        for branch in document.branches { count(try upsertBranch(branch), &outcome.branches) }
    }

    /// The fingerprint of an account decoded from a document (`Fingerprint`, FNV over its
    /// canonical encoding with sorted keys, then the currency): what `apply(_ document:)`
    /// stores, and what kiosks before streaming sync stored (AccountFingerprint).
    static func legacyFingerprint(_ account: Account, currency: String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var data = try encoder.encode(account)
        data.append(contentsOf: Array(currency.utf8))
        return Fingerprint.of(data)
    }

    private enum Change { case inserted, updated, unchanged }

    private func count(_ change: Change, _ counts: inout SyncOutcome.Counts) {
        switch change {
        case .inserted: counts.inserted += 1
        case .updated: counts.updated += 1
        case .unchanged: counts.unchanged += 1
        }
    }

    private func json(_ strings: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(strings)) ?? Data("[]".utf8), as: UTF8.self)
    }

    private func upsert(table: String, id: String, columns: [String], values: [DatabaseValueConvertible?]) throws -> Change {
        let current = try Row.fetchOne(db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) WHERE id = ?", arguments: [id])
        let arguments = StatementArguments(values)
        if let current {
            let same = zip(columns.indices, values).allSatisfy { index, value in
                current[index] as DatabaseValue == (value?.databaseValue ?? .null)
            }
            if same { return .unchanged }
            let assignments = columns.map { "\($0) = ?" }.joined(separator: ", ")
            try db.execute(sql: "UPDATE \(table) SET \(assignments) WHERE id = ?", arguments: arguments + [id])
            return .updated
        }
        let placeholders = Array(repeating: "?", count: columns.count + 1).joined(separator: ", ")
        try db.execute(sql: "INSERT INTO \(table) (id, \(columns.joined(separator: ", "))) VALUES (\(placeholders))",
                       arguments: [id] + arguments)
        return .inserted
    }

    private func upsertUser(_ u: StoreUser) throws -> Change {
        try upsert(table: "store_user", id: u.id, columns: ["first_name", "last_name", "email", "cell", "notify"],
                   values: [u.firstName, u.lastName, u.email, u.cell, json(u.notify.map(\.rawValue))])
    }

    private func upsertProfile(_ p: Profile) throws -> Change {
        try upsert(table: "profile", id: p.id, columns: ["name", "permissions"], values: [p.name, json(p.permissions.map(\.rawValue))])
    }

    private func upsertBranch(_ b: Branch) throws -> Change {
        try upsert(table: "branch", id: b.id,
                   columns: ["name", "time_zone", "accept_online_payments", "pay_finance_charges_first", "terms", "notify_email", "notify_user"],
                   values: [b.name, b.timeZone, b.acceptOnlinePayments, b.payFinanceChargesFirst, b.terms, b.notifyEmail, b.notifyUser])
    }

    /// Replaces the account's row and all its child rows; returns the child rows written.
    func writeAccount(_ a: Account, fingerprint: String, exists: Bool) throws -> Int {
        let header: [DatabaseValueConvertible?] = [
            a.name, a.company, a.address.first, a.address.count > 1 ? a.address[1] : nil, a.city, a.region, a.postalCode,
            a.country, a.phone, a.branch, a.creditLimit, a.pendingTransactions, a.receivablesType.rawValue,
            a.billingType.rawValue, a.assignedUser, a.links.erp, a.links.accounting, a.links.gateway,
            document.currency, fingerprint, document.asOf.description,
        ]
        let columns = ["name", "company", "address_1", "address_2", "city", "region", "postal_code", "country", "phone",
                       "branch", "credit_limit", "pending_transactions", "receivables_type", "billing_type", "assigned_user",
                       "link_erp", "link_accounting", "link_gateway", "currency", "fingerprint", "as_of"]
        if exists {
            for table in ["invoice_line", "statement_line", "payment_application", "processed_payment", "item", "sale", "card_on_file", "bank_account_on_file", "statement", "contact", "job"] {
                try db.execute(sql: "DELETE FROM \(table) WHERE account = ?", arguments: [a.number])
            }
            try db.execute(sql: "UPDATE account SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE number = ?",
                           arguments: StatementArguments(header) + [a.number])
        } else {
            try db.execute(sql: "INSERT INTO account (number, \(columns.joined(separator: ", "))) VALUES (?\(String(repeating: ", ?", count: columns.count)))",
                           arguments: [a.number] + StatementArguments(header))
        }
        var rows = 0
        let job = try db.cachedStatement(sql: "INSERT INTO job (account, number, name) VALUES (?, ?, ?)")
        for j in a.jobs { try job.execute(arguments: [a.number, j.number, j.name]); rows += 1 }
        let contact = try db.cachedStatement(sql: "INSERT INTO contact (account, id, name, email, profile, revoked, pin_hash, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for (i, c) in a.contacts.enumerated() {
            try contact.execute(arguments: [a.number, c.id, c.name, c.email, c.profile, c.revoked, c.pinHash, i]); rows += 1
        }
        let item = try db.cachedStatement(sql: """
            INSERT INTO item (account, id, kind, number, job, date, due_date, po_number, amount, open_amount, billed, linked_invoice, position, pay_order)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let invoiceLine = try db.cachedStatement(sql: "INSERT INTO invoice_line (account, item, position, name, amount) VALUES (?, ?, ?, ?, ?)")
        for (i, t) in a.items.enumerated() {
            try item.execute(arguments: [a.number, t.id, t.kind.rawValue, t.number, t.job, t.date.description, t.dueDate?.description,
                                         t.poNumber, t.amount, t.openAmount, t.billed, t.linkedInvoice, i, Data(PayOrderKey.key(for: t))])
            rows += 1
            for (k, line) in t.lines.enumerated() {
                try invoiceLine.execute(arguments: [a.number, t.id, k, line.name, line.amount]); rows += 1
            }
        }
        let sale = try db.cachedStatement(sql: "INSERT INTO sale (account, position, date, job, kind, amount, tax, charge, gift_card) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (i, s) in a.sales.enumerated() {
            try sale.execute(arguments: [a.number, i, s.date.description, s.job, s.kind.rawValue, s.amount, s.tax, s.charge, s.giftCard])
            rows += 1
        }
        let payment = try db.cachedStatement(sql: "INSERT INTO processed_payment (account, id, job, date, amount, method, position) VALUES (?, ?, ?, ?, ?, ?, ?)")
        let application = try db.cachedStatement(sql: "INSERT INTO payment_application (account, payment, position, item, amount) VALUES (?, ?, ?, ?, ?)")
        for (i, p) in a.payments.enumerated() {
            try payment.execute(arguments: [a.number, p.id, p.job, p.date.description, p.amount, p.method, i]); rows += 1
            for (k, applied) in p.applied.enumerated() {
                try application.execute(arguments: [a.number, p.id, k, applied.item, applied.amount]); rows += 1
            }
        }
        let card = try db.cachedStatement(sql: "INSERT INTO card_on_file (account, id, job, description, token, brand, last4, expiry, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (i, k) in a.cardsOnFile.enumerated() {
            try card.execute(arguments: [a.number, k.id, k.job, k.description, k.token, k.brand, k.last4, k.expiry, i]); rows += 1
        }
        if let rules = a.autopayRules {
            // Present, even empty: the document's rules replace the account's (SYNC.md).
            try db.execute(sql: "DELETE FROM autopay_rule WHERE account = ?", arguments: [a.number])
            let rule = try db.cachedStatement(sql: """
                INSERT INTO autopay_rule (account, id, position, method_kind, method_id, enabled, locked, criteria, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'backoffice')
                """)
            for (i, r) in rules.enumerated() {
                let kind = switch r.method { case .cardOnFile: "card_on_file"; case .bankAccount: "bank_account" }
                let criteria = String(decoding: try JSONEncoder().encode(r.criteria), as: UTF8.self)
                try rule.execute(arguments: [a.number, r.id, i + 1, kind, r.method.id, r.enabled, r.locked, criteria]); rows += 1
            }
        }
        let bank = try db.cachedStatement(sql: "INSERT INTO bank_account_on_file (account, id, job, description, token, last4, account_type, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
        for (i, b) in a.bankAccountsOnFile.enumerated() {
            try bank.execute(arguments: [a.number, b.id, b.job, b.description, b.token, b.last4, b.accountType, i]); rows += 1
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO statement (account, position, number, issued_at, job, opening_balance, closing_balance,
                                   aging_current, aging_1_30, aging_31_60, aging_61_90, aging_over_90)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let statementLine = try db.cachedStatement(sql: "INSERT INTO statement_line (account, statement, position, date, kind, number, amount) VALUES (?, ?, ?, ?, ?, ?, ?)")
        for (i, s) in a.statements.enumerated() {
            try statement.execute(arguments: [a.number, i, s.number, s.issuedAt.description, s.job, s.openingBalance, s.closingBalance,
                                              s.aging?.current, s.aging?.days1to30, s.aging?.days31to60, s.aging?.days61to90,
                                              s.aging?.over90])
            rows += 1
            for (k, line) in s.lines.enumerated() {
                try statementLine.execute(arguments: [a.number, i, k, line.date.description, line.kind.rawValue, line.number, line.amount])
                rows += 1
            }
        }
        return rows
    }
}
