#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 15 item 6 through a real kioskd: managers' changes land in the hash-chained audit
/// log, `kioskctl audit list` shows them, and `kioskctl audit verify` catches a row edited or
/// deleted with the sqlite3 shell exactly as an attacker would (triggers dropped first).
@Suite("Audit log from kioskctl", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct AuditCommandTests {
    /// A demo daemon after three audited manager actions: revoke, restore, revoke again.
    static func daemonWithChanges(_ label: String) throws -> DaemonProcess {
        let daemon = try PaymentTests().demo(label)
        for verb in ["revoke", "restore", "revoke"] {
            let changed = try ContactTests.ctl(daemon, ["contact", verb, "1001", "C-1001-2"])
            #expect(changed.status == 0, "\(changed.stderr)")
        }
        return daemon
    }

    /// The shell, as the attacker runs it on the database file.
    static func attack(_ daemon: DaemonProcess, _ sql: String) throws {
        let result = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite",
                                                         "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; " + sql])
        #expect(result.status == 0, "\(result.stderr)")
    }

    static func ids(_ daemon: DaemonProcess, action: String) throws -> [Int] {
        try ContactTests.sql(daemon, "SELECT id FROM audit_log WHERE action = '\(action)' ORDER BY id").split(separator: "\n").compactMap { Int($0) }
    }

    @Test("audit list shows the manager's changes with user and role; verify is ok; an UPDATE through the shell is named; the front is refused")
    func listVerifyAndEdit() throws {
        let daemon = try Self.daemonWithChanges("audit-edit")
        let listed = try ContactTests.ctl(daemon, ["audit", "list", "--actor", "nobody", "--action", "contact"])
        #expect(listed.status == 0, "\(listed.stderr)")
        let lines = listed.stdout.split(separator: "\n")
        #expect(lines.count == 3, "\(listed.stdout)")
        #expect(lines.first?.contains("nobody (uid 65534, manager)  contact.revoke  [contact C-1001-2]") == true, "\(listed.stdout)")
        #expect(lines.dropFirst().first?.contains("contact.restore") == true, "newest first: \(listed.stdout)")

        let json = try ContactTests.ctl(daemon, ["audit", "list", "--actor", "65534", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let entries = object?["entries"] as? [[String: Any]] ?? []
        #expect(entries.count == 3 && entries.first?["role"] as? String == "manager" && entries.first?["user"] as? String == "nobody", "\(json.stdout)")
        #expect((entries.first?["summary"] as? String)?.hasPrefix("contact C-1001-2 of account 1001") == true, "\(json.stdout)")

        let ok = try ContactTests.ctl(daemon, ["audit", "verify"], gid: ScratchGroups.technician)
        #expect(ok.status == 0 && ok.stdout.contains("The audit log is intact:"), "\(ok.stdout)\(ok.stderr)")

        // Bad input: a sentence naming the param, a failing status.
        let badSince = try ContactTests.ctl(daemon, ["audit", "list", "--since", "yesterday"])
        #expect(badSince.status != 0 && badSince.stderr.contains("params.since"), "\(badSince.stderr)")
        let badDay = try ContactTests.ctl(daemon, ["audit", "list", "--since", "2026-02-30"])
        #expect(badDay.status != 0 && badDay.stderr.contains("params.since"), "\(badDay.stderr)")
        let since = try ContactTests.ctl(daemon, ["audit", "list", "--since", "2000-01-01", "--action", "contact.restore"])
        #expect(since.status == 0 && since.stdout.split(separator: "\n").count == 1, "\(since.stdout)\(since.stderr)")

        // The front's role may neither read nor check the log.
        for arguments in [["audit", "list"], ["audit", "verify"]] {
            let front = try ContactTests.ctl(daemon, arguments, gid: ScratchGroups.front)
            #expect(front.status != 0 && front.stdout.isEmpty, "\(arguments): \(front.stdout)")
        }

        // The daemon's own connection cannot rewrite it either: the triggers refuse.
        let refused = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite",
                                                          "UPDATE audit_log SET detail = 'x' WHERE id = 1"])
        #expect(refused.status != 0 && refused.stderr.contains("append-only"), "\(refused.stderr)")

        let restore = try #require(try Self.ids(daemon, action: "contact.restore").first)
        try Self.attack(daemon, "UPDATE audit_log SET detail = 'contact C-1001-2 of account 1001: nothing happened' WHERE id = \(restore)")
        let caught = try ContactTests.ctl(daemon, ["audit", "verify"])
        #expect(caught.status == 65, "\(caught.stdout)\(caught.stderr)")
        #expect(caught.stdout.contains("NOT intact: row \(restore) was changed after it was written"), "\(caught.stdout)")
        let caughtJSON = try ContactTests.ctl(daemon, ["audit", "verify", "--json"])
        let verdict = try JSONSerialization.jsonObject(with: Data(caughtJSON.stdout.utf8)) as? [String: Any]
        #expect(caughtJSON.status == 65 && verdict?["ok"] as? Bool == false
                && (verdict?["first_bad"] as? [String: Any])?["id"] as? Int == restore, "\(caughtJSON.stdout)")
    }

    @Test("a middle row deleted with the shell, and then the last row, are each caught")
    func deletions() throws {
        let daemon = try Self.daemonWithChanges("audit-delete")
        #expect(try ContactTests.ctl(daemon, ["audit", "verify"]).status == 0)
        let revokes = try Self.ids(daemon, action: "contact.revoke")
        let restore = try #require(try Self.ids(daemon, action: "contact.restore").first)
        #expect(revokes.count == 2)

        try Self.attack(daemon, "DELETE FROM audit_log WHERE id = \(restore)")
        let middle = try ContactTests.ctl(daemon, ["audit", "verify"])
        #expect(middle.status == 65 && middle.stdout.contains("row \(restore) is missing"), "\(middle.stdout)\(middle.stderr)")

        // Another kiosk: the newest row deleted while the daemon runs.
        let other = try Self.daemonWithChanges("audit-delete-last")
        let last = try #require(Int(try ContactTests.sql(other, "SELECT max(id) FROM audit_log")))
        try Self.attack(other, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
        #expect(try ContactTests.sql(other, "SELECT max(id) FROM audit_log") == String(last - 1), "the shell removed it")
        let tail = try ContactTests.ctl(other, ["audit", "verify"])
        #expect(tail.status == 65 && tail.stdout.contains("the newest rows were deleted"), "\(tail.stdout)\(tail.stderr)")
        #expect(tail.stdout.contains("row \(last) is missing") || tail.stdout.contains("rows \(last) to"), "\(tail.stdout)")
    }
}
