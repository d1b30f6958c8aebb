#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// How a program ended, and what it said on stderr.
struct Ending {
    var reason: Process.TerminationReason
    var status: Int32
    var stderr: String

    /// Ended the way `cat` does when its reader has gone: SIGPIPE, nothing on stderr.
    var quietBrokenPipe: Bool { reason == .uncaughtSignal && status == SIGPIPE && stderr.isEmpty }
    var summary: String { "\(reason == .exit ? "exit" : "signal") \(status), stderr: \(stderr.prefix(600))" }
}

/// An output whose reader has already gone: one end of a stream socket pair whose other end is
/// closed, so every write fails with EPIPE (and raises SIGPIPE) as a write to `| head -1` does
/// once head has exited. Both ends are close-on-exec from birth (Glibc hides pipe2 from Swift),
/// so no child another test spawns meanwhile can keep the reader alive.
func readerlessOutput() throws -> FileHandle {
    var ends: [Int32] = [0, 0]
    guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) == 0 else {
        throw CopyFailure(message: "socketpair: \(String(cString: strerror(errno)))")
    }
    close(ends[0])
    return FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
}

/// Runs a program whose stdout nobody reads any more (``readerlessOutput()``): its first write
/// fails every time, not by luck of timing as with `| head -1`.
func runWithReaderGone(_ executable: String, _ arguments: [String], watching: [pid_t] = []) throws -> Ending {
    let output = try readerlessOutput()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    process.standardOutput = output
    let errors = Pipe()
    process.standardError = errors
    process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
    try process.run()
    try? output.close()
    let text = LockedBox(Data())
    let group = DispatchGroup()
    group.enter(); DispatchQueue.global().async { text.set(errors.fileHandleForReading.readDataToEndOfFile()); group.leave() }
    let hang = HangDetector(pids: [process.processIdentifier] + watching, idleLimit: 60)
    while process.isRunning, !hang.hung() { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    group.wait()
    return Ending(reason: process.terminationReason, status: process.terminationStatus,
                  stderr: String(decoding: text.get(), as: UTF8.self))
}

/// `kioskctl outbox list | head -1` and friends: tools in pipes end quietly when the reader goes.
@Suite("Command-line tools in pipes", .serialized)
struct CommandLineTests {
    @Test("every kioskctl command whose reader has gone ends quietly (SIGPIPE, no backtrace, nothing on stderr)")
    func kioskctlReaderGone() throws {
        let daemon = try DaemonProcess(label: "pipes")
        let client = try daemon.client()
        #expect(try client.call("sync.apply", params: PayingStore.document(count: 3)).error == nil)
        let document = daemon.directory + "/store.json"
        try JSONSerialization.data(withJSONObject: PayingStore.document(count: 3, asOf: "2026-11-21T12:00:00Z"))
            .write(to: URL(fileURLWithPath: document))
        let commands: [[String]] = [
            ["hello"], ["hello", "--json"], ["status"], ["outbox", "list"], ["outbox", "list", "--json"],
            ["payments", "list"], ["account", "show", "C10000"], ["autopay", "list", "C10000"], ["device", "list"], ["provision", "status"],
            ["sync", "apply", document],
        ]
        for command in commands {
            let ending = try runWithReaderGone(Products.kioskctl, ["--socket", daemon.socketPath] + command,
                                               watching: [daemon.process.processIdentifier])
            #expect(ending.quietBrokenPipe, "kioskctl \(command.joined(separator: " ")): \(ending.summary)")
        }
        #expect(daemon.process.isRunning)
    }

    @Test("`kioskctl outbox list | head -1` in a shell: one line, no backtrace")
    func headOne() throws {
        let daemon = try DaemonProcess(label: "head")
        // Enough outbox entries that kioskctl is still writing when head has gone.
        let client = try daemon.client()
        #expect(try client.call("sync.apply", params: PayingStore.document(count: 1)).error == nil)
        let result = try runProcess("/bin/bash", ["-c", "set -o pipefail; \"$1\" --socket \"$2\" outbox list | head -1; echo \"status ${PIPESTATUS[0]}\" >&2",
                                                  "bash", Products.kioskctl, daemon.socketPath],
                                    watching: [daemon.process.processIdentifier])
        #expect(result.stdout.split(separator: "\n").count == 1, "\(result.stdout)")
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace") && !result.stderr.contains("Crash"), "\(result.stderr)")
        #expect(result.stderr.contains("status 0") || result.stderr.contains("status 141"), "\(result.stderr)")
    }

    @Test("a full or closed stdout is one sentence and exit 1, not a trap")
    func fullOutput() throws {
        let daemon = try DaemonProcess(label: "full")
        let full = try runProcess("/bin/sh", ["-c", "exec \"$@\" > /dev/full", "sh", Products.kioskctl, "--socket", daemon.socketPath, "hello"],
                                  watching: [daemon.process.processIdentifier])
        #expect(full.status == 1, "\(full.stderr)")
        #expect(full.stderr == "kioskctl: cannot write the output: No space left on device\n", "\(full.stderr)")
        let closed = try runProcess("/bin/sh", ["-c", "exec \"$@\" >&-", "sh", Products.kioskctl, "--socket", daemon.socketPath, "hello"],
                                    watching: [daemon.process.processIdentifier])
        #expect(closed.status == 1, "\(closed.stderr)")
        #expect(closed.stderr == "kioskctl: cannot write the output: Bad file descriptor\n", "\(closed.stderr)")
    }

    @Test("kiosk-backoffice commands whose reader has gone end quietly; serve keeps serving")
    func backofficeReaderGone() throws {
        let directory = try makeScratchDirectory("bo-pipes")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keygen = try runWithReaderGone(Products.backoffice, ["keygen", "--out", directory + "/bo", "--key-id", "bo-pipe"])
        #expect(keygen.quietBrokenPipe, "keygen: \(keygen.summary)")
        let database = directory + "/backoffice.sqlite"
        let document = directory + "/doc.json"
        try JSONSerialization.data(withJSONObject: PayingStore.document(count: 1)).write(to: URL(fileURLWithPath: document))
        let publish = try runWithReaderGone(Products.backoffice, ["sync", "publish", "--db", database, document])
        #expect(publish.quietBrokenPipe, "sync publish: \(publish.summary)")
        let bdk = "0123456789ABCDEFFEDCBA9876543210"
        let dukpt = try runWithReaderGone(Products.backoffice, ["dukpt", "--bdk", bdk, "--ksn", "FFFF9876543210E00001"])
        #expect(dukpt.reason == .uncaughtSignal ? dukpt.quietBrokenPipe : dukpt.status != 0 && !dukpt.stderr.contains("Fatal error"), "dukpt: \(dukpt.summary)")

        // The server prints its port once; a reader that has gone must not stop it.
        let token = directory + "/token"
        try "t0ken".write(toFile: token, atomically: true, encoding: .utf8)
        let port = BackOfficeProcess.freePort()
        let output = try readerlessOutput()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: Products.backoffice)
        server.arguments = ["serve", "--port", "\(port)", "--db", database, "--token-file", token]
        server.standardOutput = output
        server.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try server.run()
        try? output.close()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) }; server.waitUntilExit() }
        var listening = false
        let hang = HangDetector(pids: [server.processIdentifier], idleLimit: 30)
        while !listening, server.isRunning, !hang.hung() {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            listening = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            } == 0
            close(fd)
            if !listening { usleep(50_000) }
        }
        #expect(listening, "serve stopped: status \(server.isRunning ? -1 : server.terminationStatus)")
        usleep(200_000)
        #expect(server.isRunning)
    }

    @Test("kioskd with a closed stderr, or a stderr nobody reads, keeps serving and stops with 0")
    func daemonWithoutLogReader() throws {
        // stderr closed outright (2>&-).
        let closed = try DaemonProcess(label: "noerr", wrapper: ["/bin/sh", "-c", "exec \"$@\" 2>&-", "sh"])
        #expect(try closed.client().call("hello").result["server"] as? String == "kioskd")
        #expect(try closed.client().call("nonsense.method").error != nil)  // logs a line
        #expect(closed.stop() == 0)

        // stderr a pipe whose reader has gone: every log line fails with EPIPE.
        let logs = try readerlessOutput()
        let orphan = try DaemonProcess(label: "orphan-log", standardError: logs)
        try? logs.close()
        #expect(try orphan.client().call("hello").result["server"] as? String == "kioskd")
        #expect(try orphan.client().call("nonsense.method").error != nil)
        let status = orphan.stop()
        #expect(orphan.process.terminationReason == .exit && status == 0, "status \(status) reason \(orphan.process.terminationReason)")
    }

    /// 150 bytes: longer than any Unix socket path (107 on Linux).
    static func longSocketPath(_ directory: String) -> String {
        directory + "/" + String(repeating: "s", count: max(1, 150 - directory.count - 6)) + ".sock"
    }

    @Test("a --socket path over the Unix limit is one sentence: kioskctl, kiosk-front")
    func longSocketPathClients() throws {
        let directory = try makeScratchDirectory("longsock")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = Self.longSocketPath(directory)
        let ctl = try runProcess(Products.kioskctl, ["--socket", path, "hello"])
        #expect(ctl.status == 69)
        #expect(ctl.stderr.hasPrefix("kioskctl: cannot connect to kioskd at \(path): the path is \(path.utf8.count) bytes long"), "\(ctl.stderr)")
        #expect(ctl.stderr.split(separator: "\n").count == 1 && !ctl.stderr.contains("unixDomainSocketPathTooLong"), "\(ctl.stderr)")

        let front = try runProcess(TmuxFront.frontPath, ["--socket", path])
        #expect(front.status == 64, "\(front.stderr)")
        #expect(front.stderr.contains("is \(path.utf8.count) bytes long, but a Unix socket path may have at most 107 bytes"), "\(front.stderr)")
        #expect(front.stderr.split(separator: "\n").count == 1, "\(front.stderr)")
    }
}
