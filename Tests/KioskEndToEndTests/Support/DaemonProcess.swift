#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where `swift build` put our executables (next to the test bundle).
enum Products {
    static var directory: URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: bundle.appendingPathComponent("kioskd").path) { return bundle }
        // Fallback: <package>/.build/debug
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".build/debug")
    }
    static var kioskd: String { directory.appendingPathComponent("kioskd").path }
    static var kioskctl: String { directory.appendingPathComponent("kioskctl").path }
    static var usbHarness: String { directory.appendingPathComponent("kiosk-usb-harness").path }
    static var backoffice: String { directory.appendingPathComponent("kiosk-backoffice").path }
}

/// Scratch gids the tests grant roles to (no /etc/group edits needed).
enum ScratchGroups {
    static let socketGroup: UInt32 = 50_000
    static let manager: UInt32 = 50_001
    static let front: UInt32 = 50_002
    static let technician: UInt32 = 50_003
    static let nobody: UInt32 = 65_534
}

/// A fresh, world-traversable temp directory (so setpriv'd clients can reach the socket).
func makeScratchDirectory(_ label: String) throws -> String {
    let path = NSTemporaryDirectory() + "kioskpay-\(label)-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
    return path
}

/// A copy of a built executable (or a fixture) that any uid can run or read (the checkout may
/// sit under a 0700 home).
///
/// Never written by this process: a file this process holds open for writing is inherited by
/// every child another test thread forks meanwhile, and exec-ing it then fails with ETXTBSY
/// ("Text file busy") until that child has exec'd. So it is a hard link when the scratch
/// directory is on the same file system, else a copy made by `cp` in a child process (whose
/// descriptors no one inherits), then renamed into place.
func publicCopy(of executable: String, in directory: String) throws -> String {
    let target = directory + "/" + URL(fileURLWithPath: executable).lastPathComponent
    if FileManager.default.fileExists(atPath: target) { return target }
    if link(executable, target) == 0 || errno == EEXIST { return target }
    let temporary = target + ".partial-\(UUID().uuidString.prefix(8))"
    let copy = try runProcess("/bin/cp", ["--no-preserve=all", executable, temporary])
    guard copy.status == 0 else { throw CopyFailure(message: "cp \(executable): \(copy.stderr)") }
    chmod(temporary, 0o755)
    guard rename(temporary, target) == 0 else { throw CopyFailure(message: "rename \(temporary): \(String(cString: strerror(errno)))") }
    return target
}

struct CopyFailure: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Tells a hung process from a slow one, so no test depends on the machine's speed.
///
/// A limit counts only the time in which none of the watched processes made progress: used CPU,
/// read or wrote a byte, or waited to run (state R) or for the disk (state D). A process the
/// machine is merely slow to serve is never killed; one that waits on nothing (a deadlock, a
/// reply that never comes) is, after `idleLimit`. `hardLimit` bounds a process that spins.
final class HangDetector {
    private let pids: [pid_t]
    private let idleLimit: TimeInterval
    private let hardDeadline: Date
    private var lastSample: [UInt64] = []
    private var lastProgress = Date()

    init(pids: [pid_t], idleLimit: TimeInterval, hardLimit: TimeInterval? = nil) {
        self.pids = pids
        self.idleLimit = idleLimit
        hardDeadline = Date().addingTimeInterval(hardLimit ?? max(idleLimit * 15, 1_800))
    }

    /// True once the watched processes have made no progress for `idleLimit` (or the hard limit passed).
    func hung() -> Bool {
        let now = Date()
        if now >= hardDeadline { return true }
        var sample: [UInt64] = []
        var busy = false
        for pid in pids {
            let (counters, waiting) = Self.activity(of: pid)
            sample += counters
            busy = busy || waiting
        }
        if busy || sample != lastSample {
            lastSample = sample
            lastProgress = now
            return false
        }
        return now.timeIntervalSince(lastProgress) > idleLimit
    }

    /// utime+stime (/proc/PID/stat) and rchar+wchar (/proc/PID/io); whether it is runnable or in disk wait.
    static func activity(of pid: pid_t) -> ([UInt64], Bool) {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return ([], false) }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12 else { return ([], false) }
        let state = fields[0]
        var counters = [UInt64(fields[11]) ?? 0, UInt64(fields[12]) ?? 0]
        if let io = try? String(contentsOfFile: "/proc/\(pid)/io", encoding: .utf8) {
            for line in io.split(separator: "\n") where line.hasPrefix("rchar:") || line.hasPrefix("wchar:") {
                counters.append(UInt64(line.split(separator: " ").last ?? "") ?? 0)
            }
        }
        return (counters, state == "R" || state == "D")
    }
}

/// What a finished process left behind.
struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a command to completion and captures its output. `timeout` is a hang limit, not a
/// wall-clock one: the command is killed only after it, and the processes in `watching` (the
/// daemon it talks to), made no progress for that long (see HangDetector).
@discardableResult
func runProcess(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                stdin: Data? = nil, timeout: TimeInterval = 120, watching: [pid_t] = []) throws -> ProcessResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var env = environment ?? ProcessInfo.processInfo.environment
    env["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = env
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    // Drain both pipes concurrently so a chatty child never blocks on a full pipe.
    let outData = LockedBox(Data()), errData = LockedBox(Data())
    let group = DispatchGroup()
    group.enter(); DispatchQueue.global().async { outData.set(out.fileHandleForReading.readDataToEndOfFile()); group.leave() }
    group.enter(); DispatchQueue.global().async { errData.set(err.fileHandleForReading.readDataToEndOfFile()); group.leave() }
    let hang = HangDetector(pids: [process.processIdentifier] + watching, idleLimit: timeout)
    var polls = 0
    while process.isRunning {
        usleep(10_000)
        polls += 1
        if polls % 25 == 0, hang.hung() {
            process.terminate(); kill(process.processIdentifier, SIGKILL)
            break
        }
    }
    process.waitUntilExit()
    group.wait()
    return ProcessResult(status: process.terminationStatus,
                         stdout: String(decoding: outData.get(), as: UTF8.self),
                         stderr: String(decoding: errData.get(), as: UTF8.self))
}

/// A tiny thread-safe box for test plumbing.
final class LockedBox<T>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}

/// A real kioskd process on a real socket with a real SQLite file in a scratch directory.
final class DaemonProcess {
    let directory: String
    let dataDirectory: String
    let socketPath: String
    let configPath: String
    let stderrPath: String
    let process = Process()
    private let notify: NotifyListener

    /// Starts kioskd and waits for READY=1 on its notify socket.
    /// `standardError` replaces the log file (whose `log` is then empty), e.g. with a pipe nobody reads.
    init(label: String = "daemon", configExtra: String = "", dataDirectory: String? = nil, extraArguments: [String] = [],
         environment: [String: String] = [:], wrapper: [String] = [], standardError: FileHandle? = nil) throws {
        directory = try makeScratchDirectory(label)
        self.dataDirectory = dataDirectory ?? directory + "/data"
        socketPath = directory + "/kioskd.sock"
        configPath = directory + "/kioskd.toml"
        stderrPath = directory + "/kioskd.stderr"
        let config = """
        # test configuration: roles granted to scratch gids
        socket_group = \(ScratchGroups.socketGroup)
        log_level = "debug"
        shutdown_grace_seconds = 2
        \(configExtra)
        [roles]
        technician = [\(ScratchGroups.technician)]
        manager = [\(ScratchGroups.manager)]
        front = [\(ScratchGroups.front)]
        """
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        notify = try NotifyListener(path: directory + "/notify.sock")
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        // `wrapper` runs kioskd under another program, e.g. `kiosk-usb-harness SCENARIO --`
        // (which passes SIGTERM on, so stop() still stops the daemon).
        let command = wrapper + [Products.kioskd, "--config", configPath, "--data-dir", self.dataDirectory, "--socket", socketPath] + extraArguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify.path
        env["SWIFT_BACKTRACE"] = "enable=no"
        env.removeValue(forKey: "JOURNAL_STREAM")
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardError = standardError ?? FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var ready = false
        // However busy the machine: give up only when kioskd exits or stops making progress.
        let hang = HangDetector(pids: [process.processIdentifier], idleLimit: 30)
        while !ready, process.isRunning || notify.pending, !hang.hung() {
            if let message = notify.receive(timeout: 0.25) {
                ready = message.contains("READY=1")  // WATCHDOG=1 may come first
            }
        }
        guard ready else {
            process.terminate()
            throw DaemonFailure.notReady(log: (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "")
        }
    }

    enum DaemonFailure: Error, CustomStringConvertible {
        case notReady(log: String)
        var description: String { if case .notReady(let log) = self { return "kioskd did not report READY=1:\n\(log)" }; return "" }
    }

    func client() throws -> RawClient { try RawClient(path: socketPath) }

    /// The next sd_notify message, if any arrives in time.
    func nextNotification(timeout: TimeInterval = 10) -> String? { notify.receive(timeout: timeout) }

    /// SIGTERM, then wait; returns the exit status. SIGKILL only if kioskd hangs (no progress for `timeout`).
    @discardableResult
    func stop(timeout: TimeInterval = 20) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let hang = HangDetector(pids: [process.processIdentifier], idleLimit: timeout)
        var polls = 0
        while process.isRunning {
            usleep(10_000)
            polls += 1
            if polls % 25 == 0, hang.hung() { break }
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Makes a back-office key pair in the scratch directory and installs its public half, as a
    /// technician would; returns the private key's path (for `kiosk-backoffice open-capture`).
    @discardableResult
    func provisionBackOfficeKey(keyID: String = "bo-test") throws -> String {
        let prefix = directory + "/" + keyID
        let keygen = try runProcess(Products.backoffice, ["keygen", "--out", prefix, "--key-id", keyID])
        guard keygen.status == 0 else { throw ProvisionFailure(output: keygen.stderr) }
        let installed = try kioskctl(["provision", "backoffice-key", prefix + ".pub"])
        guard installed.status == 0 else { throw ProvisionFailure(output: installed.stderr) }
        return prefix + ".key"
    }

    struct ProvisionFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { "provisioning the back-office key failed: \(output)" }
    }

    /// Runs kioskctl against this daemon, optionally as another uid/gid through setpriv.
    func kioskctl(_ arguments: [String], uid: UInt32? = nil, gid: UInt32? = nil) throws -> ProcessResult {
        if let uid, let gid {
            return try runProcess("/usr/bin/setpriv",
                                  ["--reuid=\(uid)", "--regid=\(gid)", "--groups=\(ScratchGroups.socketGroup)", "--",
                                   try publicCopy(of: Products.kioskctl, in: directory), "--socket", socketPath] + arguments,
                                  watching: [process.processIdentifier])
        }
        return try runProcess(Products.kioskctl, ["--socket", socketPath] + arguments, watching: [process.processIdentifier])
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// Receives sd_notify datagrams the way systemd does.
final class NotifyListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = withSocketAddress(path) { bind(fd, $0, $1) }
        guard result == 0 else { throw RawClient.Failure.connect("bind notify socket: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd); unlink(path) }

    /// True when a datagram is waiting.
    var pending: Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) > 0
    }

    func receive(timeout: TimeInterval) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }
}
