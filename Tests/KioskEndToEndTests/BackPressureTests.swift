#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 11, point 10: a client that sends and never reads cannot grow the daemon or slow the
/// others. Its own suite, so its minute runs beside the other suites rather than after them
/// (the flooding clients are blocked in their kernel most of the time: it costs little CPU).
@Suite("Back-pressure: clients that never read")
struct BackPressureTests {
    /// The daemon's resident set, from /proc/<pid>/status (VmRSS, KiB).
    static func residentKiB(_ pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// One `hello` round trip, in milliseconds.
    static func helloMilliseconds(_ client: RawClient, id: Int) throws -> Double {
        let start = ContinuousClock.now
        let reply = try client.call("hello", id: id)
        guard reply["id"] as? Int == id else { throw RawClient.Failure.closed }
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    static func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    static func percentile(_ values: [Double], _ p: Double) -> Double { values.sorted()[min(values.count - 1, Int(Double(values.count) * p))] }

    /// Connects, then writes `hello` requests as fast as the socket takes them and never reads;
    /// reconnects when the daemon closes it. Counts the connections it made and lost.
    final class Flooder: @unchecked Sendable {
        let path: String
        let stop = LockedBox(false)
        let connections = LockedCounter()
        let closedByDaemon = LockedCounter()
        let sentBytes = LockedBox(0)
        private var thread: Thread?

        init(path: String) { self.path = path }

        func start() {
            let thread = Thread { [self] in run() }
            self.thread = thread
            thread.start()
        }

        private func run() {
            let line = Array(String(repeating: #"{"jsonrpc":"2.0","id":1,"method":"hello","params":{}}"# + "\n", count: 64).utf8)
            while !stop.get() {
                let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
                guard withSocketAddress(path, { connect(fd, $0, $1) }) == 0 else { close(fd); usleep(100_000); continue }
                connections.increment()
                // A short send timeout, so the loop notices `stop` while the daemon is not reading.
                var timeout = timeval(tv_sec: 0, tv_usec: 200_000)
                setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                while !stop.get() {
                    let n = line.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n > 0 { sentBytes.set(sentBytes.get() + n); continue }
                    if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) { continue }
                    closedByDaemon.increment()  // EPIPE / ECONNRESET: the daemon gave up on us
                    break
                }
                close(fd)
            }
        }

        func finish() {
            stop.set(true)
            while thread?.isFinished == false { usleep(10_000) }
        }
    }

    @Test("four clients that never read, for 60 s: RSS grows < 10 MB and another client's hello keeps its latency")
    func fourClientsThatNeverRead() throws {
        let daemon = try DaemonProcess(label: "backpressure")
        let pid = daemon.process.processIdentifier
        let probe = try daemon.client()
        // Warm up the daemon as ordinary traffic would (four clients at once, so every thread
        // that serves connections has allocated before), then measure the normal latency.
        let warmers = try (0..<4).map { _ in try daemon.client() }
        DispatchQueue.concurrentPerform(iterations: warmers.count) { index in
            let lines = (1...500).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"hello","params":{}}"# + "\n" }.joined()
            try? warmers[index].send(lines)
            for _ in 1...500 { _ = try? warmers[index].readLine() }
        }
        var baseline: [Double] = []
        for i in 0..<60 { baseline.append(try Self.helloMilliseconds(probe, id: i)); usleep(20_000) }
        let before = Self.residentKiB(pid)

        let flooders = (0..<4).map { _ in Flooder(path: daemon.socketPath) }
        flooders.forEach { $0.start() }
        var during: [Double] = []
        var peak = before
        let end = Date().addingTimeInterval(60)
        var id = 1_000
        while Date() < end {
            id += 1
            during.append(try Self.helloMilliseconds(probe, id: id))
            peak = max(peak, Self.residentKiB(pid))
            usleep(100_000)
        }
        let after = Self.residentKiB(pid)
        flooders.forEach { $0.finish() }

        let connections = flooders.reduce(0) { $0 + $1.connections.value }
        let closed = flooders.reduce(0) { $0 + $1.closedByDaemon.value }
        let sent = flooders.reduce(0) { $0 + $1.sentBytes.get() }
        let report = String(format: "VmRSS before %d KiB, after 60 s %d KiB (+%.1f MB), peak %d KiB (+%.1f MB); "
                            + "hello median %.2f ms before, %.2f ms during (p95 %.2f, max %.2f, n=%d); "
                            + "flooders: %d connections, %d closed by the daemon, %.1f MB sent",
                            before, after, Double(after - before) / 1024, peak, Double(peak - before) / 1024,
                            Self.median(baseline), Self.median(during), Self.percentile(during, 0.95), during.max() ?? 0, during.count,
                            connections, closed, Double(sent) / 1_048_576)
        print("back-pressure: \(report)")

        #expect(peak - before < 10 * 1024, "\(report)")
        // "Normal latency", robustly on a loaded machine: the median stays within a few times
        // the daemon's own idle median (plus a small floor for scheduler noise).
        #expect(Self.median(during) <= max(5 * Self.median(baseline), Self.median(baseline) + 20), "\(report)")
        #expect(Self.percentile(during, 0.95) < 1_000, "\(report)")
        // Stalled clients are disconnected after the grace period, each logged once.
        #expect(closed >= 4, "\(report)")
        let logged = daemon.log.components(separatedBy: "closing a connection that does not read its replies").count - 1
        #expect(logged >= closed && logged <= connections, "\(logged) log lines for \(connections) connections: \(report)")
        #expect(daemon.process.isRunning)
        #expect(try probe.call("hello", id: 1)["id"] as? Int == 1)
    }

    @Test("a client that reads slowly is not disconnected; pipelined requests still all get their replies")
    func slowReaderIsServed() throws {
        let daemon = try DaemonProcess(label: "slowreader")
        let client = try daemon.client()
        // Far more replies than the bound, sent at once: the daemon pauses reading, then goes on.
        let lines = (1...3_000).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"hello","params":{}}"# + "\n" }.joined()
        let sender = Thread { try? client.send(lines) }
        sender.start()
        sleep(1)
        for id in 1...3_000 {
            let reply = try client.readObject()
            #expect(reply["id"] as? Int == id)
            if id % 500 == 0 { usleep(300_000) }
        }
        while !sender.isFinished { usleep(10_000) }
        #expect(!daemon.log.contains("does not read its replies"))
    }
}
