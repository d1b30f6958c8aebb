#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A live connection with the front role (uid nobody, gid front, through setpriv), kept open
/// while a test does other things: requests go in one at a time, and every line the daemon
/// sends (replies and events) is kept, raw, in arrival order. FrontPeer runs a fixed script;
/// this one is for tests that interleave several peers (a second front listening while the
/// first captures a card).
final class FrontClient: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let condition = NSCondition()
    private var buffer = Data()
    private var received: [String] = []
    private var closed = false

    /// Every line received so far (replies and events), raw.
    var lines: [String] { condition.lock(); defer { condition.unlock() }; return received }

    init(_ daemon: DaemonProcess) throws {
        let script = """
        import os, socket, sys, threading
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
        def pump():
            f = s.makefile("rb")
            for line in f:
                sys.stdout.buffer.write(line); sys.stdout.buffer.flush()
            os._exit(0)
        threading.Thread(target=pump, daemon=True).start()
        for line in sys.stdin.buffer:
            s.sendall(line)
        threading.Event().wait()
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments = ["--reuid=65534", "--regid=\(ScratchGroups.front)", "--groups=\(ScratchGroups.socketGroup)", "--",
                             "/usr/bin/python3", "-u", "-c", script, daemon.socketPath]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        output.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            self?.take(data)
        }
        try process.run()
    }

    private func take(_ data: Data) {
        condition.lock()
        if data.isEmpty { closed = true }
        buffer.append(data)
        while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
            received.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Sends one request; returns its reply, raw.
    @discardableResult
    func callRaw(_ method: String, params: Any = [String: Any](), id: Int, timeout: TimeInterval = 20) throws -> String {
        let request: [String: Any] = ["jsonrpc": "2.0", "id": id, "method": method, "params": params]
        var data = try JSONSerialization.data(withJSONObject: request)
        data.append(UInt8(ascii: "\n"))
        input.fileHandleForWriting.write(data)
        guard let reply = waitFor(timeout: timeout, { line in
            ((try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any])?["id"] as? Int == id
        }) else { throw RawClient.Failure.timeout }
        return reply
    }

    /// Sends one request; returns its reply as an object.
    @discardableResult
    func call(_ method: String, params: Any = [String: Any](), id: Int, timeout: TimeInterval = 20) throws -> [String: Any] {
        let line = try callRaw(method, params: params, id: id, timeout: timeout)
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }

    /// The first line received (already, or within `timeout`) that `matches`.
    func waitFor(timeout: TimeInterval, _ matches: (String) -> Bool) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let line = received.first(where: matches) { return line }
            if closed || !condition.wait(until: deadline) { return received.first(where: matches) }
        }
    }

    /// Event params of `type` received so far.
    func events(_ type: String? = nil) -> [[String: Any]] {
        lines.compactMap { line -> [String: Any]? in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  object["method"] as? String == "event", let params = object["params"] as? [String: Any] else { return nil }
            return type == nil || params["type"] as? String == type ? params : nil
        }
    }

    func close() {
        output.fileHandleForReading.readabilityHandler = nil
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { close() }
}
