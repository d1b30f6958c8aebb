import Foundation
import Testing

/// Issue 13 item 8 with the real `kiosk-front` under tmux against `kioskd --demo`: Pat changes
/// the PIN at the kiosk (a rule broken first, shown in words), signs out, and signs in with
/// the new one; the old one no longer works. Nothing typed is ever drawn, stored or logged.
@Suite("kiosk-front under tmux: people", .serialized)
struct FrontTmuxPeopleTests {
    static let newPIN = "582914"

    @Test("change the PIN at the kiosk, then sign in with the new one")
    func changePIN() throws {
        let daemon = try DaemonProcess(label: "front-pin", extraArguments: ["--demo"])
        defer { daemon.stop() }
        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signInAsPat()
        try front.waitFor("[P] Change my PIN")
        try front.keys("p")
        try front.waitFor("Current PIN:")
        try front.type("4821")
        try front.keys("Enter")
        // A run breaks the rules: typed twice, refused by the daemon, said in words.
        try front.type("1234")
        try front.keys("Enter")
        try front.type("1234")
        try front.keys("Enter")
        let rule = try front.waitFor("Your PIN was not changed.")
        #expect(rule.contains("A PIN cannot count up or down, like 1234 or 9876. Your PIN was not changed."), "\(rule)")
        try front.saveScreen("pin-change-rule")

        try front.type("4821")
        try front.keys("Enter")
        try front.type(Self.newPIN)
        try front.keys("Enter")
        try front.type(Self.newPIN)
        let typed = try front.waitFor("New PIN again:  ●●●●●●")
        #expect(!typed.contains(Self.newPIN) && !typed.contains("4821"), "PINs are drawn as bullets only")
        try front.saveScreen("pin-change")
        try front.keys("Enter")
        try front.waitFor("Your PIN is changed.")
        try front.saveScreen("pin-changed")
        try front.keys("Enter")
        try front.waitFor("Hello, Pat Doe")
        try front.keys("Escape")

        // The old PIN is refused; the new one signs Pat in.
        try front.waitFor("Type your account number")
        try front.type("1001")
        try front.keys("Enter")
        try front.type("4821")
        try front.keys("Enter")
        try front.waitFor("That PIN is not right.")
        try front.type(Self.newPIN)
        try front.keys("Enter")
        try front.waitFor("Hello, Pat Doe")
        daemon.stop()

        // Leak scan: the new PIN (and the rule-breaking one typed as a PIN) never reach the
        // database, its WAL, the log or the audit; only the PBKDF2 hash is kept.
        let log = daemon.log
        #expect(log.contains("signed in"))
        for secret in [Self.newPIN, "pbkdf2"] { #expect(!log.contains(secret), "kioskd's log holds \(secret.prefix(3))…") }
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let path = daemon.dataDirectory + "/" + file
            guard let bytes = FileManager.default.contents(atPath: path) else { continue }
            #expect(bytes.range(of: Data(Self.newPIN.utf8)) == nil, "\(file) holds the new PIN in clear")
        }
        let audit = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite",
                                                        "SELECT role, user_name, action, detail FROM audit_log WHERE action = 'pin.change'"]).stdout
        #expect(audit.contains("pin.change|contact C-1001-1 of account 1001: PIN changed by the contact"), "\(audit)")
        #expect(audit.contains("contact C-1001-1 ("), "the audit names the contact: \(audit)")
    }
}
