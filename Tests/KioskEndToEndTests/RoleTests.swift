#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Roles come from the kernel's view of the peer (SO_PEERCRED), so these tests run real
/// clients under other uids and gids with setpriv; nothing fakes the credential lookup.
@Suite("Roles from peer credentials", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct RoleTests {
    @Test("a gid mapped to manager gets the manager role and may sync and read")
    func manager() throws {
        let daemon = try DaemonProcess(label: "role-manager")
        let hello = try daemon.kioskctl(["hello", "--json"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(hello.status == 0, "\(hello.stderr)")
        #expect(hello.stdout.contains(#""role":"manager""#) || hello.stdout.contains(#""role" : "manager""#), "\(hello.stdout)")
        let fixture = try publicCopy(of: FixtureFiles.path("sync/store-example.json"), in: daemon.directory)
        let sync = try daemon.kioskctl(["sync", "apply", fixture], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(sync.status == 0, "\(sync.stderr)")
        let show = try daemon.kioskctl(["account", "show", "1001"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Doe Builders"))
        // The audit log names the peer's uid and user name.
        let audit = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", "SELECT uid, user_name, role, action FROM audit_log"])
        #expect(audit.status == 0, "sqlite3: \(audit.stderr)")
        #expect(audit.stdout.contains("65534|nobody|manager|sync.apply"), "\(audit.stdout)")
    }

    @Test("the front role may say hello but may not sync, and reads need a session")
    func front() throws {
        let daemon = try DaemonProcess(label: "role-front")
        let hello = try daemon.kioskctl(["hello", "--json"], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(hello.status == 0, "\(hello.stderr)")
        #expect(hello.stdout.contains("front"))
        let fixture = try publicCopy(of: FixtureFiles.path("sync/store-example.json"), in: daemon.directory)
        let sync = try daemon.kioskctl(["sync", "apply", fixture], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(sync.status != 0)
        #expect(sync.stderr.contains("permission denied"), "\(sync.stderr)")
        let show = try daemon.kioskctl(["account", "show", "1001"], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(show.status != 0)
        #expect(show.stderr.contains("sign in"), "\(show.stderr)")
    }

    @Test("a peer with no role is refused at accept with a sentence naming the groups")
    func noRole() throws {
        let daemon = try DaemonProcess(label: "role-none")
        let hello = try daemon.kioskctl(["hello"], uid: ScratchGroups.nobody, gid: ScratchGroups.nobody)
        #expect(hello.status != 0)
        #expect(hello.stderr.contains("permission denied"), "\(hello.stderr)")
        #expect(hello.stderr.contains("kiosk") || hello.stderr.contains("\(ScratchGroups.manager)"))
        #expect(daemon.log.contains("connection refused: no role"))
    }

    @Test("a uid outside the socket's group cannot even connect, and is told what to do")
    func outsideSocketGroup() throws {
        let daemon = try DaemonProcess(label: "role-outside")
        let result = try runProcess("/usr/bin/setpriv",
                                    ["--reuid=65534", "--regid=65534", "--clear-groups", "--",
                                     try publicCopy(of: Products.kioskctl, in: daemon.directory), "--socket", daemon.socketPath, "hello"])
        #expect(result.status != 0)
        #expect(result.stderr.lowercased().contains("permission denied"), "\(result.stderr)")
    }
}

/// The front's tighter line limit (64 KiB), seen from a real front-role peer.
@Suite("Front line limit", .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
struct FrontLineLimitTests {
    @Test("a front peer's 70 KB line is refused; the same connection then says hello")
    func frontLimit() throws {
        let daemon = try DaemonProcess(label: "front-limit")
        let script = """
        import socket, json, sys
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
        f.write(b'{"jsonrpc":"2.0","id":1,"method":"hello","params":{"pad":"' + b"a" * 70000 + b'"}}\\n'); f.flush()
        print(f.readline().decode().strip())
        f.write(b'{"jsonrpc":"2.0","id":2,"method":"hello","params":{}}\\n'); f.flush()
        print(f.readline().decode().strip())
        """
        let result = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=\(ScratchGroups.front)",
                                                          "--groups=\(ScratchGroups.socketGroup)", "--",
                                                          "/usr/bin/python3", "-c", script, daemon.socketPath])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(result.stderr)")
        #expect(lines.first?.contains("longer than 65536 bytes, the limit for the front role") == true, "\(lines)")
        #expect(lines.last?.contains(#""role":"front""#) == true, "\(lines)")
    }
}
