#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import KioskCore
import KioskFixtures

/// Sync through the REAL processes: the built kioskd (scratch data directory) and kioskctl
/// `sync apply FILE`, at two sizes (growth), then the unchanged re-apply; peak RSS of each
/// process (VmHWM from /proc/PID/status) against the document's
/// size; beside a raw bulk insert of the same rows measured in the same run.
func syncBench(_ size: BenchSize) async throws -> [BenchFigure] {
    let sizes = [size.count(1_000, smoke: 40), size.count(10_000, smoke: 200)]
    let perAccount = 50
    var figures: [BenchFigure] = []
    for (step, accounts) in sizes.enumerated() {
        let document = SyntheticStore.document(accounts: accounts, itemsPerAccount: perAccount)
        let dir = scratch()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/store.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        let documentMiB = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
        let baseline = try rawBulkInsert(document, in: dir)

        let daemon = try BenchDaemon(dataDirectory: dir + "/data")
        defer { daemon.stop() }
        let first = try runKioskctl(["--socket", daemon.socketPath, "sync", "apply", file, "--json"])
        guard first.status == 0, first.output.contains("\"inserted\":\(accounts)") else {
            throw BenchFailure("kioskctl sync apply failed (\(first.status)): \(first.output.prefix(400))")
        }
        let label = "\(accounts.formatted()) accounts × \(perAccount) items (\(String(format: "%.0f", documentMiB)) MiB)"
        figures.append(BenchFigure("sync apply, \(label)", first.seconds, "s", reference: "raw bulk insert of the same rows",
                                   referenceValue: baseline, goal: .ratioAtMost(2)))
        guard step == sizes.count - 1 else { continue }
        let again = try runKioskctl(["--socket", daemon.socketPath, "sync", "apply", file])
        guard again.status == 0, again.output.contains("Nothing changed") else {
            throw BenchFailure("the re-apply changed something or failed (\(again.status)): \(again.output.prefix(400))")
        }
        let daemonPeak = daemon.figures.peakRSSMiB
        figures.append(BenchFigure("re-apply of the unchanged document, \(accounts.formatted()) accounts", again.seconds, "s", goal: .below(2)))
        figures.append(BenchFigure("kioskd peak RSS (VmHWM) through apply and re-apply", daemonPeak, "MiB", reference: "the document's size",
                                   referenceValue: documentMiB, goal: .ratioAtMost(2)))
        figures.append(BenchFigure("kioskctl peak RSS (VmHWM), first apply", first.peakMiB, "MiB", reference: "the document's size",
                                   referenceValue: documentMiB, goal: .ratioAtMost(2)))
    }
    return figures
}

/// The floor a sync apply stands on: every row it writes for `document` (accounts, jobs,
/// contacts, items, sales, payments and their applications, cards, statements) inserted with
/// prepared statements in one transaction, synchronous=FULL, WAL; plain tables with the same
/// primary keys, no decoding, validation, fingerprints or search index. Seconds.
private func rawBulkInsert(_ document: SyncDocument, in dir: String) throws -> Double {
    let pool = try DatabasePool(path: dir + "/baseline.sqlite")
    try pool.writeWithoutTransaction { db in
        try db.execute(sql: """
            PRAGMA synchronous = FULL;
            CREATE TABLE account (number TEXT PRIMARY KEY, name TEXT, company TEXT, address_1 TEXT, city TEXT, region TEXT,
                postal_code TEXT, country TEXT, phone TEXT, branch TEXT, credit_limit INTEGER, pending_transactions INTEGER,
                receivables_type TEXT, billing_type TEXT, assigned_user TEXT, link_erp TEXT, currency TEXT, as_of TEXT);
            CREATE TABLE job (account TEXT, number INTEGER, name TEXT, PRIMARY KEY (account, number));
            CREATE TABLE contact (account TEXT, id TEXT, name TEXT, profile TEXT, position INTEGER, PRIMARY KEY (account, id));
            CREATE TABLE item (account TEXT, id TEXT, kind TEXT, number TEXT, job INTEGER, date TEXT, due_date TEXT, po_number TEXT,
                amount INTEGER, open_amount INTEGER, billed INTEGER, position INTEGER, PRIMARY KEY (account, id));
            CREATE TABLE sale (account TEXT, position INTEGER, date TEXT, job INTEGER, kind TEXT, amount INTEGER, tax INTEGER,
                charge INTEGER, gift_card INTEGER, PRIMARY KEY (account, position));
            CREATE TABLE processed_payment (account TEXT, id TEXT, job INTEGER, date TEXT, amount INTEGER, method TEXT,
                position INTEGER, PRIMARY KEY (account, id));
            CREATE TABLE payment_application (account TEXT, payment TEXT, position INTEGER, item TEXT, amount INTEGER,
                PRIMARY KEY (account, payment, position));
            CREATE TABLE card_on_file (account TEXT, id TEXT, description TEXT, token TEXT, brand TEXT, last4 TEXT, expiry TEXT,
                position INTEGER, PRIMARY KEY (account, id));
            CREATE TABLE statement (account TEXT, position INTEGER, number TEXT, issued_at TEXT, job INTEGER,
                PRIMARY KEY (account, position));
            """)
    }
    let clock = ContinuousClock()
    let elapsed = try clock.measure {
        try pool.write { db in
            let account = try db.cachedStatement(sql: "INSERT INTO account VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            let job = try db.cachedStatement(sql: "INSERT INTO job VALUES (?, ?, ?)")
            let contact = try db.cachedStatement(sql: "INSERT INTO contact VALUES (?, ?, ?, ?, ?)")
            let item = try db.cachedStatement(sql: "INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            let sale = try db.cachedStatement(sql: "INSERT INTO sale VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            let payment = try db.cachedStatement(sql: "INSERT INTO processed_payment VALUES (?, ?, ?, ?, ?, ?, ?)")
            let application = try db.cachedStatement(sql: "INSERT INTO payment_application VALUES (?, ?, ?, ?, ?)")
            let card = try db.cachedStatement(sql: "INSERT INTO card_on_file VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            let statement = try db.cachedStatement(sql: "INSERT INTO statement VALUES (?, ?, ?, ?, ?)")
            for a in document.accounts {
                try account.execute(arguments: [a.number, a.name, a.company, a.address.first, a.city, a.region, a.postalCode, a.country,
                                                a.phone, a.branch, a.creditLimit, a.pendingTransactions, a.receivablesType.rawValue,
                                                a.billingType.rawValue, a.assignedUser, a.links.erp, document.currency,
                                                document.asOf.description])
                for j in a.jobs { try job.execute(arguments: [a.number, j.number, j.name]) }
                for (i, c) in a.contacts.enumerated() { try contact.execute(arguments: [a.number, c.id, c.name, c.profile, i]) }
                for (i, t) in a.items.enumerated() {
                    try item.execute(arguments: [a.number, t.id, t.kind.rawValue, t.number, t.job, t.date.description,
                                                 t.dueDate?.description, t.poNumber, t.amount, t.openAmount, t.billed, i])
                }
                for (i, s) in a.sales.enumerated() {
                    try sale.execute(arguments: [a.number, i, s.date.description, s.job, s.kind.rawValue, s.amount, s.tax, s.charge, s.giftCard])
                }
                for (i, p) in a.payments.enumerated() {
                    try payment.execute(arguments: [a.number, p.id, p.job, p.date.description, p.amount, p.method, i])
                    for (k, x) in p.applied.enumerated() { try application.execute(arguments: [a.number, p.id, k, x.item, x.amount]) }
                }
                for (i, k) in a.cardsOnFile.enumerated() {
                    try card.execute(arguments: [a.number, k.id, k.description, k.token, k.brand, k.last4, k.expiry, i])
                }
                for (i, s) in a.statements.enumerated() {
                    try statement.execute(arguments: [a.number, i, s.number, s.issuedAt.description, s.job])
                }
            }
        }
    }
    return seconds(elapsed)
}

/// Starts `executable` with stdout and stderr to `stderr` (a file), returns its pid.
private func spawn(_ executable: String, _ arguments: [String], stderr: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    guard result == 0 else { throw BenchFailure("cannot start \(executable): \(String(cString: strerror(result)))") }
    return pid
}

/// Runs the built kioskctl to the end: wall time, output (stdout and stderr), and its peak RSS:
/// VmHWM from /proc/PID/status, read every 10 ms while it runs (not wait4's ru_maxrss: on exec
/// Linux keeps the spawning process's high-water mark in it, here the bench's own hundreds of MB).
private func runKioskctl(_ arguments: [String]) throws -> (status: Int32, seconds: Double, peakMiB: Double, output: String) {
    let out = NSTemporaryDirectory() + "kioskctl-bench-\(UUID().uuidString.prefix(8)).out"
    defer { unlink(out) }
    let start = ContinuousClock.now
    let pid = try spawn(BenchProducts.kioskctl, arguments, stderr: out)
    let figures = ProcessFigures(pid: pid)
    var status: Int32 = 0
    var peakKiB = 0.0
    while true {
        peakKiB = max(peakKiB, figures.status("VmHWM"))
        let done = waitpid(pid, &status, WNOHANG)
        if done == pid || (done < 0 && errno != EINTR) { break }
        usleep(10_000)
    }
    let elapsed = seconds(ContinuousClock.now - start)
    let output = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
    let exit = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return (exit, elapsed, peakKiB / 1024, output)
}
