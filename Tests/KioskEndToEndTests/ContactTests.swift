#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures
import Testing

/// Issue 13 items 7–9 through a real kioskd: kioskctl's contacts, contact and profiles
/// commands as a manager (setpriv'd to the manager gid), refusals for the front and for a
/// signed-in customer, the kiosk's own change surviving a sync document that predates its
/// acknowledgment by the reference back office, and a later document superseding it.
@Suite("Contacts and profiles over the socket", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct ContactTests {
    /// kioskctl as uid nobody with `gid`'s role, `stdin` fed to it (the PIN prompts read it when
    /// it is not a terminal).
    static func ctl(_ daemon: DaemonProcess, _ arguments: [String], stdin: String? = nil,
                    gid: UInt32 = ScratchGroups.manager) throws -> ProcessResult {
        try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=\(gid)", "--groups=\(ScratchGroups.socketGroup)", "--",
                                            try publicCopy(of: Products.kioskctl, in: daemon.directory), "--socket", daemon.socketPath] + arguments,
                       stdin: stdin.map { Data($0.utf8) })
    }

    /// The demo store as a sync document as of `asOf`, as JSON params.
    static func demo(asOf: Date) throws -> [String: Any] {
        let today = DemoStore.today(at: Date())
        let document = DemoStore.document(today: today, now: Instant(asOf))
        return try JSONSerialization.jsonObject(with: JSONEncoder().encode(document)) as? [String: Any] ?? [:]
    }

    static func contacts(_ daemon: DaemonProcess, _ account: String = "1001") throws -> [String: [String: Any]] {
        let listed = try ctl(daemon, ["contacts", "list", account, "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any]
        let rows = object?["contacts"] as? [[String: Any]] ?? []
        return Dictionary(rows.map { ($0["id"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func sql(_ daemon: DaemonProcess, _ query: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", query])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("kioskctl: contacts list, profiles list, revoke/restore, set-profile, unlock, set-pin (twice, from stdin), each audited")
    func eachCommand() throws {
        let daemon = try DaemonProcess(label: "contacts-ctl")
        let root = try daemon.client()
        #expect(try root.call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)

        let list = try Self.ctl(daemon, ["contacts", "list", "1001"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("C-1001-1  Pat Doe <pat@doebuilders.example>: profile full (Full access), PIN set"), "\(list.stdout)")
        #expect(list.stdout.contains("C-1001-2  Jamie Doe: profile view (View only), PIN set"), "\(list.stdout)")
        let profiles = try Self.ctl(daemon, ["profiles", "list"])
        #expect(profiles.stdout.contains("view  View only: view_balances, view_open_items, view_credits, view_statements, view_history"), "\(profiles.stdout)")
        #expect(profiles.stdout.contains("full  Full access: view_balances") && profiles.stdout.contains("manage_autopay"), "\(profiles.stdout)")

        let revoked = try Self.ctl(daemon, ["contact", "revoke", "1001", "C-1001-2"])
        #expect(revoked.status == 0 && revoked.stdout.contains("REVOKED") && revoked.stdout.contains("not yet acknowledged"), "\(revoked)")
        #expect(try Self.contacts(daemon)["C-1001-2"]?["revoked"] as? Bool == true)
        #expect(try Self.contacts(daemon)["C-1001-2"]?["pending_sync"] as? Bool == true)
        let again = try Self.ctl(daemon, ["contact", "revoke", "1001", "C-1001-2"])
        #expect(again.status == 0)
        #expect(try Self.sql(daemon, "SELECT count(*) FROM outbox WHERE topic = 'contact'") == "1", "a call that changes nothing writes nothing")
        let restored = try Self.ctl(daemon, ["contact", "restore", "1001", "C-1001-2"])
        #expect(restored.status == 0 && !restored.stdout.contains("REVOKED"), "\(restored)")

        let profile = try Self.ctl(daemon, ["contact", "set-profile", "1001", "C-1001-2", "full"])
        #expect(profile.status == 0 && profile.stdout.contains("profile full (Full access)"), "\(profile)")
        let unknown = try Self.ctl(daemon, ["contact", "set-profile", "1001", "C-1001-2", "owner"])
        #expect(unknown.status != 0 && unknown.stderr.contains("no profile with that id") && !unknown.stderr.contains("owner"), "\(unknown)")
        let noContact = try Self.ctl(daemon, ["contact", "revoke", "1001", "C-9999"])
        #expect(noContact.status != 0 && noContact.stderr.contains("no contact with that id"), "\(noContact)")

        // Five wrong PINs lock Jamie; the manager unlocks at the counter.
        let front = try FrontClient(daemon)
        for attempt in 1...5 {
            _ = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "0000"], id: attempt)
        }
        let locked = try Self.contacts(daemon)["C-1001-2"]
        #expect(locked?["locked_until"] as? String != nil, "\(String(describing: locked))")
        let unlocked = try Self.ctl(daemon, ["contact", "unlock", "1001", "C-1001-2"])
        #expect(unlocked.status == 0 && !unlocked.stdout.contains("locked until"), "\(unlocked)")
        #expect(try Self.contacts(daemon)["C-1001-2"]?["failed_attempts"] as? Int == 0)

        // set-pin: asked twice; a mismatch and a rule broken change nothing.
        let mismatch = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2"], stdin: "582914\n582915\n")
        #expect(mismatch.status != 0 && mismatch.stderr.contains("the two PINs differ"), "\(mismatch)")
        let run = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2"], stdin: "123456\n123456\n")
        #expect(run.status != 0 && run.stderr.contains("a run of digits") && !run.stderr.contains("123456"), "\(run)")
        let set = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2"], stdin: "582914\n582914\n")
        #expect(set.status == 0 && set.stdout.contains("PIN set") && !set.stdout.contains("582914"), "\(set)")
        let signIn = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "582914"], id: 10)
        #expect((signIn["result"] as? [String: Any])?["session"] != nil, "\(signIn)")
        let old = try FrontClient(daemon).call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 1)
        #expect(old.errorKind == "permission_denied", "the old PIN no longer works: \(old)")

        // Every write audited with who (the manager's peer); unlock too; never a PIN or hash.
        let audit = try Self.sql(daemon, "SELECT role || '|' || action || '|' || detail FROM audit_log WHERE action LIKE 'contact.%' ORDER BY id")
        for action in ["contact.revoke", "contact.restore", "contact.set_profile", "contact.unlock", "contact.set_pin"] {
            #expect(audit.contains("manager|\(action)|contact C-1001-2 of account 1001"), "\(action): \(audit)")
        }
        #expect(!audit.contains("582914") && !audit.contains("pbkdf2"), "\(audit)")
    }

    @Test("refused by role: the front cannot manage contacts, not even signed in; a manager can")
    func refusedByRole() throws {
        let daemon = try DaemonProcess(label: "contacts-roles")
        #expect(try daemon.client().call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)
        for arguments in [["contacts", "list", "1001"], ["contact", "revoke", "1001", "C-1001-2"], ["contact", "unlock", "1001", "C-1001-2"],
                          ["contact", "set-profile", "1001", "C-1001-2", "full"], ["profiles", "list"]] {
            let refused = try Self.ctl(daemon, arguments, gid: ScratchGroups.front)
            #expect(refused.status != 0 && refused.stderr.contains("permission denied") && refused.stderr.contains("manager or technician"),
                    "\(arguments): \(refused)")
        }
        let pin = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2"], stdin: "582914\n582914\n", gid: ScratchGroups.front)
        #expect(pin.status != 0 && pin.stderr.contains("permission denied"), "\(pin)")
        // A signed-in customer with every permission is still not staff.
        let front = try FrontClient(daemon)
        let signIn = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-1", "pin": "4821"], id: 1)
        #expect(signIn.error == nil, "\(signIn)")
        for (i, method) in ["contacts.list", "contact.revoke", "contact.restore", "contact.unlock", "profiles.list"].enumerated() {
            let reply = try front.call(method, params: ["account": "1001", "contact": "C-1001-2"], id: 10 + i)
            #expect(reply.errorKind == "permission_denied", "\(method): \(reply)")
        }
        let setPIN = try front.call("contact.set_pin", params: ["account": "1001", "contact": "C-1001-2", "pin": "582914"], id: 20)
        #expect(setPIN.errorKind == "permission_denied" && !"\(setPIN)".contains("582914"), "\(setPIN)")
        #expect(try Self.sql(daemon, "SELECT count(*) FROM outbox WHERE topic = 'contact'") == "0")
        // Bad params: a path and a sentence.
        let bad = try daemon.client().call("contact.revoke", params: ["account": "1001", "contact": ""])
        #expect(bad.errorCode == -32602 && bad.errorData["path"] as? String == "params.contact", "\(bad)")
        let missing = try daemon.client().call("contact.set_profile", params: ["account": "1001", "contact": "C-1001-2"])
        #expect(missing.errorCode == -32602 && missing.errorData["path"] as? String == "params.profile", "\(missing)")
        let long = try daemon.client().call("contacts.list", params: ["account": String(repeating: "9", count: 65)])
        #expect(long.errorCode == -32602 && long.errorData["path"] as? String == "params.account" && long.errorMessage.contains("1 to 64"), "\(long)")
        let number = try daemon.client().call("contact.set_pin", params: ["account": "1001", "contact": "C-1001-2", "pin": 582914])
        #expect(number.errorCode == -32602 && number.errorData["path"] as? String == "params.pin" && !number.errorMessage.contains("582914"), "\(number)")
        let noAccount = try Self.ctl(daemon, ["contacts", "list", "9999"])
        #expect(noAccount.status != 0 && noAccount.stderr.contains("no account with that number"), "\(noAccount)")
        let oldMissing = try front.call("pin.change", params: ["new_pin": "582914"], id: 30)
        #expect(oldMissing.errorCode == -32602 && oldMissing.errorData["path"] as? String == "params.old_pin", "\(oldMissing)")
        let oldEmpty = try front.call("pin.change", params: ["old_pin": "", "new_pin": "582914"], id: 31)
        #expect(oldEmpty.errorCode == -32602 && oldEmpty.errorData["path"] as? String == "params.old_pin", "\(oldEmpty)")
    }

    @Test("revoking ends the contact's open session at once; a new profile applies from the next request")
    func sessionsFollowTheContact() throws {
        let daemon = try DaemonProcess(label: "contacts-sessions")
        #expect(try daemon.client().call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)
        let front = try FrontClient(daemon)
        _ = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 1)
        #expect(try front.call("payment.options", id: 2).errorKind == "permission_denied", "view only: no pay")
        #expect(try Self.ctl(daemon, ["contact", "set-profile", "1001", "C-1001-2", "full"]).status == 0)
        #expect(try front.call("payment.options", id: 3).error == nil, "the next request has the new profile")
        #expect(try Self.ctl(daemon, ["contact", "revoke", "1001", "C-1001-2"]).status == 0)
        #expect(try front.call("account.get", id: 4).errorKind == "session_expired")
        #expect(try front.call("account.get", id: 5).errorKind == "not_signed_in", "the session is gone")
        let again = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 6)
        #expect(again.errorKind == "permission_denied", "\(again)")
    }

    @Test("a sync document that predates the kiosk's change does not undo it; the first one as of its acknowledgment supersedes it")
    func syncDoesNotUndo() throws {
        let office = try BackOfficeProcess(label: "contacts-sync")
        let port = BackOfficeProcess.freePort()
        let daemon = try DaemonProcess(label: "contacts-sync", configExtra: "kiosk_id = \"yard-1\"\n" + office.kioskdConfig(port: port, maxAttempts: 1000))
        let root = try daemon.client()
        let start = Date().addingTimeInterval(-3_600)
        #expect(try root.call("sync.apply", params: Self.demo(asOf: start)).error == nil)

        // The back office is down: the revoke is not acknowledged, and wins over any document.
        #expect(try Self.ctl(daemon, ["contact", "revoke", "1001", "C-1001-2"]).status == 0)
        #expect(try root.call("sync.apply", params: Self.demo(asOf: start.addingTimeInterval(60)), id: 2).error == nil)
        var jamie = try Self.contacts(daemon)["C-1001-2"]
        #expect(jamie?["revoked"] as? Bool == true && jamie?["pending_sync"] as? Bool == true, "\(String(describing: jamie))")

        // The back office comes up and answers 2xx: acknowledged at A.
        try office.start(port: port)
        #expect(try eventually { (try Self.contacts(daemon)["C-1001-2"]?["pending_sync"] as? Bool) == false }, "the change was never acknowledged")
        let acknowledged = try Self.sql(daemon, "SELECT acknowledged_at FROM kiosk_change")
        let a = try #require(Instant(acknowledged)?.date, "acknowledged_at: \(acknowledged)")
        let received = try office.sql("SELECT payload FROM message WHERE topic = 'contact'")
        #expect(received.contains(#""change":"revoke""#) && received.contains(#""contact":"C-1001-2""#) && received.contains(#""revoked":true"#), "\(received)")

        // A document as of just before A (the back office had not seen the change): still revoked.
        #expect(try root.call("sync.apply", params: Self.demo(asOf: a.addingTimeInterval(-0.5)), id: 3).error == nil)
        jamie = try Self.contacts(daemon)["C-1001-2"]
        #expect(jamie?["revoked"] as? Bool == true && jamie?["pending_sync"] as? Bool == false, "\(String(describing: jamie))")
        // The first document as of A or later (here exactly A) rules: it restores Jamie, the back
        // office's decision.
        // (as_of is the acknowledgment's own text: a Date round trip may move it a millisecond)
        var atA = try Self.demo(asOf: a)
        atA["as_of"] = acknowledged
        #expect(try root.call("sync.apply", params: atA, id: 4).error == nil)
        jamie = try Self.contacts(daemon)["C-1001-2"]
        #expect(jamie?["revoked"] as? Bool == false && jamie?["pending_sync"] as? Bool == false, "\(String(describing: jamie))")
        #expect(try Self.sql(daemon, "SELECT count(*) FROM kiosk_change") == "0")
        let sync = try Self.sql(daemon, "SELECT detail FROM audit_log WHERE action = 'sync.apply' ORDER BY id")
        #expect(sync.contains("kiosk changes: 1 kept") && sync.contains("1 superseded"), "\(sync)")
    }

    @Test("pin.change through a front session: rules first (nothing counted), a wrong old PIN counted, the lock ends the session")
    func customerChangesPIN() throws {
        let daemon = try DaemonProcess(label: "contacts-pin-change")
        #expect(try daemon.client().call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)
        let front = try FrontClient(daemon)
        #expect(try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "7360"], id: 1).error == nil)
        for (i, (pin, reason)) in [("12a456", "not_digits"), ("123", "length"), ("777777", "same_digit"), ("98765", "run")].enumerated() {
            let reply = try front.call("pin.change", params: ["old_pin": "0000", "new_pin": pin], id: 2 + i)
            #expect(reply.errorKind == "invalid_pin" && reply.errorData["reason"] as? String == reason && !reply.errorMessage.contains(pin), "\(reply)")
        }
        #expect(try Self.contacts(daemon)["C-1001-2"]?["failed_attempts"] as? Int == 0, "a new PIN that breaks the rules counts nothing")
        let wrong = try front.call("pin.change", params: ["old_pin": "0000", "new_pin": "691470"], id: 10)
        #expect(wrong.errorKind == "permission_denied" && wrong.errorData["attempts_left"] as? Int == 4, "\(wrong)")
        let changed = try front.call("pin.change", params: ["old_pin": "7360", "new_pin": "691470"], id: 11)
        #expect((changed["result"] as? [String: Any])?["ok"] as? Bool == true, "\(changed)")
        let row = try Self.contacts(daemon)["C-1001-2"]
        #expect(row?["failed_attempts"] as? Int == 0 && row?["pending_sync"] as? Bool == true, "\(String(describing: row))")
        let body = try Self.sql(daemon, "SELECT payload FROM outbox WHERE topic = 'contact'")
        #expect(body.contains(#""change":"pin_change""#) && body.contains(#""by":"contact""#) && body.contains("$pbkdf2-sha256$"), "\(body)")
        // Five wrong old PINs: the fifth locks the contact and ends the session.
        var last: [String: Any] = [:]
        for i in 0..<5 { last = try front.call("pin.change", params: ["old_pin": "0000", "new_pin": "246813"], id: 20 + i) }
        #expect(last.errorKind == "locked_out", "\(last)")
        #expect(try front.call("account.get", id: 30).errorKind == "not_signed_in", "the lock ended the session")
        let signIn = try FrontClient(daemon).call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "691470"], id: 1)
        #expect(signIn.errorKind == "locked_out", "\(signIn)")
        #expect(try Self.ctl(daemon, ["contact", "unlock", "1001", "C-1001-2"]).status == 0)
        let again = try FrontClient(daemon).call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "691470"], id: 1)
        #expect(again.error == nil, "the new PIN signs in once unlocked: \(again)")
    }

    @Test("leak scan: PINs set by a manager and changed by a customer never reach the database, WAL, log, replies, events or audit")
    func pinsNeverLeak() throws {
        let setPIN = "582914", newPIN = "691470", wrongPIN = "736251", badPIN = "111111"
        let daemon = try DaemonProcess(label: "contacts-leaks")
        #expect(try daemon.client().call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)
        var said: [String] = []
        let set = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2", "--json"], stdin: "\(setPIN)\n\(setPIN)\n")
        #expect(set.status == 0, "\(set)")
        said += [set.stdout, set.stderr]
        let bad = try Self.ctl(daemon, ["contact", "set-pin", "1001", "C-1001-2"], stdin: "\(badPIN)\n\(badPIN)\n")
        #expect(bad.status != 0)
        said += [bad.stdout, bad.stderr]
        let front = try FrontClient(daemon)
        _ = try front.call("events.subscribe", params: ["types": ["device.attached", "capture.done"]], id: 1)
        _ = try front.call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": setPIN], id: 2)
        _ = try front.call("pin.change", params: ["old_pin": wrongPIN, "new_pin": newPIN], id: 3)
        _ = try front.call("pin.change", params: ["old_pin": setPIN, "new_pin": badPIN], id: 4)
        _ = try front.call("pin.change", params: ["old_pin": setPIN, "new_pin": newPIN], id: 5)
        let list = try Self.ctl(daemon, ["contacts", "list", "1001", "--json"])
        said += [list.stdout, list.stderr]
        said += front.lines  // every reply and event the front received
        let tech = try daemon.client()
        said.append("\(try tech.call("outbox.list"))")
        daemon.stop()

        let audit = try Self.sql(daemon, "SELECT * FROM audit_log")
        #expect(audit.contains("pin.change") && audit.contains("contact.set_pin"), "the writes were audited: \(audit)")
        let log = daemon.log
        #expect(log.contains("signed in"))
        for pin in [setPIN, newPIN, wrongPIN, badPIN] {
            #expect(!log.contains(pin), "kioskd's log holds a PIN")
            #expect(!audit.contains(pin), "the audit log holds a PIN")
            #expect(!said.joined().contains(pin), "a reply, event or kioskctl output holds a PIN")
            for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
                guard let bytes = FileManager.default.contents(atPath: daemon.dataDirectory + "/" + file) else { continue }
                #expect(bytes.range(of: Data(pin.utf8)) == nil, "\(file) holds a PIN in clear")
            }
        }
        for hash in ["pbkdf2"] {
            #expect(!log.contains(hash) && !audit.contains(hash) && !front.lines.joined().contains(hash), "a PIN hash left the database")
        }
    }

    @Test("kioskctl contact set-pin on a terminal: asked twice on /dev/tty with echo off, never shown")
    func setPINOnATerminal() throws {
        let daemon = try DaemonProcess(label: "contacts-tty")
        #expect(try daemon.client().call("sync.apply", params: Self.demo(asOf: Date().addingTimeInterval(-3_600))).error == nil)
        // kioskctl in a tmux pane (a real terminal); the shell keeps the pane open after it exits.
        let tty = try TmuxFront(socketPath: daemon.socketPath, arguments: ["contact", "set-pin", "1001", "C-1001-2"],
                                wrapper: ["/bin/sh", "-c", "\"$@\"; echo \"kioskctl exited $?\"; sleep 60", "sh"], front: Products.kioskctl)
        try tty.waitFor("New PIN for C-1001-2:")
        try tty.type("582914")
        try tty.keys("Enter")
        let second = try tty.waitFor("Type the new PIN again:")
        #expect(!second.contains("582914"), "the PIN is not echoed: \(second)")
        try tty.type("582914")
        try tty.keys("Enter")
        let done = try tty.waitFor("kioskctl exited 0")
        #expect(done.contains("PIN set") && !done.contains("582914"), "\(done)")
        let signIn = try FrontClient(daemon).call("session.begin", params: ["account": "1001", "contact": "C-1001-2", "pin": "582914"], id: 1)
        #expect(signIn.error == nil, "\(signIn)")
    }
}
