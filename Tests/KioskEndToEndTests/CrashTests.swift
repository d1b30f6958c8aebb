#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Durability of payments: a stream of submissions over the socket while kioskd is killed
/// with SIGKILL at random moments and restarted. Every payment the daemon acknowledged must
/// exist afterwards with its outbox entry, lines and audit row; none may exist half-written.
/// `make test` runs 200 kills; `make crash-test` sets KIOSK_CRASH_KILLS=1000.
@Suite("Crash safety", .serialized)
struct CrashTests {
    static var kills: Int { Int(ProcessInfo.processInfo.environment["KIOSK_CRASH_KILLS"] ?? "") ?? 200 }

    @Test("SIGKILL at random moments: every acknowledged payment survives whole; nothing is half-written")
    func killDuringSubmissions() throws {
        let kills = Self.kills
        let first = try DaemonProcess(label: "crash", configExtra: "emulated_devices = true")
        let dataDirectory = first.dataDirectory
        try first.provisionBackOfficeKey()
        let setup = try first.client()
        #expect(try setup.call("sync.apply", params: PayingStore.document(count: kills * 16 + 500)).error == nil)
        #expect(try setup.call("device.allow", params: ["id": "emulated-pad-1"], id: 2).error == nil)
        first.stop()

        var acknowledged: [String: String] = [:]  // payment id → account
        var nextAccount = 0
        var generator = SystemRandomNumberGenerator()
        for round in 0..<kills {
            let daemon = try DaemonProcess(label: "crash-\(round % 4)", configExtra: "emulated_devices = true", dataDirectory: dataDirectory)
            let client = try daemon.client()
            let pid = daemon.process.processIdentifier
            // The kill lands anywhere in the stream: inside sign-in, sealing, or the submit's commit.
            let delay = Double.random(in: 0.005...0.25, using: &generator)
            DispatchQueue.global().asyncAfter(deadline: .now() + delay) { kill(pid, SIGKILL) }
            do {
                while true {
                    let account = nextAccount
                    nextAccount += 1
                    guard try client.call("session.begin", params: ["account": "C\(10_000 + account)", "pin": PayingStore.pin], id: 1).error == nil else { break }
                    let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 2).result["capture"] as? String ?? ""
                    _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5]]]], id: 3)
                    _ = try client.call("device.capture.finish", params: ["capture": capture], id: 4)
                    let reply = try client.call("payment.submit", params: [
                        "amount": 1_000 + account, "method": ["card_on_file": "K-\(account)"], "signature": capture,
                        "terms_sha256": PayingStore.termsSHA256], id: 5)
                    if let id = reply.result["id"] as? String { acknowledged[id] = "C\(10_000 + account)" }
                    else if reply.error != nil { Issue.record("a submission was refused: \(reply)"); break }
                }
            } catch {
                // The connection died with the daemon: expected.
            }
            daemon.process.waitUntilExit()
            #expect(daemon.process.terminationReason == .uncaughtSignal, "round \(round): kioskd was not killed by the signal")
        }

        // One last start: the store opens (integrity checked at start-up) and holds it all.
        let last = try DaemonProcess(label: "crash-check", dataDirectory: dataDirectory)
        defer { last.stop() }
        // A reader that meets the running daemon mid-checkpoint waits (.timeout) instead of
        // printing nothing; an error is a test failure, never an empty answer.
        func sql(_ q: String) throws -> [String] {
            let r = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", dataDirectory + "/kiosk.sqlite", q])
            #expect(r.status == 0 && r.stderr.isEmpty, "sqlite3 failed: \(r.stderr)")
            return r.stdout.split(separator: "\n").map(String.init)
        }
        #expect(nextAccount < kills * 16 + 500, "the stream ran out of accounts; the later kills proved nothing")
        print("crash test: \(kills) kills, \(acknowledged.count) payments acknowledged, \(nextAccount) attempted")
        #expect(acknowledged.count >= kills / 2, "too few payments were acknowledged to prove anything (\(acknowledged.count))")
        let stored = Dictionary(uniqueKeysWithValues: try sql("SELECT id || '|' || account FROM payment").map {
            let parts = $0.split(separator: "|").map(String.init); return (parts[0], parts[1])
        })
        for (id, account) in acknowledged {
            #expect(stored[id] == account, "acknowledged payment \(id) is missing after the kills")
        }
        // Whole, for every payment stored (acknowledged or caught between commit and reply).
        let unpaired = try sql("SELECT p.id || ' ' || p.created_at || ' outbox=' || (SELECT count(*) FROM outbox o WHERE o.payment = p.id AND o.topic = 'payment') || ' all=' || (SELECT group_concat(o.topic || ':' || o.idempotency_key, ',') FROM outbox o WHERE o.payment = p.id) FROM payment p WHERE (SELECT count(*) FROM outbox o WHERE o.payment = p.id AND o.topic = 'payment') != 1")
        #expect(unpaired.isEmpty, "payments without exactly one outbox entry: \(unpaired)")
        #expect(try sql("SELECT count(*) FROM payment p WHERE p.amount != (SELECT COALESCE(SUM(amount), 0) FROM payment_line l WHERE l.payment = p.id)") == ["0"])
        #expect(try sql("SELECT count(*) FROM payment p WHERE (SELECT count(*) FROM audit_log a WHERE a.detail LIKE 'payment ' || p.id || ' %') != 1") == ["0"])
        #expect(try sql("SELECT count(*) FROM payment p WHERE NOT EXISTS (SELECT 1 FROM sealed_capture c WHERE c.id = p.signature_capture)") == ["0"])
        #expect(try sql("SELECT count(*) FROM outbox WHERE payment IS NOT NULL AND payment NOT IN (SELECT id FROM payment)") == ["0"])
        #expect(try sql("PRAGMA integrity_check") == ["ok"])
        let reads = try last.client().call("payments.list")
        #expect((reads.result["payments"] as? [[String: Any]])?.count == min(stored.count, 1_000))  // the list's page size
    }
}
