// kioskd-bench: speed and memory of the store's hot paths, each reported as a ratio to a
// baseline measured in the same run on the same machine (absolute seconds vary by machine;
// ratios do not, much). Run with `make bench` (release build).
import Foundation
import GRDB
import KioskCore
import KioskFixtures
import KioskStore

#if canImport(Glibc)
import Glibc
#endif

func scratch() -> String {
    let path = NSTemporaryDirectory() + "kioskd-bench-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Peak resident set size of this process so far, in MiB (from /proc/self/status VmHWM).
func peakRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

if CommandLine.arguments.dropFirst().first == "sealing" {
    try sealingBench()
    exit(0)
}
if CommandLine.arguments.dropFirst().first == "search" {
    try await searchBench()
    exit(0)
}
let accounts = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 10_000
let perAccount = 50
print("kioskd-bench: \(accounts) accounts × \(perAccount) items")
let document = SyntheticStore.document(accounts: accounts, itemsPerAccount: perAccount)
let json = try SyntheticStore.json(document)
let rssBefore = peakRSSMiB()
print(String(format: "document: %.1f MiB JSON; peak RSS before apply %.0f MiB", Double(json.count) / 1_048_576, rssBefore))
let clock = ContinuousClock()

// Baseline 1: the same item rows bulk-inserted with GRDB in one transaction, no decoding,
// no validation, no fingerprints: the floor any sync apply stands on.
let baselineDir = scratch()
let baselinePool = try DatabasePool(path: baselineDir + "/baseline.sqlite")
try baselinePool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
try baselinePool.write { db in
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
let store = try KioskStore(directory: scratch())
let full = try await clock.measure {
    let decoded = try SyncDocument.decode(from: json)
    _ = try await store.apply(decoded, audit: nil)
}
let rssAfter = peakRSSMiB()
let reapply = try await clock.measure { _ = try await store.apply(document, audit: nil) }
print(String(format: "baseline bulk insert of %d item rows: %.2f s", accounts * perAccount, seconds(baseline)))
print(String(format: "sync apply (decode+validate+write):   %.2f s  = %.2f× baseline", seconds(full), seconds(full) / seconds(baseline)))
print(String(format: "re-apply unchanged document:          %.2f s  = %.2f× baseline", seconds(reapply), seconds(reapply) / seconds(baseline)))
print(String(format: "peak RSS %.0f MiB after apply (grew %.0f MiB = %.2f× the JSON's size)",
             rssAfter, rssAfter - rssBefore, (rssAfter - rssBefore) / (Double(json.count) / 1_048_576)))

// Account read: load one account and compute every figure, vs. fetching its item rows raw.
let numbers = (0..<1_000).map { _ in document.accounts[Int.random(in: 0..<accounts)].number }
let rawRead = try await clock.measure {
    for number in numbers {
        _ = try await baselinePool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM item WHERE account = ?", arguments: [number]) }
    }
}
let today = LocalDate("2026-11-20")!
let figures = try await clock.measure {
    for number in numbers {
        guard let stored = try await store.account(number: number) else { fatalError("missing \(number)") }
        let scope = try Figures.scope(for: stored.account, job: nil)
        _ = Figures.balances(stored.account, scope: scope)
        _ = Figures.summary(stored.account, scope: scope, today: today)
        _ = Figures.activity(stored.account, scope: scope, today: today)
        _ = Figures.openItems(stored.account, scope: scope, branch: stored.branch, today: today)
    }
}
print(String(format: "1,000 raw item reads: %.3f s; 1,000 account loads + all figures: %.3f s = %.2f× baseline (%.2f ms each)",
             seconds(rawRead), seconds(figures), seconds(figures) / seconds(rawRead), seconds(figures)))

try sealingBench()
try await searchBench()
