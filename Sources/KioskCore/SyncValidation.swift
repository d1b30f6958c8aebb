import Foundation

extension SyncDocument {
    /// Checks every rule a decoder cannot: references, uniqueness, signs, jobs, formats.
    /// Throws the first problem in document order, so a fix-and-retry loop converges.
    public func validate(known: KnownReferences = KnownReferences()) throws(SyncDocumentError) {
        let references = try validateHeader(known: known)
        var numbers = Set<String>()
        for (i, account) in accounts.enumerated() {
            try account.validate(index: i, references: references, numbers: &numbers)
        }
    }

    /// Checks everything but the accounts (currency, users, branches, profiles, receivables
    /// manager) and returns the ids the accounts may refer to: what the kiosk stores plus what
    /// this document adds. A streamed document validates its accounts one at a time with them.
    public func validateHeader(known: KnownReferences = KnownReferences()) throws(SyncDocumentError) -> KnownReferences {
        func fail(_ path: String, _ problem: String) -> SyncDocumentError { SyncDocumentError(path: path, problem: problem) }

        guard currency.utf8.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }),
              SyncLimits.isoCurrencyCodes.contains(currency) else {
            throw fail("currency", "expected an ISO 4217 currency code such as USD")
        }
        var branchIds = known.branches, userIds = known.users, profileIds = known.profiles
        var seen = Set<String>()
        for (i, user) in users.enumerated() {
            guard !user.id.isEmpty else { throw fail("users[\(i)].id", "must not be empty") }
            guard seen.insert(user.id).inserted else { throw fail("users[\(i)].id", "another user has the same id") }
            userIds.insert(user.id)
        }
        seen.removeAll()
        for (i, branch) in branches.enumerated() {
            let path = "branches[\(i)]"
            guard !branch.id.isEmpty else { throw fail("\(path).id", "must not be empty") }
            guard seen.insert(branch.id).inserted else { throw fail("\(path).id", "another branch has the same id") }
            guard TimeZone(identifier: branch.timeZone) != nil, branch.timeZone.contains("/") || branch.timeZone == "UTC" else {
                throw fail("\(path).time_zone", "not a known time zone (expected an IANA name such as America/Chicago)")
            }
            if let notify = branch.notifyUser, !userIds.contains(notify) {
                throw fail("\(path).notify_user", "names no user of this document or of the kiosk")
            }
            branchIds.insert(branch.id)
        }
        seen.removeAll()
        for (i, profile) in profiles.enumerated() {
            guard !profile.id.isEmpty else { throw fail("profiles[\(i)].id", "must not be empty") }
            guard seen.insert(profile.id).inserted else { throw fail("profiles[\(i)].id", "another profile has the same id") }
            profileIds.insert(profile.id)
        }
        if let manager = receivablesManager, !userIds.contains(manager) {
            throw fail("receivables_manager", "names no user of this document or of the kiosk")
        }
        return KnownReferences(branches: branchIds, users: userIds, profiles: profileIds)
    }
}

extension Account {
    /// Validates the document's account number `index` (its path is `accounts[index]`) against
    /// the ids `validateHeader` returned; `numbers` holds the numbers of the accounts before
    /// it, so a repeated number is refused at the second one.
    public func validate(index: Int, references: KnownReferences, numbers: inout Set<String>) throws(SyncDocumentError) {
        try validate(path: "accounts[\(index)]", branches: references.branches, users: references.users, profiles: references.profiles)
        guard numbers.insert(number).inserted else {
            throw SyncDocumentError(path: "accounts[\(index)].number", problem: "another account has the same number")
        }
    }
}

/// Bounds that keep every figure inside 64-bit arithmetic, whatever a document holds.
///
/// The largest sum a figure takes is five list totals (credit available); with at most
/// 100,000 records of at most 10^13 minor units each, every total stays below 10^18 and the
/// whole expression below 5·10^18 < Int64.max, so no figure can overflow and trap.
public enum SyncLimits {
    /// 10^13 minor units: a hundred billion dollars, far above any real invoice or limit.
    public static let maximumAmount = 10_000_000_000_000
    /// The most records in any one list of an account (items, sales, payments, …).
    public static let maximumRecords = 100_000
    /// ISO 4217 codes (current and historic) known to Foundation.
    static let isoCurrencyCodes: Set<String> = Set(Locale.Currency.isoCurrencies.map(\.identifier))
}

extension Account {
    func validate(path: String, branches: Set<String>, users: Set<String>, profiles: Set<String>) throws(SyncDocumentError) {
        func fail(_ sub: String, _ problem: String) -> SyncDocumentError { SyncDocumentError(path: "\(path).\(sub)", problem: problem) }
        func checkAmount(_ value: Int, _ sub: String, signed: Bool = false) throws(SyncDocumentError) {
            guard value.magnitude <= UInt(SyncLimits.maximumAmount) else {
                throw fail(sub, "more than 10,000,000,000,000 minor units; no real amount is this large")
            }
            if !signed && value < 0 { throw fail(sub, "must not be negative") }
        }
        let lists: [(String, Int)] = [("jobs", jobs.count), ("contacts", contacts.count), ("items", items.count),
                                      ("sales", sales.count), ("payments", payments.count),
                                      ("cards_on_file", cardsOnFile.count), ("statements", statements.count)]
        for (name, count) in lists where count > SyncLimits.maximumRecords {
            throw fail(name, "more than \(SyncLimits.maximumRecords) records for one account")
        }
        try checkAmount(creditLimit, "credit_limit")
        try checkAmount(pendingTransactions, "pending_transactions")

        guard !number.isEmpty, number.utf8.count <= 64 else { throw fail("number", "must be 1 to 64 characters") }
        guard address.count <= 2 else { throw fail("address", "at most two address lines") }
        guard branches.contains(branch) else { throw fail("branch", "names no branch of this document or of the kiosk") }
        if let user = assignedUser, !users.contains(user) { throw fail("assigned_user", "names no user of this document or of the kiosk") }

        // Jobs: job-billed accounts list theirs (job 0 is the master job); others have none.
        var jobNumbers = Set<Int>()
        switch billingType {
        case .job:
            guard !jobs.isEmpty else { throw fail("jobs", "a job-billed account needs at least one job (job 0 is the master job)") }
            for (j, job) in jobs.enumerated() {
                guard job.number >= 0 else { throw fail("jobs[\(j)].number", "must not be negative") }
                guard jobNumbers.insert(job.number).inserted else { throw fail("jobs[\(j)].number", "another job has the same number") }
            }
        case .account:
            guard jobs.isEmpty else { throw fail("jobs", "an account billed by account has no jobs") }
        }
        // `required`: items, sales and payments of a job-billed account name their job.
        func checkJob(_ job: Int?, _ sub: String, required: Bool) throws(SyncDocumentError) {
            switch (billingType, job) {
            case (.account, .some): throw fail(sub, "must be null: the account is billed by account")
            case (.job, .none): if required { throw fail(sub, "missing: the account is billed by job") }
            case (.job, .some(let n)): guard jobNumbers.contains(n) else { throw fail(sub, "names no job of this account") }
            case (.account, .none): break
            }
        }

        var contactIds = Set<String>()
        for (c, contact) in contacts.enumerated() {
            guard contactIds.insert(contact.id).inserted else { throw fail("contacts[\(c)].id", "another contact has the same id") }
            guard profiles.contains(contact.profile) else { throw fail("contacts[\(c)].profile", "names no profile of this document or of the kiosk") }
            if let hash = contact.pinHash, let problem = PINHashFormat.problem(hash) {
                throw fail("contacts[\(c)].pin_hash", problem)
            }
        }

        var itemKinds = [String: ItemKind]()
        for (n, item) in items.enumerated() {
            let sub = "items[\(n)]"
            guard !item.id.isEmpty else { throw fail("\(sub).id", "must not be empty") }
            guard itemKinds[item.id] == nil else { throw fail("\(sub).id", "another item of this account has the same id") }
            itemKinds[item.id] = item.kind
            try checkJob(item.job, "\(sub).job", required: true)
            guard item.amount >= 0 else { throw fail("\(sub).amount", "must not be negative (the kind gives the sign)") }
            try checkAmount(item.amount, "\(sub).amount")
            guard item.openAmount >= 0 else { throw fail("\(sub).open_amount", "must not be negative") }
            guard item.openAmount <= item.amount else { throw fail("\(sub).open_amount", "more than the item's amount") }
            if item.linkedInvoice != nil && item.kind != .creditMemo {
                throw fail("\(sub).linked_invoice", "only a credit memo may be linked to an invoice")
            }
            if !item.lines.isEmpty {
                guard item.kind == .invoice else { throw fail("\(sub).lines", "only an invoice has lines") }
                guard item.lines.count <= SyncLimits.maximumRecords else {
                    throw fail("\(sub).lines", "more than \(SyncLimits.maximumRecords) records")
                }
                for (l, line) in item.lines.enumerated() {
                    guard InvoiceLine.nameLength.contains(line.name.count) else {
                        throw fail("\(sub).lines[\(l)].name", "must be 1 to 200 characters")
                    }
                    try checkAmount(line.amount, "\(sub).lines[\(l)].amount", signed: true)
                }
            }
        }
        for (n, item) in items.enumerated() {
            if let target = item.linkedInvoice, itemKinds[target] != .invoice {
                throw fail("items[\(n)].linked_invoice", "names no invoice of this account")
            }
        }
        for (n, sale) in sales.enumerated() {
            try checkJob(sale.job, "sales[\(n)].job", required: true)
            if sale.kind == .sale && sale.amount < 0 { throw fail("sales[\(n)].amount", "a sale must not be negative (use an adjustment)") }
            try checkAmount(sale.amount, "sales[\(n)].amount", signed: true)
            try checkAmount(sale.tax, "sales[\(n)].tax")
        }
        var paymentIds = Set<String>()
        for (n, payment) in payments.enumerated() {
            guard paymentIds.insert(payment.id).inserted else { throw fail("payments[\(n)].id", "another payment of this account has the same id") }
            try checkJob(payment.job, "payments[\(n)].job", required: true)
            try checkAmount(payment.amount, "payments[\(n)].amount")
            guard payment.applied.count <= SyncLimits.maximumRecords else {
                throw fail("payments[\(n)].applied", "more than \(SyncLimits.maximumRecords) records")
            }
            for (a, application) in payment.applied.enumerated() {
                try checkAmount(application.amount, "payments[\(n)].applied[\(a)].amount")
            }
        }
        var cardIds = Set<String>()
        for (n, card) in cardsOnFile.enumerated() {
            let sub = "cards_on_file[\(n)]"
            guard cardIds.insert(card.id).inserted else { throw fail("\(sub).id", "another card on file has the same id") }
            try checkJob(card.job, "\(sub).job", required: false)
            guard card.last4.utf8.count == 4, card.last4.allSatisfy(\.isASCIIDigit) else { throw fail("\(sub).last4", "expected four digits") }
            guard CardExpiry(card.expiry) != nil else { throw fail("\(sub).expiry", "expected YYYY-MM") }
            guard !card.token.isEmpty else { throw fail("\(sub).token", "must not be empty") }
            // A description is shown on screen: refuse anything that looks like a full card number.
            if containsCardNumberLikeRun(card.description) {
                throw fail("\(sub).description", "looks like it contains a card number; describe the card as \"CARD ENDING IN 1234\"")
            }
        }
        guard bankAccountsOnFile.count <= SyncLimits.maximumRecords else {
            throw fail("bank_accounts_on_file", "more than \(SyncLimits.maximumRecords) records for one account")
        }
        for (n, bank) in bankAccountsOnFile.enumerated() {
            let sub = "bank_accounts_on_file[\(n)]"
            guard cardIds.insert(bank.id).inserted else { throw fail("\(sub).id", "another card or bank account on file has the same id") }
            try checkJob(bank.job, "\(sub).job", required: false)
            guard bank.last4.utf8.count == 4, bank.last4.allSatisfy(\.isASCIIDigit) else { throw fail("\(sub).last4", "expected four digits") }
            guard !bank.token.isEmpty else { throw fail("\(sub).token", "must not be empty") }
            // Shown on screen: a long digit run may be an account or routing number.
            if PaymentMethodRules.hasLongDigitRun(bank.description) {
                throw fail("\(sub).description", "has a run of 6 or more digits (an account or routing number?); describe it as \"ACCOUNT ENDING 6789\"")
            }
            if let type = bank.accountType, !PaymentMethodRules.accountTypes.contains(type) {
                throw fail("\(sub).account_type", "expected checking or savings")
            }
        }
        try validateAutopayRules(path: path, jobs: jobNumbers)
        var statementNumbers = Set<String>()
        for (n, statement) in statements.enumerated() {
            let sub = "statements[\(n)]"
            // `statement.get` finds a statement by its number, so one number names one statement.
            guard !statement.number.isEmpty else { throw fail("\(sub).number", "must not be empty") }
            guard statementNumbers.insert(statement.number).inserted else {
                throw fail("\(sub).number", "another statement of this account has the same number")
            }
            try checkJob(statement.job, "\(sub).job", required: false)
            if let opening = statement.openingBalance { try checkAmount(opening, "\(sub).opening_balance", signed: true) }
            if let closing = statement.closingBalance { try checkAmount(closing, "\(sub).closing_balance", signed: true) }
            for (key, amount) in statement.aging?.buckets ?? [] { try checkAmount(amount, "\(sub).aging.\(key)", signed: true) }
            guard statement.lines.count <= SyncLimits.maximumRecords else {
                throw fail("\(sub).lines", "more than \(SyncLimits.maximumRecords) records")
            }
            for (l, line) in statement.lines.enumerated() {
                guard line.amount >= 0 else { throw fail("\(sub).lines[\(l)].amount", "must not be negative (the kind gives the sign)") }
                try checkAmount(line.amount, "\(sub).lines[\(l)].amount")
            }
        }
    }
}

/// A card's expiry month, `YYYY-MM`.
public struct CardExpiry: Equatable, Sendable {
    public let year: Int
    public let month: Int
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
              let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return nil }
        year = y; month = m
    }
}

/// The parts of a PHC-style PBKDF2-SHA256 PIN hash.
public struct PINHashFormat: Equatable, Sendable {
    public let iterations: Int
    public let salt: [UInt8]
    public let key: [UInt8]

    public static let iterationRange = 1_000...10_000_000

    /// Parses `$pbkdf2-sha256$i=N$SALT$KEY` (standard base64, no padding, 32-byte key).
    public static func parse(_ text: String) -> PINHashFormat? {
        switch check(text) {
        case .success(let value): return value
        case .failure: return nil
        }
    }

    /// What is wrong with a PIN hash string, as a sentence that never repeats the hash; nil when it is well formed.
    public static func problem(_ text: String) -> String? {
        switch check(text) {
        case .success: return nil
        case .failure(let reason): return reason.text
        }
    }

    private struct Reason: Error { let text: String }

    private static func check(_ text: String) -> Result<PINHashFormat, Reason> {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "pbkdf2-sha256", parts[2].hasPrefix("i=") else {
            return .failure(Reason(text: "expected $pbkdf2-sha256$i=N$SALT$KEY"))
        }
        guard let n = Int(parts[2].dropFirst(2)), iterationRange.contains(n) else {
            return .failure(Reason(text: "the iteration count must be a whole number from \(iterationRange.lowerBound) to \(iterationRange.upperBound)"))
        }
        guard let salt = decodeUnpadded(String(parts[3])), salt.count >= 8 else {
            return .failure(Reason(text: "the salt must be at least 8 bytes of standard base64 without padding"))
        }
        guard let key = decodeUnpadded(String(parts[4])), key.count == 32 else {
            return .failure(Reason(text: "the key must be 32 bytes of standard base64 without padding"))
        }
        return .success(PINHashFormat(iterations: n, salt: salt, key: key))
    }

    private static func decodeUnpadded(_ text: String) -> [UInt8]? {
        guard !text.isEmpty, !text.contains("=") else { return nil }
        let padded = text + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }
}

/// True when `text` holds a run of 13 or more digits (spaces and dashes allowed between them).
public func containsCardNumberLikeRun(_ text: String) -> Bool {
    var digits = 0
    for ch in text {
        if ch.isASCIIDigit { digits += 1; if digits >= 13 { return true } }
        else if ch == " " || ch == "-" { continue }
        else { digits = 0 }
    }
    return false
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
