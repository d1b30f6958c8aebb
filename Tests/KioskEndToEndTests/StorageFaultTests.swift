#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// A real full disk under the daemon: a small tmpfs holds the data directory, and a filler
/// file takes the last byte while a customer submits. Needs root (mount); CI runs as root.
private enum SmallFileSystem {
    static var available: Bool {
        guard getuid() == 0 else { return false }
        let probe = NSTemporaryDirectory() + "kiosk-tmpfs-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", probe]).status) == 0 else { return false }
        _ = try? runProcess("/bin/umount", [probe])
        return true
    }
}

@Suite("Storage faults", .serialized, .enabled(if: SmallFileSystem.available, "mounting a tmpfs needs root"))
struct StorageFaultTests {
    @Test("disk full during submit: storage_unavailable with a sentence, no partial rows, reads go on, and it recovers")
    func diskFull() throws {
        let mountPoint = try makeScratchDirectory("disk-full")
        #expect(try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint]).status == 0)
        defer { _ = try? runProcess("/bin/umount", ["-l", mountPoint]) }
        let daemon = try DaemonProcess(label: "disk-full", configExtra: "emulated_devices = true", dataDirectory: mountPoint + "/data")
        defer { daemon.stop() }
        try daemon.provisionBackOfficeKey()
        let client = try daemon.client()
        #expect(try client.call("sync.apply", params: PayingStore.document(count: 20)).error == nil)
        _ = try client.call("device.allow", params: ["id": "emulated-pad-1"], id: 2)
        _ = try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 3)
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 4).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5]]]], id: 5)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 6)
        _ = try client.nextEvent("capture.done")

        // Empty the WAL so the next write needs new blocks, then take every free byte.
        let db = mountPoint + "/data/kiosk.sqlite"
        _ = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, "PRAGMA wal_checkpoint(TRUNCATE)"])
        let filler = mountPoint + "/filler"
        _ = try runProcess("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])
        let submit: [String: Any] = ["amount": 1_000, "method": ["card_on_file": "K-0"], "signature": capture, "terms_sha256": PayingStore.termsSHA256]
        let refused = try client.call("payment.submit", params: submit, id: 7)
        #expect(refused.errorKind == "storage_unavailable", "\(refused)")
        #expect(refused.errorMessage.contains("full") && refused.errorMessage.contains("nothing was charged"), "\(refused.errorMessage)")
        // Reads keep working while the disk is full.
        #expect(try client.call("account.balances", id: 8).result["total"] as? Int == 50_000)
        #expect(try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, "SELECT (SELECT count(*) FROM payment) + (SELECT count(*) FROM outbox) + (SELECT count(*) FROM payment_line)"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "no partial rows")
        #expect(daemon.log.contains("payment not stored"))

        // Space comes back: the same customer pays with the same signature.
        try FileManager.default.removeItem(atPath: filler)
        let paid = try client.call("payment.submit", params: submit, id: 9)
        #expect(paid.result["state"] as? String == "pending", "\(paid)")
        #expect(try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, "PRAGMA integrity_check"]).stdout.hasPrefix("ok"))
    }

    /// Issue 11, rule 6: while a wrong PIN cannot be counted durably, no PIN is checked at all.
    @Test("PIN lockout fails closed: on a full disk and while writes are locked out, even the right PIN is not checked")
    func pinLockoutFailsClosed() throws {
        let mountPoint = try makeScratchDirectory("pin-closed")
        #expect(try runProcess("/bin/mount", ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint]).status == 0)
        defer { _ = try? runProcess("/bin/umount", ["-l", mountPoint]) }
        let daemon = try DaemonProcess(label: "pin-closed", dataDirectory: mountPoint + "/data")
        defer { daemon.stop() }
        let staff = try daemon.client()
        #expect(try staff.call("sync.apply", params: PayingStore.document(count: 3)).error == nil)
        let db = mountPoint + "/data/kiosk.sqlite"
        func attempt(_ pin: String) throws -> [String: Any] {
            try daemon.client().call("session.begin", params: ["account": "C10000", "pin": pin])
        }

        // 1. A real full disk: every write needs a new WAL block and none is left.
        _ = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", db, "PRAGMA wal_checkpoint(TRUNCATE)"])
        let filler = mountPoint + "/filler"
        _ = try runProcess("/bin/dd", ["if=/dev/zero", "of=\(filler)", "bs=64k"])
        for _ in 0..<8 {
            let wrong = try attempt("9999")
            #expect(wrong.errorKind == "storage_unavailable", "\(wrong)")
            #expect(wrong.errorMessage.hasPrefix("Sign-in is unavailable right now"), "\(wrong.errorMessage)")
        }
        let right = try attempt(PayingStore.pin)
        #expect(right.errorKind == "storage_unavailable", "the right PIN is not even checked: \(right)")
        try FileManager.default.removeItem(atPath: filler)
        let counted = try attempt("9999")
        #expect(counted.errorData["attempts_left"] as? Int == 4, "counting resumes once it can be written: \(counted)")
        #expect(try attempt(PayingStore.pin).error == nil)

        // 2. Injected write errors: another process holds SQLite's write lock past the daemon's
        // 5 s busy timeout, so every write fails while reads go on.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [db]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        input.fileHandleForWriting.write(Data("BEGIN IMMEDIATE;\nSELECT 1;\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        let lockedWrong = try attempt("9999")
        let lockedRight = try attempt(PayingStore.pin)
        input.fileHandleForWriting.write(Data("ROLLBACK;\n.quit\n".utf8))
        holder.waitUntilExit()
        #expect(lockedWrong.errorKind == "storage_unavailable", "\(lockedWrong)")
        #expect(lockedRight.errorKind == "storage_unavailable", "\(lockedRight)")
        #expect(try attempt(PayingStore.pin).error == nil, "signs in once writes work again")
        #expect(try attempt("9999").errorData["attempts_left"] as? Int == 4, "the right PIN cleared the count; this is the first miss")
    }
}
