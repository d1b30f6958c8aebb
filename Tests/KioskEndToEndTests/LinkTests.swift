#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The back-office link against the real reference server on loopback: outages, 500s,
/// answers slower than the timeout, connections dropped after the server committed, dead
/// entries, outcomes flowing back, sync pull, heartbeat, and SIGKILLs while relaying.
@Suite("Back-office link", .serialized)
struct LinkTests {
    /// A kiosk with the paying store loaded, the pad allowed, the back-office key installed.
    func kiosk(_ label: String, link: String, dataDirectory: String? = nil, publicKey: String) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, configExtra: "emulated_devices = true\nkiosk_id = \"yard-1\"\n" + link, dataDirectory: dataDirectory)
        if dataDirectory == nil {
            _ = try daemon.kioskctl(["provision", "backoffice-key", publicKey])
            let c = try daemon.client()
            _ = try c.call("sync.apply", params: PayingStore.document(count: 200))
            _ = try c.call("device.allow", params: ["id": "emulated-pad-1"], id: 2)
        }
        return daemon
    }

    func outbox(_ daemon: DaemonProcess) throws -> [String: Int] {
        let status = try daemon.client().call("status").result["outbox"] as? [String: Int] ?? [:]
        return status
    }

    @Test("outage, then 500s, slow answers and dropped connections: everything drains, nothing twice")
    func unreliableBackOffice() throws {
        let office = try BackOfficeProcess(label: "link-faults")
        let port = BackOfficeProcess.freePort()
        let daemon = try kiosk("link-faults", link: office.kioskdConfig(port: port), publicKey: office.publicKey)
        let client = try daemon.client()
        var ids: [String] = []
        for i in 0..<6 { if let id = try payOnce(client, account: i) { ids.append(id) } }
        #expect(ids.count == 6)
        // Down: nothing leaves, the status says why.
        #expect(try eventually { (try daemon.client().call("status").result["backoffice"] as? [String: Any])?["last_error"] as? String != nil })
        #expect(try outbox(daemon)["delivered"] == 0)
        // Up, but failing in every way the relay must survive.
        try office.start(port: port, faults: ["500:3", "slow:2", "drop:2"], slowSeconds: 2)
        let total = try Int(daemon.kioskctl(["outbox", "list", "--json"]).stdout.components(separatedBy: "\"id\"").count - 1)
        #expect(try eventually(timeout: 60) { try outbox(daemon)["delivered"] == total }, "\((try? outbox(daemon)) ?? [:])")
        #expect(try office.sql("SELECT count(*) FROM payment") == "6")
        #expect(try office.sql("SELECT count(*) FROM payment GROUP BY id HAVING count(*) > 1") == "")
        #expect(try office.sql("SELECT count(*) FROM answered") == "\(total)", "one answer per key: no entry counted twice")
        #expect(try office.sql("SELECT count(*) FROM payment WHERE signature_opened = 1") == "6", "the back office opens every sealed signature")
        let log = daemon.log
        #expect(log.contains("will retry with the same key"))
        #expect(log.contains("outcome unknown"), "a slow answer and a dropped connection are unknown outcomes")
        #expect(try office.sql("SELECT count FROM heartbeat WHERE kiosk = 'yard-1'").isEmpty == false)
        let status = try daemon.kioskctl(["status"]).stdout
        #expect(status.contains("last contact: 20") && status.contains("0 dead"), "\(status)")
    }

    @Test("after N attempts an entry is dead, shown to managers, and a retry delivers it with the same key")
    func deadEntries() throws {
        let office = try BackOfficeProcess(label: "link-dead")
        try office.start(faults: ["500:1000"])
        let daemon = try kiosk("link-dead", link: office.kioskdConfig(maxAttempts: 3), publicKey: office.publicKey)
        let id = try #require(try payOnce(try daemon.client(), account: 0))
        #expect(try eventually { try outbox(daemon)["dead"] == 4 }, "\((try? outbox(daemon)) ?? [:])")
        let dead = try daemon.kioskctl(["outbox", "list", "--state", "dead"]).stdout
        // STATE dead, ATTEMPTS 3 (a table: columns as wide as their values).
        #expect(dead.split(separator: "\n").dropFirst().allSatisfy { $0.range(of: "dead +3  ", options: .regularExpression) != nil }
                && dead.contains("HTTP 500"), "\(dead)")
        #expect(try daemon.kioskctl(["status"]).stdout.contains("4 dead"))
        try office.start(port: office.port)  // healthy now, same database
        let entries = try daemon.kioskctl(["outbox", "list", "--state", "dead", "--json"]).stdout
        let entryIDs = (try JSONSerialization.jsonObject(with: Data(entries.utf8)) as? [String: Any])?["entries"] as? [[String: Any]] ?? []
        for entry in entryIDs { #expect(try daemon.kioskctl(["outbox", "retry", "\(entry["id"] as? Int ?? -1)"]).status == 0) }
        #expect(try eventually { try outbox(daemon)["delivered"] == 4 })
        #expect(try office.sql("SELECT id FROM payment") == id)
        #expect(try daemon.kioskctl(["outbox", "retry", "999999"]).stderr.contains("no dead outbox entry"))
    }

    @Test("decisions flow back: a rejection at the back office reaches the customer's next account read")
    func outcomesFlowBack() throws {
        let office = try BackOfficeProcess(label: "link-outcome")
        try office.start()
        let daemon = try kiosk("link-outcome", link: office.kioskdConfig(), publicKey: office.publicKey)
        let rejected = try #require(try payOnce(try daemon.client(), account: 0))
        let processed = try #require(try payOnce(try daemon.client(), account: 1))
        #expect(try eventually { try office.sql("SELECT count(*) FROM payment") == "2" })
        _ = try runProcess(Products.backoffice, ["payments", "decide", "reject", rejected, "--reason", "account", "--message", "Please call Ann about this account.", "--db", office.database])
        _ = try runProcess(Products.backoffice, ["payments", "decide", "process", processed, "--db", office.database])
        #expect(try eventually { try daemon.kioskctl(["payments", "list", "--state", "rejected"]).stdout.contains(rejected) })
        #expect(try eventually { try daemon.kioskctl(["payments", "list", "--state", "processed"]).stdout.contains(processed) })
        let customer = try daemon.client()
        let signIn = try customer.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin]).result
        #expect((signIn["notices"] as? [[String: Any]])?.first?["message"] as? String == "Please call Ann about this account.")
        let info = try customer.call("account.get", id: 2).result
        #expect((info["rejected_payments"] as? [[String: Any]])?.first?["reason"] as? String == "account_issue_call")
        #expect(try daemon.kioskctl(["payments", "list", "--state", "processed"]).stdout.contains(processed))
    }

    @Test("sync documents are pulled on demand; a second pull is up to date")
    func syncPull() throws {
        let office = try BackOfficeProcess(label: "link-sync")
        try office.start()
        let daemon = try kiosk("link-sync", link: office.kioskdConfig(), publicKey: office.publicKey)
        let doc = office.directory + "/sync.json"
        try JSONSerialization.data(withJSONObject: PayingStore.document(count: 201, asOf: "2026-11-21T00:00:00Z")).write(to: URL(fileURLWithPath: doc))
        _ = try runProcess(Products.backoffice, ["sync", "publish", doc, "--db", office.database])
        let pulled = try daemon.kioskctl(["sync", "pull"])
        #expect(pulled.status == 0 && pulled.stdout.contains("Applied"), "\(pulled)")
        #expect(try daemon.client().call("account.get", params: ["account": "C10200"]).result["number"] as? String == "C10200")
        #expect(try daemon.kioskctl(["sync", "pull"]).stdout.contains("up to date"))
    }

    @Test("a backlog drains in order once the back office is up (rate printed for the closing note)")
    func backlogDrains() throws {
        let office = try BackOfficeProcess(label: "link-backlog")
        let port = BackOfficeProcess.freePort()
        let daemon = try kiosk("link-backlog", link: office.kioskdConfig(port: port), publicKey: office.publicKey)
        let client = try daemon.client()
        for i in 0..<100 { _ = try payOnce(client, account: i) }
        let counts = try outbox(daemon)
        let entries = (counts["due"] ?? 0) + (counts["in_flight"] ?? 0)
        #expect(entries == 400)
        try office.start(port: port)
        let started = Date()
        #expect(try eventually(timeout: 60) { try outbox(daemon)["delivered"] == entries })
        let seconds = Date().timeIntervalSince(started)
        print(String(format: "link backlog: %d entries drained in %.2f s = %.0f entries/s (debug build, loopback)", entries, seconds, Double(entries) / seconds))
        #expect(try office.sql("SELECT count(*) FROM answered") == "\(entries)")
    }

    @Test("SIGKILL while relaying, 100 times: every acknowledged payment reaches the back office exactly once")
    func killWhileRelaying() throws {
        let office = try BackOfficeProcess(label: "link-kill")
        let port = BackOfficeProcess.freePort()
        let first = try kiosk("link-kill", link: office.kioskdConfig(port: port), publicKey: office.publicKey)
        let client = try first.client()
        var acknowledged: [String] = []
        for i in 0..<40 { if let id = try payOnce(client, account: i) { acknowledged.append(id) } }
        let entries = try Int(runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", first.dataDirectory + "/kiosk.sqlite", "SELECT count(*) FROM outbox"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        first.stop()
        try office.start(port: port, faults: ["slow:30"], slowSeconds: 0.05)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<100 {
            let daemon = try kiosk("link-kill-\(round % 3)", link: office.kioskdConfig(port: port), dataDirectory: first.dataDirectory, publicKey: office.publicKey)
            usleep(UInt32.random(in: 5_000...120_000, using: &generator))
            kill(daemon.process.processIdentifier, SIGKILL)
            daemon.process.waitUntilExit()
        }
        let last = try kiosk("link-kill-last", link: office.kioskdConfig(port: port), dataDirectory: first.dataDirectory, publicKey: office.publicKey)
        #expect(try eventually(timeout: 60) { try outbox(last)["delivered"] == entries }, "\((try? outbox(last)) ?? [:])")
        #expect(try office.sql("SELECT count(*) FROM payment") == "\(acknowledged.count)")
        #expect(Set(try office.sql("SELECT id FROM payment").split(separator: "\n").map(String.init)) == Set(acknowledged))
        #expect(try office.sql("SELECT count(*) FROM answered") == "\(entries)")
        #expect(try office.sql("SELECT count(*) FROM message") == "\(entries - acknowledged.count)")
        last.stop()
    }
}
