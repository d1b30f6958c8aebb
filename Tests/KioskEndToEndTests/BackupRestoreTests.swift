#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 15 items 7 and 8 through a real kioskd: `kioskctl backup FILE` while payments are
/// being written, `kioskd --restore FILE` with the daemon stopped (refused while it runs), a
/// restart that finds the data, and `status`'s key, devices, database and last backup.
@Suite("Backup and restore", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct BackupRestoreTests {
    /// A directory uid nobody (kioskctl in these tests) may write to.
    static func outputDirectory(_ daemon: DaemonProcess) throws -> String {
        let path = daemon.directory + "/out-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        #expect(chown(path, 65_534, 65_534) == 0)
        return path
    }

    static func sqlite(_ file: String, _ query: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", file, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func restore(_ dataDirectory: String, config: String, _ file: String) throws -> ProcessResult {
        try runProcess(Products.kioskd, ["--config", config, "--data-dir", dataDirectory, "--restore", file])
    }

    static func mode(_ path: String) -> (mode: mode_t, uid: uid_t) {
        var info = stat()
        return stat(path, &info) == 0 ? (info.st_mode & 0o7777, info.st_uid) : (0, 0)
    }

    /// Signs in as Pat (1001) and pays `invoice` with a card swiped now; the payment's id.
    static func pay(_ daemon: DaemonProcess, invoice: String, job: Int) throws -> String {
        let client = try daemon.client()
        let payments = PaymentTests()
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 2).error == nil)
        let terms = (try client.call("payment.options", params: ["job": job], id: 3).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let card = try payments.swipe(client)
        let paid = try client.call("payment.submit", params: ["job": job, "invoices": [invoice], "method": ["capture": card],
                                                             "signature": try payments.sign(client), "terms_sha256": terms], id: 7)
        let id = paid.result["id"] as? String ?? ""
        #expect(!id.isEmpty, "\(paid)")
        return id
    }

    @Test("backup while payments are written; refused while running; stop, restore, restart: the data is there, integrity ok")
    func backupRestoreRestart() throws {
        let daemon = try PaymentTests().demo("backup-restore")
        let first = try Self.pay(daemon, invoice: "I-1001-1", job: 1)
        let out = try Self.outputDirectory(daemon)
        let file = out + "/kiosk.sqlite"

        // Never backed up yet; the demo key, devices and the database's size are shown.
        let before = try ContactTests.ctl(daemon, ["status"])
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.contains("last backup: never"), "\(before.stdout)")
        #expect(before.stdout.contains("sealing key: DEMO key"), "\(before.stdout)")
        #expect(before.stdout.contains("emulated-reader-1") && before.stdout.contains("devices allowed: "), "\(before.stdout)")
        #expect(before.stdout.contains("database: ") && before.stdout.contains(" free)"), "\(before.stdout)")

        // Writes go on while the copy is taken: a contact revoked and restored in a loop.
        let writing = LockedBox(true)
        let writes = LockedBox(0)
        nonisolated(unsafe) let writerClient = try daemon.client()
        let done = DispatchGroup()
        done.enter()
        DispatchQueue.global().async {
            var id = 100
            while writing.get() {
                id += 1
                _ = try? writerClient.call(id % 2 == 0 ? "contact.revoke" : "contact.restore", params: ["account": "1001", "contact": "C-1001-2"], id: id)
                writes.set(writes.get() + 1)
            }
            done.leave()
        }
        while writes.get() < 5 { usleep(10_000) }
        let backup = try ContactTests.ctl(daemon, ["backup", file])
        let during = writes.get()
        writing.set(false)
        done.wait()
        #expect(writes.get() >= during && during >= 5)
        #expect(backup.status == 0, "\(backup.stdout)\(backup.stderr)")
        #expect(backup.stdout.contains("Backup written to \(file): ") && backup.stdout.contains("integrity ok"), "\(backup.stdout)")
        #expect(Self.mode(file).mode == 0o600 && Self.mode(file).uid == 65_534, "mode \(String(Self.mode(file).mode, radix: 8))")
        #expect(try Self.sqlite(file, "PRAGMA integrity_check") == "ok")
        #expect(try Self.sqlite(file, "PRAGMA journal_mode") == "delete", "one self-contained file")
        #expect(try Self.sqlite(file, "SELECT state FROM payment WHERE id = '\(first)'") == "pending")
        let printed = backup.stdout.split(separator: "\n").first { $0.hasPrefix("sha256 ") }.map { String($0.dropFirst(7)) }
        let summed = try runProcess("/usr/bin/sha256sum", [file]).stdout.split(separator: " ").first.map(String.init)
        #expect(printed != nil && printed == summed, "\(backup.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["kiosk.sqlite"], "no partial file left")
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory + "/backups").isEmpty, "kioskd's copy deleted")

        // Recorded and audited; status names it.
        let after = try ContactTests.ctl(daemon, ["status", "--json"])
        let status = try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any] ?? [:]
        let last = status["last_backup"] as? [String: Any]
        #expect(last?["user"] as? String == "nobody" && last?["sha256"] as? String == printed, "\(after.stdout)")
        #expect((status["key"] as? [String: Any])?["state"] as? String == "demo", "\(after.stdout)")
        #expect(((status["device_access"] as? [String: Any])?["seen"] as? [String])?.contains("emulated-pad-1") == true, "\(after.stdout)")
        #expect(((status["database"] as? [String: Any])?["pages"] as? Int ?? 0) > 0, "\(after.stdout)")
        #expect(try ContactTests.ctl(daemon, ["status"]).stdout.contains("by nobody (uid 65534)"))
        let audit = try ContactTests.ctl(daemon, ["audit", "list", "--action", "backup"])
        #expect(audit.stdout.contains("backup.create") && audit.stdout.contains("backup.finish"), "\(audit.stdout)")

        // Bad input: an existing FILE without --force, a directory nobody may write, the front.
        let again = try ContactTests.ctl(daemon, ["backup", file])
        #expect(again.status == 73 && again.stderr.contains("exists already") && again.stderr.contains("--force"), "\(again.stderr)")
        let forced = try ContactTests.ctl(daemon, ["backup", "--force", file], gid: ScratchGroups.technician)
        #expect(forced.status == 0, "a technician too, with --force: \(forced.stderr)")
        let unwritable = try ContactTests.ctl(daemon, ["backup", daemon.directory + "/kiosk.sqlite"])
        #expect(unwritable.status == 73 && unwritable.stderr.contains("cannot write in \(daemon.directory)"), "\(unwritable.stderr)")
        let front = try ContactTests.ctl(daemon, ["backup", out + "/front.sqlite"], gid: ScratchGroups.front)
        #expect(front.status == 77 && !FileManager.default.fileExists(atPath: out + "/front.sqlite"), "\(front.stderr)")
        #expect(!FileManager.default.fileExists(atPath: daemon.directory + "/kiosk.sqlite"))

        // A payment after the backup: gone once the backup is restored.
        let second = try Self.pay(daemon, invoice: "I-1001-3", job: 2)
        #expect(try PaymentTests().sql(daemon, "SELECT count(*) FROM payment WHERE id = '\(second)'") == "1")

        // Refused while kioskd runs, with a sentence and 69; nothing changed.
        let live = try Self.restore(daemon.dataDirectory, config: daemon.configPath, file)
        #expect(live.status == 69 && live.stderr.contains("is running and using") && live.stderr.contains("stop it first"), "\(live.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory).filter { $0.contains("before-restore") }.isEmpty)

        #expect(daemon.stop() == 0)
        // The service's database belongs to its user; a restore run as root must keep it so.
        for suffix in ["", "-wal", "-shm"] { _ = chown(daemon.dataDirectory + "/kiosk.sqlite" + suffix, 65_534, 65_534) }
        let restored = try Self.restore(daemon.dataDirectory, config: daemon.configPath, file)
        #expect(restored.status == 0, "\(restored.stdout)\(restored.stderr)")
        #expect(restored.stdout.contains("Restored \(file)") && restored.stdout.contains("integrity checked"), "\(restored.stdout)")
        let kept = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory).filter { $0.hasPrefix("kiosk.sqlite.before-restore-") }
        #expect(kept.contains { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }, "\(kept)")
        #expect(restored.stdout.contains("kept as \(daemon.dataDirectory)/kiosk.sqlite.before-restore-"), "\(restored.stdout)")
        #expect(Self.mode(daemon.dataDirectory + "/kiosk.sqlite").mode == 0o600 && Self.mode(daemon.dataDirectory + "/kiosk.sqlite").uid == 65_534,
                "restored as the previous file's owner")
        // The payment made after the backup is still in the kept database.
        let keptDB = daemon.dataDirectory + "/" + (kept.first { !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") } ?? "")
        #expect(try Self.sqlite(keptDB, "SELECT count(*) FROM payment WHERE id = '\(second)'") == "1")

        // A copy a crashed client left behind is deleted when kioskd starts.
        let leftover = daemon.dataDirectory + "/backups/B0123456789abcdef.sqlite"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data("x".utf8)))

        let restarted = try DaemonProcess(label: "backup-restarted", dataDirectory: daemon.dataDirectory)
        #expect(!FileManager.default.fileExists(atPath: leftover))
        let list = try ContactTests.ctl(restarted, ["payments", "list"])
        #expect(list.status == 0 && list.stdout.contains(first) && !list.stdout.contains(second), "\(list.stdout)\(list.stderr)")
        #expect(try Self.sqlite(restarted.dataDirectory + "/kiosk.sqlite", "PRAGMA integrity_check") == "ok")
        let verified = try ContactTests.ctl(restarted, ["audit", "verify"])
        #expect(verified.status == 0, "\(verified.stdout)")
        let restoreAudit = try ContactTests.ctl(restarted, ["audit", "list", "--action", "store.restore"])
        #expect(restoreAudit.stdout.contains("store.restore") && restoreAudit.stdout.contains("root (uid 0, technician)"), "\(restoreAudit.stdout)")
        #expect(try ContactTests.ctl(restarted, ["status"]).stdout.contains("sealing key: none"), "no demo key without --demo")
        withExtendedLifetime(daemon) {}
    }

    @Test("restore refuses a missing file, text, a non-kioskpay database, a damaged copy and a newer schema; the store is untouched")
    func restoreRefusals() throws {
        let daemon = try PaymentTests().demo("restore-refuse")
        let out = try Self.outputDirectory(daemon)
        let good = out + "/good.sqlite"
        #expect(try ContactTests.ctl(daemon, ["backup", good]).status == 0)
        #expect(daemon.stop() == 0)
        let data = daemon.dataDirectory
        let live = try Data(contentsOf: URL(fileURLWithPath: data + "/kiosk.sqlite"))

        let text = out + "/notes.txt"
        try "these are not the backups you are looking for\n".write(toFile: text, atomically: true, encoding: .utf8)
        let other = out + "/other.sqlite"
        _ = try Self.sqlite(other, "CREATE TABLE t (a); INSERT INTO t VALUES (1)")
        let damaged = out + "/damaged.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let pageSize = Int(try Self.sqlite(good, "PRAGMA page_size")) ?? 4096
        let pages = bytes.count / pageSize
        #expect(pages > 4)
        for offset in stride(from: pageSize * 2, to: bytes.count, by: 7) { bytes[offset] = 0xA5 }  // every page but the first two
        try bytes.write(to: URL(fileURLWithPath: damaged))
        let newer = out + "/newer.sqlite"
        try FileManager.default.copyItem(atPath: good, toPath: newer)
        _ = try Self.sqlite(newer, "INSERT INTO grdb_migrations (identifier) VALUES ('999_from_the_future')")

        let cases: [(file: String, status: Int32, says: String)] = [
            (out + "/missing.sqlite", 66, "does not exist or cannot be read"),
            (text, 65, "is not an SQLite database"),
            (other, 65, "not a kioskpay one"),
            (damaged, 65, "integrity check"),
            (newer, 65, "999_from_the_future"),
        ]
        for (file, status, says) in cases {
            let refused = try Self.restore(data, config: daemon.configPath, file)
            #expect(refused.status == status && refused.stderr.contains(says) && refused.stderr.hasPrefix("kioskd: "),
                    "\(file): \(refused.status) \(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "one sentence: \(refused.stderr)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: data + "/kiosk.sqlite")) == live, "the store is untouched")
        #expect(try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.contains("before-restore") }.isEmpty)
        let combined = try runProcess(Products.kioskd, ["--demo", "--data-dir", data, "--restore", good])
        #expect(combined.status == 64 && combined.stderr.contains("cannot be combined"), "\(combined.stderr)")
    }

    @Test("backup.read and backup.finish: an unknown id, a bad offset, the front refused; the chunks add up to the copy")
    func readProtocol() throws {
        let daemon = try PaymentTests().demo("backup-read")
        let client = try daemon.client()
        let made = try client.call("backup.create").result
        let id = made["backup"] as? String ?? ""
        let bytes = made["bytes"] as? Int ?? 0
        #expect(id.count == 17 && bytes > 0 && made["chunk_bytes"] as? Int == 8 * 1024 * 1024 && made["integrity"] as? String == "ok", "\(made)")

        let unknown = try client.call("backup.read", params: ["backup": "B0000000000000000", "offset": 0], id: 2)
        #expect(unknown.errorKind == "not_found" && unknown.errorMessage.contains("no backup with that id"), "\(unknown)")
        let traversal = try client.call("backup.read", params: ["backup": "../kiosk.sqlite", "offset": 0], id: 3)
        #expect(traversal.errorKind == "not_found" && !traversal.errorMessage.contains("kiosk.sqlite"), "\(traversal)")
        for offset in [-1, bytes + 1] {
            let bad = try client.call("backup.read", params: ["backup": id, "offset": offset], id: 4)
            #expect(bad.errorCode == -32602 && (bad.error?["data"] as? [String: Any])?["path"] as? String == "params.offset", "\(bad)")
        }
        let whole = try client.call("backup.read", params: ["backup": id, "offset": 0], id: 5).result
        #expect(whole["done"] as? Bool == true && Data(base64Encoded: whole["data"] as? String ?? "")?.count == bytes, "one chunk for the demo store")
        let tail = try client.call("backup.read", params: ["backup": id, "offset": bytes - 10], id: 6).result
        #expect(tail["length"] as? Int == 10 && tail["done"] as? Bool == true)

        // The front may not take the store's data (in a directory it could write: refused by kioskd).
        let front = try ContactTests.ctl(daemon, ["backup", try Self.outputDirectory(daemon) + "/front.sqlite"], gid: ScratchGroups.front)
        #expect(front.status == 77 && front.stderr.contains("backup.create"), "\(front.stderr)")
        // Finished without saving: deleted, not recorded.
        #expect(try client.call("backup.finish", params: ["backup": id], id: 7).error == nil)
        #expect(try client.call("backup.read", params: ["backup": id, "offset": 0], id: 8).errorKind == "not_found")
        #expect(try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory + "/backups").isEmpty)
        #expect((try client.call("status", id: 9).result["last_backup"]) is NSNull)

        // A store larger than two chunks travels in three, in order, and arrives whole.
        _ = try Self.sqlite(daemon.dataDirectory + "/kiosk.sqlite", "CREATE TABLE filler (b BLOB); INSERT INTO filler VALUES (randomblob(20000000))")
        let out = try Self.outputDirectory(daemon)
        let large = try ContactTests.ctl(daemon, ["backup", out + "/large.sqlite", "--json"])
        #expect(large.status == 0, "\(large.stderr)")
        let made2 = try JSONSerialization.jsonObject(with: Data(large.stdout.utf8)) as? [String: Any] ?? [:]
        #expect((made2["bytes"] as? Int ?? 0) > 2 * 8 * 1024 * 1024, "\(made2)")
        let summed = try runProcess("/usr/bin/sha256sum", [out + "/large.sqlite"]).stdout.split(separator: " ").first.map(String.init)
        #expect(summed == made2["sha256"] as? String && Self.mode(out + "/large.sqlite").mode == 0o600)
        #expect(try Self.sqlite(out + "/large.sqlite", "SELECT length(b) FROM filler") == "20000000")
    }
}
