import Logging
import Testing
@testable import KioskDaemon

@Suite("Configuration")
struct ConfigurationTests {
    let env = ["STATE_DIRECTORY": "/var/lib/kioskd-x", "RUNTIME_DIRECTORY": "/run/kx"]

    @Test("defaults follow systemd's directories, then the FHS")
    func defaults() {
        let c = Configuration(environment: env)
        #expect(c.dataDirectory == "/var/lib/kioskd-x")
        #expect(c.socketPath == "/run/kx/kioskd.sock")
        let plain = Configuration(environment: [:])
        #expect(plain.dataDirectory == "/var/lib/kioskd")
        #expect(plain.socketPath == "/run/kioskd/kioskd.sock")
    }

    @Test("every documented key is read")
    func allKeys() throws {
        let c = try Configuration.parse("""
        data_dir = "/srv/k"
        socket = "/run/k.sock"
        socket_group = 1234
        log_level = "debug"
        shutdown_grace_seconds = 9
        usb = false
        [roles]
        technician = ["wheel", 7]
        manager = []
        front = ["kiosk-front"]
        """, path: "t.toml", environment: env)
        #expect(c.dataDirectory == "/srv/k" && c.socketPath == "/run/k.sock" && c.socketGroup == "1234")
        #expect(c.logLevel == .debug && c.shutdownGraceSeconds == 9)
        #expect(c.usb == false && Configuration(environment: env).usb == true)
        #expect(c.roles.groups[.technician] == [.name("wheel"), .gid(7)])
        #expect(c.roles.groups[.manager] == [])
    }

    @Test("an unknown key names its line", arguments: [
        ("a = 1\n", "t.toml:1: unknown key \"a\""),
        ("\n\n[roles]\nmanager = []\nadmins = []\n", "t.toml:5: unknown key \"roles.admins\""),
        ("[extra]\nx = 1\n", "t.toml:1: unknown key \"extra\""),
        ("shutdown_grace_seconds = -1\n", "t.toml:1: shutdown_grace_seconds must be"),
        ("log_level = [\n", "t.toml:1: not valid TOML"),
    ])
    func refused(_ text: String, _ expected: String) {
        #expect {
            _ = try Configuration.parse(text, path: "t.toml", environment: [:])
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test("roles: uid 0 is technician; groups grant the highest role; nobody else gets one")
    func roles() {
        var table = RoleTable()
        table.groups = [.technician: [.gid(10)], .manager: [.gid(20)], .front: [.gid(30)]]
        #expect(table.role(for: PeerIdentity(pid: 1, uid: 0, groups: [], userName: "root")) == .technician)
        #expect(table.role(for: PeerIdentity(pid: 1, uid: 5, groups: [30, 20], userName: "u")) == .manager)
        #expect(table.role(for: PeerIdentity(pid: 1, uid: 5, groups: [30], userName: "u")) == .front)
        #expect(table.role(for: PeerIdentity(pid: 1, uid: 5, groups: [99], userName: "u")) == nil)
    }
}

@Suite("Logs")
struct LogfmtTests {
    @Test("values are quoted and control characters cannot forge a new line")
    func quoting() {
        #expect(LogfmtHandler.quote("a\"b\nlevel=critical") == #""a\"b\nlevel=critical""#)
        #expect(LogfmtHandler.quote("bell\u{07}") == #""bell?""#)
        #expect(LogfmtHandler.sanitizeKey("a b=c") == "abc")
        #expect(LogfmtHandler.priority(.error) == 3)
    }
}

@Suite("Configuration: [backoffice]")
struct BackOfficeConfigurationTests {
    func parse(_ table: String) throws(ConfigurationError) -> Configuration {
        try Configuration.parse("[backoffice]\n" + table, path: "/etc/kioskd/kioskd.toml", environment: [:])
    }

    @Test("an https link with every key")
    func full() throws {
        let c = try parse("""
        url = "https://bo.example.com/api"
        token_file = "/etc/kioskd/token"
        client_certificate = "/etc/kioskd/cert.pem"
        client_key = "/etc/kioskd/key.pem"
        timeout_seconds = 5
        max_attempts = 12
        backoff_base_seconds = 0.5
        backoff_cap_seconds = 60
        status_poll_seconds = 15
        sync_interval_seconds = 600
        heartbeat_seconds = 30
        """)
        let link = try #require(c.backOffice)
        #expect(link.url.absoluteString == "https://bo.example.com/api")
        #expect(link.maxAttempts == 12 && link.timeoutSeconds == 5 && link.clientKey == "/etc/kioskd/key.pem")
        #expect(link.backoff(afterAttempt: 1, jitter: 1) == 0.5)
        #expect(link.backoff(afterAttempt: 4, jitter: 1) == 4)
        #expect(link.backoff(afterAttempt: 30, jitter: 1) == 60)
        #expect(link.backoff(afterAttempt: 30, jitter: 0.5) == 30)
    }

    @Test("plain http only to loopback; bad values and unknown keys are refused with their line")
    func refusals() throws {
        #expect(try parse("url = \"http://127.0.0.1:8080\"\ntoken_file = \"/t\"").backOffice?.url.port == 8080)
        #expect(try parse("url = \"http://localhost:8080\"\ntoken_file = \"/t\"").backOffice != nil)
        let cases: [(String, String)] = [
            ("url = \"http://bo.example.com\"\ntoken_file = \"/t\"", "backoffice.url must be https://"),
            ("url = \"ftp://bo.example.com\"\ntoken_file = \"/t\"", "backoffice.url must be"),
            ("url = \"https://bo.example.com\"", "backoffice.token_file must be"),
            ("url = \"https://bo.example.com\"\ntoken_file = \"relative\"", "backoffice.token_file must be"),
            ("url = \"https://bo.example.com\"\ntoken_file = \"/t\"\nclient_certificate = \"/c.pem\"", "backoffice.client_key must be given together"),
            ("url = \"https://bo.example.com\"\ntoken_file = \"/t\"\nmax_attempts = 0", "backoffice.max_attempts must be"),
            ("url = \"https://bo.example.com\"\ntoken_file = \"/t\"\ntimeout = 3", "unknown key \"backoffice.timeout\""),
        ]
        for (text, expected) in cases {
            do {
                _ = try parse(text)
                Issue.record("accepted: \(text)")
            } catch {
                #expect(error.description.contains(expected), "\(error.description)")
                #expect(error.description.hasPrefix("/etc/kioskd/kioskd.toml:"))
            }
        }
    }
}
