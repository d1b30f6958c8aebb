import Foundation
import GRDB
import KioskCore
import KioskFixtures
import KioskStore

/// Sync apply of accounts × 50 items against a raw bulk insert of the same item rows, the
/// unchanged re-apply, and peak RSS against the document's size.
func syncBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let accounts = size.count(10_000, smoke: 200)
    let perAccount = 50
    let document = SyntheticStore.document(accounts: accounts, itemsPerAccount: perAccount)
    let json = try SyntheticStore.json(document)
    let documentMiB = Double(json.count) / 1_048_576
    let rssBefore = peakRSSMiB()
    let clock = ContinuousClock()

    // Reference: the same item rows bulk-inserted with GRDB in one transaction, no decoding,
    // no validation, no fingerprints: the floor any sync apply stands on.
    let baselineDir = scratch()
    defer { try? FileManager.default.removeItem(atPath: baselineDir) }
    let baselinePool = try DatabasePool(path: baselineDir + "/baseline.sqlite")
    try await baselinePool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
    try await baselinePool.write { db in
        try db.execute(sql: "CREATE TABLE item (account TEXT, id TEXT, kind TEXT, number TEXT, job INTEGER, date TEXT, due_date TEXT, po_number TEXT, amount INTEGER, open_amount INTEGER, billed INTEGER, position INTEGER, PRIMARY KEY (account, id))")
    }
    let baseline = try clock.measure {
        try baselinePool.write { db in
            let statement = try db.cachedStatement(sql: "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for account in document.accounts {
                for (i, t) in account.items.enumerated() {
                    try statement.execute(arguments: [account.number, t.id, t.kind.rawValue, t.number, t.job, t.date.description,
                                                      t.dueDate?.description, t.poNumber, t.amount, t.openAmount, t.billed, i])
                }
            }
        }
    }

    // Measured: the whole sync path: decode + validate + apply in one transaction.
    let dir = scratch()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let store = try KioskStore(directory: dir)
    let full = try await clock.measure {
        let decoded = try SyncDocument.decode(from: json)
        _ = try await store.apply(decoded, audit: nil)
    }
    let rssAfter = peakRSSMiB()
    let reapply = try await clock.measure { _ = try await store.apply(document, audit: nil) }
    let label = "\(accounts.formatted()) accounts × \(perAccount) items (\(String(format: "%.0f", documentMiB)) MiB)"
    return [
        BenchFigure("sync apply, \(label)", seconds(full), "s", reference: "raw bulk insert of the same rows",
                    referenceValue: seconds(baseline), goal: .ratioAtMost(2)),
        BenchFigure("re-apply of the unchanged document", seconds(reapply), "s", goal: .below(2)),
        BenchFigure("bench process peak RSS growth during apply", rssAfter - rssBefore, "MiB", reference: "the document's size",
                    referenceValue: documentMiB, goal: .ratioAtMost(2)),
    ]
}
