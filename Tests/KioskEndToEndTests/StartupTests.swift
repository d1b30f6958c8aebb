#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Everything that can go wrong before kioskd serves: one sentence, a non-zero exit, no crash.
@Suite("kioskd start-up", .serialized)
struct StartupTests {
    /// Runs kioskd expecting it to refuse to start.
    func refusal(_ arguments: [String], uid: UInt32? = nil, in directory: String) throws -> ProcessResult {
        if let uid {
            return try runProcess("/usr/bin/setpriv", ["--reuid=\(uid)", "--regid=\(uid)", "--clear-groups", "--",
                                                       try publicCopy(of: Products.kioskd, in: directory)] + arguments, timeout: 30)
        }
        return try runProcess(Products.kioskd, arguments, timeout: 30)
    }

    @Test("--version prints the version")
    func version() throws {
        let result = try runProcess(Products.kioskd, ["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test("a data file that is not a database: exit 74 and one sentence")
    func notADatabase() throws {
        let dir = try makeScratchDirectory("notadb")
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true)
        try Data(repeating: 0x2a, count: 4096).write(to: URL(fileURLWithPath: dir + "/data/kiosk.sqlite"))
        let result = try refusal(["--data-dir", dir + "/data", "--socket", dir + "/s.sock"], in: dir)
        #expect(result.status == 74)
        #expect(result.stderr.contains("is not a kioskpay database"), "\(result.stderr)")
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test("a second kioskd on the same data directory is refused, naming the first one's pid")
    func lockedByAnotherDaemon() throws {
        let daemon = try DaemonProcess(label: "locked")
        let result = try refusal(["--data-dir", daemon.dataDirectory, "--socket", daemon.directory + "/other.sock"], in: daemon.directory)
        #expect(result.status == 74)
        #expect(result.stderr.contains("pid \(daemon.process.processIdentifier)"), "\(result.stderr)")
        #expect(daemon.process.isRunning)
    }

    @Test("a second kioskd on a live socket is refused; the first keeps serving")
    func liveSocket() throws {
        let daemon = try DaemonProcess(label: "live")
        let result = try refusal(["--data-dir", daemon.directory + "/data2", "--socket", daemon.socketPath], in: daemon.directory)
        #expect(result.status == 69)
        #expect(result.stderr.contains("already listening"), "\(result.stderr)")
        #expect(try daemon.client().call("hello").result["server"] as? String == "kioskd")
    }

    @Test("a stale socket left by a crashed daemon is replaced")
    func staleSocket() throws {
        let first = try DaemonProcess(label: "stale")
        kill(first.process.processIdentifier, SIGKILL)  // crash: the socket file stays behind
        first.process.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: first.socketPath))
        let second = try DaemonProcess(label: "stale2", extraArguments: ["--socket", first.socketPath])
        #expect(try RawClient(path: first.socketPath).call("hello").result["server"] as? String == "kioskd")
        _ = second
    }

    @Test("a socket path that is a regular file is not deleted")
    func socketPathIsAFile() throws {
        let dir = try makeScratchDirectory("notsock")
        try "precious".write(toFile: dir + "/s.sock", atomically: true, encoding: .utf8)
        let result = try refusal(["--data-dir", dir + "/data", "--socket", dir + "/s.sock"], in: dir)
        #expect(result.status == 69)
        #expect(result.stderr.contains("is not a socket"))
        #expect((try? String(contentsOfFile: dir + "/s.sock", encoding: .utf8)) == "precious")
    }

    @Test("a data directory the daemon's user cannot write is refused", .enabled(if: getuid() == 0))
    func readOnlyDataDirectory() throws {
        let dir = try makeScratchDirectory("readonly")
        try FileManager.default.createDirectory(atPath: dir + "/data", withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let result = try refusal(["--data-dir", dir + "/data", "--socket", dir + "/s.sock"], uid: 65534, in: dir)
        #expect(result.status == 74)
        #expect(result.stderr.contains("cannot be written"), "\(result.stderr)")
    }

    @Test("config: an unknown key is refused with its line; bad values and syntax too")
    func configErrors() throws {
        let dir = try makeScratchDirectory("config")
        let cases: [(String, String)] = [
            ("log_level = \"info\"\n\nsockett = \"/x\"\n", "kioskd.toml:3: unknown key \"sockett\""),
            ("[roles]\nmanager = [\"a\"]\nboss = [\"b\"]\n", "kioskd.toml:3: unknown key \"roles.boss\""),
            ("log_level = \"loud\"\n", "kioskd.toml:1: log_level must be one of"),
            ("socket = \"relative.sock\"\n", "kioskd.toml:1: socket must be an absolute path"),
            ("data_dir = \n", "kioskd.toml:1: not valid TOML"),
            ("[roles]\nfront = [1.5]\n", "kioskd.toml:2: roles.front must be group names"),
        ]
        for (text, expected) in cases {
            try text.write(toFile: dir + "/kioskd.toml", atomically: true, encoding: .utf8)
            let result = try refusal(["--config", dir + "/kioskd.toml", "--data-dir", dir + "/data", "--socket", dir + "/s.sock"], in: dir)
            #expect(result.status == 78, "\(text): \(result.stderr)")
            #expect(result.stderr.contains(expected), "\(text): \(result.stderr)")
        }
        let missing = try refusal(["--config", dir + "/nope.toml"], in: dir)
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("no such file"))
    }

    @Test("a socket path over the Unix limit is one sentence: --socket exits 64, socket = in the config 78")
    func socketPathTooLong() throws {
        let dir = try makeScratchDirectory("longsock")
        let path = CommandLineTests.longSocketPath(dir)
        let option = try refusal(["--data-dir", dir + "/data", "--socket", path], in: dir)
        #expect(option.status == 64, "\(option.stderr)")
        #expect(option.stderr == "kioskd: the socket path \(path) is \(path.utf8.count) bytes long, but a Unix socket path may have at most 107 bytes; choose a shorter --socket\n",
                "\(option.stderr)")
        try "socket = \"\(path)\"\n".write(toFile: dir + "/kioskd.toml", atomically: true, encoding: .utf8)
        let config = try refusal(["--config", dir + "/kioskd.toml", "--data-dir", dir + "/data"], in: dir)
        #expect(config.status == 78, "\(config.stderr)")
        #expect(config.stderr.hasSuffix("kioskd.toml:1: socket must be an absolute path shorter than 108 bytes\n"), "\(config.stderr)")
    }

    @Test("bad command-line arguments get usage, not a crash")
    func badArguments() throws {
        let result = try runProcess(Products.kioskd, ["--frobnicate"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option"))
    }
}

/// kioskd as systemd runs it: `Type=notify` with `WatchdogSec=`, stopped by `systemctl stop`.
@Suite("kioskd under systemd's watchdog")
struct WatchdogShutdownTests {
    @Test("with WATCHDOG_USEC set, SIGTERM exits 0 after READY=1, WATCHDOG=1 pings and STOPPING=1")
    func sigtermWithWatchdog() throws {
        // 1 s: a ping every 0.5 s. The unit's 30 s behaves the same, only slower.
        let daemon = try DaemonProcess(label: "wd-stop", environment: ["WATCHDOG_USEC": "1000000"])
        var messages: [String] = []
        var pings = 0
        let hang = HangDetector(pids: [daemon.process.processIdentifier], idleLimit: 30)
        while pings < 2, !hang.hung() {
            guard let message = daemon.nextNotification(timeout: 5) else { continue }
            messages.append(message)
            if message.contains("WATCHDOG=1") { pings += 1 }
        }
        #expect(pings >= 2, "\(messages)")
        _ = try daemon.client().call("hello")
        let status = daemon.stop()
        while let message = daemon.nextNotification(timeout: 1) { messages.append(message) }
        #expect(daemon.process.terminationReason == .exit && status == 0, "exit status \(status); log:\n\(daemon.log.suffix(2000))")
        #expect(messages.contains { $0.contains("STOPPING=1") }, "\(messages)")
        #expect(!daemon.log.contains("Error: CancellationError"), "\(daemon.log.suffix(2000))")
        #expect(daemon.log.contains("msg=\"stopped\""), "\(daemon.log.suffix(2000))")
    }
}

/// Start-up after a clean stop does not read the whole database before READY (issue 16); the
/// check still runs, and a damaged file still stops kioskd with 74.
@Suite("kioskd start-up: integrity after a clean stop", .serialized)
struct CleanStopIntegrityTests {
    @Test("a clean stop leaves the mark; a damaged file found after READY stops kioskd with 74; the next start refuses before serving")
    func damagedAfterCleanStop() throws {
        let daemon = try DaemonProcess(label: "clean-stop")
        let client = try daemon.client()
        #expect(try client.call("hello").error == nil)
        #expect(daemon.stop() == 0)
        let mark = daemon.dataDirectory + "/clean-shutdown"
        #expect(FileManager.default.fileExists(atPath: mark), "a clean stop leaves \(mark)")

        // Damage the item table's root page, which start-up itself never reads (the last
        // connection's close folded the WAL into the file).
        let path = daemon.dataDirectory + "/kiosk.sqlite"
        let root = try runProcess("/usr/bin/sqlite3", [path, "SELECT rootpage FROM sqlite_master WHERE name = 'item'"])
        let page = try #require(Int(root.stdout.trimmingCharacters(in: .whitespacesAndNewlines)), "\(root)")
        let pageSize = 4096
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count >= page * pageSize)
        bytes.replaceSubrange((page - 1) * pageSize..<page * pageSize, with: Data(repeating: 0xA5, count: pageSize))
        try bytes.write(to: URL(fileURLWithPath: path))

        let arguments = ["--config", daemon.configPath, "--data-dir", daemon.dataDirectory, "--socket", daemon.directory + "/again.sock"]
        let first = try runProcess(Products.kioskd, arguments, timeout: 60)
        #expect(first.status == 74, "\(first.stderr.suffix(1500))")
        #expect(first.stderr.contains("failed its integrity check; stopping"), "checked while serving: \(first.stderr.suffix(1500))")
        #expect(!FileManager.default.fileExists(atPath: mark), "the start took the mark")

        let second = try runProcess(Products.kioskd, arguments, timeout: 60)
        #expect(second.status == 74, "\(second.stderr.suffix(1500))")
        #expect(second.stderr.contains("cannot start"), "checked before serving: \(second.stderr.suffix(1500))")
        #expect(!second.stderr.contains("Fatal error"))
    }

    @Test("a killed daemon leaves no mark, so the next start checks before serving")
    func killedLeavesNoMark() throws {
        let daemon = try DaemonProcess(label: "killed")
        kill(daemon.process.processIdentifier, SIGKILL)
        daemon.process.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: daemon.dataDirectory + "/clean-shutdown"))
    }
}
