#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Where this benchmark's sibling executables are (kioskd, kioskctl, kiosk-usb-harness: same build directory).
enum BenchProducts {
    static var directory: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().path
    }
    static var kioskd: String { directory + "/kioskd" }
    static var kioskctl: String { directory + "/kioskctl" }
    static var usbHarness: String { directory + "/kiosk-usb-harness" }
}

/// What /proc says about one process: resident and peak memory, CPU used.
struct ProcessFigures {
    let pid: pid_t

    /// The number after a field's name in /proc/PID/status ("VmRSS:\t  51600 kB" → 51600).
    func status(_ field: String) -> Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return 0 }
        return Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0
    }

    /// A kB field of /proc/PID/status in MiB (VmRSS now, VmHWM the peak).
    func statusMiB(_ field: String) -> Double { status(field) / 1024 }

    var rssMiB: Double { statusMiB("VmRSS") }

    /// Private anonymous memory (heap, stacks), MiB, from /proc/PID/smaps_rollup: what the
    /// process itself holds, apart from the clean file pages of its binary and libraries that
    /// RSS also counts and the kernel can drop and share.
    var anonymousMiB: Double {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/smaps_rollup", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Anonymous:") }) else { return 0 }
        return (Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") ?? 0) / 1024
    }
    var peakRSSMiB: Double { statusMiB("VmHWM") }

    /// User + system CPU seconds so far.
    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // After "(comm)": state is field 3; utime 14 and stime 15 (man 5 proc).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Threads the process runs.
    var threads: Int { Int(status("Threads")) }
}

/// A real kioskd from this build, on a scratch directory, started the way systemd starts it
/// (NOTIFY_SOCKET), timed from exec to READY=1. `wrapper` runs it under another program
/// (`kiosk-usb-harness SCENARIO --`, which passes NOTIFY_SOCKET and SIGTERM on; `process` is then
/// the wrapper's); `keepLog` keeps stderr in `log` (the harness writes its figures there) instead
/// of discarding it.
final class BenchDaemon {
    let directory: String
    let socketPath: String
    let logPath: String
    let process = Process()
    /// Seconds from `run()` to READY=1.
    private(set) var secondsToReady = 0.0
    var figures: ProcessFigures { ProcessFigures(pid: process.processIdentifier) }
    /// What kioskd (and a wrapper) wrote on stderr, when started with `keepLog`.
    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    init(dataDirectory: String? = nil, arguments: [String] = [], wrapper: [String] = [], keepLog: Bool = false) throws {
        directory = scratch()
        socketPath = directory + "/kioskd.sock"
        logPath = keepLog ? directory + "/kioskd.stderr" : "/dev/null"
        let config = directory + "/kioskd.toml"
        try "socket_group = 0\nlog_level = \"info\"\nshutdown_grace_seconds = 2\n".write(toFile: config, atomically: true, encoding: .utf8)
        let notify = try NotifySocket(path: directory + "/notify.sock")
        let command = wrapper + [BenchProducts.kioskd, "--config", config, "--data-dir", dataDirectory ?? directory + "/data", "--socket", socketPath] + arguments
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        environment["SWIFT_BACKTRACE"] = "enable=no"
        process.environment = environment
        if keepLog { FileManager.default.createFile(atPath: logPath, contents: nil) }
        process.standardError = FileHandle(forWritingAtPath: logPath)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        let clock = ContinuousClock()
        let start = clock.now
        try process.run()
        while process.isRunning {
            if let message = notify.receive(timeoutMS: 100), message.contains("READY=1") {
                secondsToReady = seconds(clock.now - start)
                return
            }
        }
        throw BenchFailure("kioskd exited with status \(process.terminationStatus) before READY=1 (run it by hand: \(command.joined(separator: " ")))"
                           + (keepLog ? "; its last words: \(log.suffix(1_500))" : ""))
    }

    func stop() {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The datagram socket systemd's sd_notify writes to.
final class NotifySocket {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard withUnixAddress(path, { bind(fd, $0, $1) }) == 0 else { throw BenchFailure("cannot bind \(path)") }
    }

    deinit { close(fd) }

    func receive(timeoutMS: Int32) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMS) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self) : nil
    }
}

/// A blocking line client for the daemon's socket: requests out, reply lines in.
final class BenchClient {
    private let fd: Int32
    private var buffer = [UInt8]()
    private var nextID = 1
    /// Event notifications that came while a reply was awaited, oldest first.
    private var events: [[String: Any]] = []

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard withUnixAddress(path, { connect(fd, $0, $1) }) == 0 else {
            close(fd)
            throw BenchFailure("cannot connect to \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    func write(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchFailure("the daemon closed the connection") }
            offset += n
        }
    }

    /// The next line, without its newline.
    func line() throws -> ArraySlice<UInt8> {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<end]
                buffer.removeSubrange(...end)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = read(fd, &chunk, chunk.count)
            guard n > 0 else { throw BenchFailure("the daemon closed the connection") }
            buffer += chunk[..<n]
        }
    }

    /// One call; event notifications that come first are skipped. Throws on an error reply.
    @discardableResult
    func call(_ method: String, _ params: [String: Any] = [:]) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var request = try JSONSerialization.data(withJSONObject: ["jsonrpc": "2.0", "id": id, "method": method, "params": params])
        request.append(UInt8(ascii: "\n"))
        try write([UInt8](request))
        while true {
            let object = try JSONSerialization.jsonObject(with: Data(try line())) as? [String: Any] ?? [:]
            guard object["id"] as? Int == id else {
                if object["method"] as? String == "event", let params = object["params"] as? [String: Any] { events.append(params) }
                continue
            }
            if let error = object["error"] { throw BenchFailure("\(method) was refused: \(error)") }
            return object["result"] as? [String: Any] ?? [:]
        }
    }

    /// Waits for an event notification of `type` and returns its params.
    func event(_ type: String) throws -> [String: Any] {
        if let index = events.firstIndex(where: { $0["type"] as? String == type }) { return events.remove(at: index) }
        while true {
            let object = try JSONSerialization.jsonObject(with: Data(try line())) as? [String: Any] ?? [:]
            if let params = object["params"] as? [String: Any], params["type"] as? String == type { return params }
        }
    }
}

func withUnixAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in
        let bytes = Array(path.utf8.prefix(raw.count - 1))
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

/// Peak RSS (MiB) of a program run to completion, from wait4's rusage. Through a small
/// Python parent that forks (not vfork/posix_spawn): Linux carries the spawning process's
/// high-water mark across exec into the child's ru_maxrss, so spawning from this benchmark
/// (hundreds of MiB by then) would report the benchmark's peak, not the program's.
func peakRSSOfRun(_ executable: String, _ arguments: [String]) throws -> Double {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    process.arguments = ["-c", """
        import os, sys
        pid = os.fork()
        if pid == 0:
            fd = os.open(os.devnull, os.O_WRONLY); os.dup2(fd, 1); os.dup2(fd, 2)
            os.execv(sys.argv[1], sys.argv[1:])
        print(os.wait4(pid, 0)[2].ru_maxrss)
        """, executable] + arguments
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard let kb = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
        throw BenchFailure("cannot measure \(executable): \(text)")
    }
    return kb / 1024
}
