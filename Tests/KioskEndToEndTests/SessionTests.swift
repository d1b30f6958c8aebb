import Foundation
import Testing

/// Signing in at the kiosk: PIN checks, lockout that survives a restart, revoked contacts,
/// idle expiry, and a session that sees only its account and what its profile allows.
/// Demo data (DemoStore): 1001 has Pat (full, 4821) and Jamie (view only, 7360); 4001's
/// second contact is revoked (PIN 5555).
@Suite("Sessions and PINs", .serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
struct SessionTests {
    func demo(_ label: String, config: String = "", dataDirectory: String? = nil) throws -> DaemonProcess {
        try DaemonProcess(label: label, configExtra: config, dataDirectory: dataDirectory, extraArguments: ["--demo"])
    }

    @Test("the front reads nothing before sign-in, then only its own account")
    func signedInReads() throws {
        let daemon = try demo("sess-reads")
        let replies = try frontSession(daemon, [
            .call("account.get", [:]),
            .call("session.begin", ["account": "1001", "pin": "4821"]),
            .call("account.get", [:]),
            .call("account.balances", ["account": "1001"]),
            .call("account.get", ["account": "2001"]),
            .call("session.end", [:]),
            .call("account.get", [:]),
        ])
        #expect(replies.count == 7)
        guard replies.count == 7 else { return }
        #expect(replies[0].errorKind == "not_signed_in")
        #expect(replies[1].result["contact"].flatMap { ($0 as? [String: Any])?["id"] as? String } == "C-1001-1")
        #expect(replies[1].result["expires_in"] as? Int == 120)
        #expect(replies[2].result["number"] as? String == "1001")
        #expect(replies[3].result["currency"] as? String == "USD")
        #expect(replies[4].errorKind == "permission_denied")
        #expect(replies[6].errorKind == "not_signed_in")
    }

    @Test("a view-only contact may not see balances; a revoked contact cannot sign in")
    func profilesAndRevoked() throws {
        let daemon = try demo("sess-profile")
        let replies = try frontSession(daemon, [
            .call("session.begin", ["account": "1001", "pin": "7360"]),
            .call("account.get", [:]),
            .call("items.open", [:]),
            .call("session.begin", ["account": "4001", "pin": "5555", "contact": "C-4001-2"]),
            .call("session.begin", ["account": "4001", "pin": "5555"]),
            .call("session.begin", ["account": "9999", "pin": "1234"]),
            .call("session.begin", ["account": "1001", "pin": ""]),
        ])
        guard replies.count == 7 else { Issue.record("\(replies)"); return }
        #expect((replies[0].result["contact"] as? [String: Any])?["id"] as? String == "C-1001-2")
        #expect(replies[1].error == nil)
        let view = (replies[0].result["contact"] as? [String: Any])?["permissions"] as? [String] ?? []
        #expect(replies[2].errorKind == (view.contains("view_open_items") ? nil : "permission_denied"))
        #expect(replies[3].errorKind == "permission_denied" && replies[3].errorMessage.contains("can no longer sign in"))
        #expect(replies[4].errorKind == "permission_denied" && replies[4].errorMessage.contains("PIN is not right"))
        #expect(replies[5].errorKind == "not_found")
        #expect(replies[6].errorCode == -32602)
    }

    @Test("five wrong PINs lock the contact, the customer is told for how long, and a restart keeps the lock")
    func lockout() throws {
        let daemon = try demo("sess-lock", config: "pin_max_failures = 3\npin_lock_minutes = 15")
        let wrong = FrontStep.call("session.begin", ["account": "2001", "pin": "0000"])
        let replies = try frontSession(daemon, [wrong, wrong, wrong, .call("session.begin", ["account": "2001", "pin": "2468"])])
        guard replies.count == 4 else { Issue.record("\(replies)"); return }
        #expect(replies[0].errorKind == "permission_denied")
        #expect(replies[0].errorData["attempts_left"] as? Int == 2)
        #expect(replies[0].errorMessage.contains("2 tries left"))
        #expect(replies[1].errorData["attempts_left"] as? Int == 1)
        #expect(replies[2].errorKind == "locked_out")
        #expect(replies[2].errorMessage.contains("15 more minutes"))
        #expect(replies[3].errorKind == "locked_out", "the right PIN is not even tried while locked")
        let retry = replies[3].errorData["retry_after"] as? Int ?? 0
        #expect(retry > 880 && retry <= 900)
        daemon.stop()

        let again = try demo("sess-lock2", config: "pin_max_failures = 3", dataDirectory: daemon.dataDirectory)
        let after = try frontSession(again, [.call("session.begin", ["account": "2001", "pin": "2468"])])
        #expect(after.first?.errorKind == "locked_out")
        for secret in ["2468", "0000"] {
            #expect(!daemon.log.contains("pin=\(secret)") && !daemon.log.contains("\"\(secret)\""))
        }
    }

    @Test("an idle session expires; the next read says so and asks to sign in again")
    func idleExpiry() throws {
        let daemon = try demo("sess-idle", config: "session_idle_seconds = 2")
        let replies = try frontSession(daemon, [
            .call("session.begin", ["account": "3001", "pin": "1357"]),
            .pause(seconds: 1), .call("account.get", [:]),
            .pause(seconds: 1.2), .call("account.get", [:]),   // activity keeps it alive
            .pause(seconds: 2.5), .call("account.get", [:]),
            .call("account.get", [:]),
        ])
        guard replies.count == 5 else { Issue.record("\(replies)"); return }
        #expect(replies[1].error == nil && replies[2].error == nil)
        #expect(replies[3].errorKind == "session_expired")
        #expect(replies[4].errorKind == "not_signed_in")
    }
}
