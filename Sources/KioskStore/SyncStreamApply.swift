import Foundation
import GRDB
import KioskCore

extension KioskStore {
    /// Applies a split document (`SyncDocumentStream`) one account at a time, in ONE transaction,
    /// with the same outcome, refusals and sentences as `apply(_ document:)` on the whole
    /// decoded document: only one account is decoded at a time, and an account whose bytes
    /// match its stored fingerprint (AccountFingerprint) is not decoded at all.
    ///
    /// Which refusal wins when a document has several problems is kept as it was when the
    /// whole document was decoded first: not-JSON anywhere, then the first decoding problem,
    /// then the older-document conflict, then the first validation problem in document order.
    /// So after any problem nothing more is written, but the rest is still decoded to look for
    /// a problem that comes first in that order; the transaction is rolled back.
    public func apply(stream: SyncDocumentStream, explain: @escaping SyncDocumentStream.Explain = SyncDocumentStream.plainExplain,
                      audit: AuditEntry?, autopayKiosk: String? = nil,
                      read: (@Sendable (Range<Int>) -> Void)? = nil) async throws(StoreError) -> SyncOutcome {
        do {
            return try await pool.write { db in
                var run = SyncStreamRun(db: db, stream: stream, explain: explain)
                run.read = read
                return try run.apply(audit: audit, autopayKiosk: autopayKiosk)
            }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }
}

/// One streamed apply inside its write transaction.
private struct SyncStreamRun {
    let db: Database
    let stream: SyncDocumentStream
    let explain: SyncDocumentStream.Explain
    /// Told every few MB which bytes were read (the daemon hands a mapped upload's pages back).
    var read: (@Sendable (Range<Int>) -> Void)?

    /// The refusal found so far and its rank (lower wins; equal ranks: the first found wins).
    private var refusal: (rank: Rank, error: StoreError)?
    private enum Rank: Int, Comparable {
        case decoding = 1, stored, validation
        static func < (a: Rank, b: Rank) -> Bool { a.rawValue < b.rawValue }
    }

    init(db: Database, stream: SyncDocumentStream, explain: @escaping SyncDocumentStream.Explain) {
        self.db = db; self.stream = stream; self.explain = explain
    }

    private mutating func note(_ rank: Rank, _ error: StoreError) {
        if let refusal, refusal.rank <= rank { return }
        refusal = (rank, error)
    }

    /// A decoding problem: not-JSON is thrown at once (nothing beats it), others are noted.
    private mutating func noteDecoding(_ problem: SyncDocumentError) throws {
        if problem.isSyntax { throw StoreError.invalidDocument(problem) }
        note(.decoding, .invalidDocument(problem))
    }

    mutating func apply(audit: AuditEntry?, autopayKiosk: String?) throws -> SyncOutcome {
        var header: SyncDocument?
        switch stream.header {
        case .success(let decoded): header = decoded
        case .failure(let problem): try noteDecoding(problem)
        }
        var references: KnownReferences?
        if let header {
            if let stored = try String.fetchOne(db, sql: "SELECT as_of FROM sync_state WHERE id = 1"),
               let storedInstant = Instant(stored), header.asOf < storedInstant {
                note(.stored, .olderDocument(stored: stored, received: header.asOf.description))
            } else {
                let known = try KioskStore.knownReferences(db)
                do throws(SyncDocumentError) { references = try header.validateHeader(known: known) } catch {
                    note(.validation, .invalidDocument(error))
                }
            }
        }
        var outcome = SyncOutcome()
        if refusal == nil, let header { try SyncWriter(db: db, document: header).writeHeader(into: &outcome) }

        let byFingerprint = try db.cachedStatement(sql: "SELECT number FROM account WHERE fingerprint = ?")
        let storedFingerprint = try db.cachedStatement(sql: "SELECT fingerprint FROM account WHERE number = ?")
        let restamp = try db.cachedStatement(sql: "UPDATE account SET fingerprint = ? WHERE number = ?")
        var numbers = Set<String>()
        // The search index is rebuilt in bulk for the accounts written (from the first one written).
        var search: SearchIndexBatch?
        var carried: [String] = []
        carried.reserveCapacity(stream.accounts.count)
        var readUpTo = 0
        for index in stream.accounts.indices {
            if let read, stream.accounts[index].lowerBound - readUpTo >= 4 << 20 {
                read(readUpTo..<stream.accounts[index].lowerBound)
                readUpTo = stream.accounts[index].lowerBound
            }
            var fingerprint: String?
            if let header {
                let print = AccountFingerprint.of(stream.accountBytes(index), currency: header.currency)
                fingerprint = print
                // The same bytes were stored (and validated) before: nothing to decode or write.
                if let number = try String.fetchOne(byFingerprint, arguments: [print]) {
                    if !numbers.insert(number).inserted {
                        note(.validation, .invalidDocument(SyncDocumentError(path: "accounts[\(index)].number",
                                                                             problem: "another account has the same number")))
                    }
                    carried.append(number)
                    outcome.accounts.unchanged += 1
                    continue
                }
            }
            let account: Account
            switch stream.account(index, explain: explain) {
            case .success(let decoded): account = decoded
            case .failure(let problem): try noteDecoding(problem); continue
            }
            guard refusal == nil, let header, let references, let fingerprint else { continue }
            do throws(SyncDocumentError) { try account.validate(index: index, references: references, numbers: &numbers) } catch {
                note(.validation, .invalidDocument(error))
                continue
            }
            carried.append(account.number)
            let stored = try String.fetchOne(storedFingerprint, arguments: [account.number])
            if let stored, AccountFingerprint.isLegacy(stored),
               stored == (try SyncWriter.legacyFingerprint(account, currency: header.currency)) {
                // Stored by a kiosk before streaming sync, and unchanged: re-stamp only.
                try restamp.execute(arguments: [fingerprint, account.number])
                outcome.accounts.unchanged += 1
                continue
            }
            if let stored, stored.hasPrefix(AccountFingerprint.prefix),
               let current = try AccountLoader(db: db).load(number: account.number),
               current.account == account, current.currency == header.currency {
                // The same account in other bytes (a client that orders members differently
                // each time, as Foundation's JSONSerialization may): unchanged, as the document
                // says, and only re-stamped. Costs one load, and only when the bytes differ.
                try restamp.execute(arguments: [fingerprint, account.number])
                outcome.accounts.unchanged += 1
                continue
            }
            if search == nil { search = try SearchIndexBatch.begin(db) }
            outcome.rowsWritten += try SyncWriter(db: db, document: header).writeAccount(account, fingerprint: fingerprint, exists: stored != nil)
            try search?.written(db, account: account.number)
            if stored == nil { outcome.accounts.inserted += 1 } else { outcome.accounts.updated += 1 }
        }
        if let refusal { throw refusal.error }
        guard let header else { throw StoreError.invalidDocument(SyncDocumentError(path: "", problem: "not a readable sync document")) }
        // Before the kiosk's own changes go back on top: those writes use the triggers again.
        try search?.finish(db)
        try KioskStore.finishApply(db, document: header, carried: carried, outcome: &outcome, audit: audit, autopayKiosk: autopayKiosk)
        return outcome
    }
}
