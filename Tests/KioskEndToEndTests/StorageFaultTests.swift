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
}
