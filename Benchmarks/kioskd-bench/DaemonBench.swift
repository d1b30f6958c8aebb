#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskFixtures
import KioskStore
import Synchronization

/// The daemon as a process: start to READY, resident memory idle and after payments, and small
/// calls per second from 32 pipelined clients, each beside a reference from the same run.
func daemonBench(_ size: BenchSize) async throws -> [BenchFigure] {
    var figures: [BenchFigure] = []

    // A bare Swift + Foundation program's peak RSS (kioskctl --version: Foundation, argument
    // parsing, no NIO): the floor a Swift daemon stands on.
    let bare = try peakRSSOfRun(BenchProducts.kioskctl, ["--version"])

    // Empty database: start-up, idle RSS, threads.
    let empty = try BenchDaemon()
    let emptyReady = try median(of: 3) { i in
        if i == 0 { return empty.secondsToReady }
        let again = try BenchDaemon()
        defer { again.stop() }
        return again.secondsToReady
    }
    let client = try BenchClient(path: empty.socketPath)
    try client.call("hello")
    try await Task.sleep(for: .milliseconds(500))
    figures.append(BenchFigure("kioskd RSS idle (empty database)", empty.figures.rssMiB, "MiB",
                               reference: "a bare Swift + Foundation program (kioskctl --version, peak)", referenceValue: bare,
                               goal: .below(20)))
    figures.append(BenchFigure("kioskd private memory idle (anonymous: heap and stacks)", empty.figures.anonymousMiB, "MiB"))
    print("   kioskd idle: \(empty.figures.threads) threads")

    // hello from 32 pipelined clients, against a minimal Python asyncio line server that
    // answers every line with the same bytes, driven by the same clients.
    let clients = 32
    let perClient = size.count(2_000, smoke: 50)
    let cpuBefore = empty.figures.cpuSeconds
    let helloRate = try pipelinedRate(socket: empty.socketPath, clients: clients, callsPerClient: perClient)
    let cpuPerCall = (empty.figures.cpuSeconds - cpuBefore) / Double(clients * perClient) * 1e6
    let echo = try PythonLineServer(reply: try helloReply(empty.socketPath), directory: empty.directory)
    let echoRate = try pipelinedRate(socket: echo.socketPath, clients: clients, callsPerClient: perClient)
    echo.stop()
    figures.append(BenchFigure("hello, 32 pipelined clients", helloRate, "calls/s",
                               reference: "Python asyncio line server, same clients", referenceValue: echoRate, goal: .atLeast(20_000)))
    figures.append(BenchFigure("daemon CPU per hello under that load", cpuPerCall, "µs"))
    empty.stop()

    // Start-up with a big database (10,000 accounts × 50 items in full runs).
    let accounts = size.count(10_000, smoke: 100)
    let bigDirectory = scratch()
    defer { try? FileManager.default.removeItem(atPath: bigDirectory) }
    do {
        let store = try KioskStore(directory: bigDirectory)
        _ = try await store.apply(SyntheticStore.document(accounts: accounts, itemsPerAccount: 50), audit: nil)
    }
    let bigReady = try median(of: 3) { _ in
        let daemon = try BenchDaemon(dataDirectory: bigDirectory)
        defer { daemon.stop() }
        return daemon.secondsToReady
    }
    figures.append(BenchFigure("exec → READY, \(accounts.formatted()) accounts × 50 items", bigReady * 1_000, "ms",
                               reference: "empty database", referenceValue: emptyReady * 1_000, goal: .below(200)))

    figures += try await paymentsBench(size, bareRSS: bare)
    return figures
}

/// The median of `n` measurements.
func median(of n: Int, _ measure: (Int) throws -> Double) rethrows -> Double {
    var values: [Double] = []
    for i in 0..<n { values.append(try measure(i)) }
    return percentile(values, 50)
}

/// The bytes kioskd answers one `hello` with, so the reference server sends as many.
func helloReply(_ socket: String) throws -> [UInt8] {
    let client = try BenchClient(path: socket)
    try client.write(Array(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{}}"#.utf8) + [10])
    return Array(try client.line())
}

/// Calls per second: `clients` connections at once, each sending `callsPerClient` hellos in
/// bursts of 64 without waiting, then reading the 64 replies.
func pipelinedRate(socket: String, clients: Int, callsPerClient: Int) throws -> Double {
    let burst = 64
    let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{}}"#.utf8) + [10]
    let request = Array((0..<burst).map { _ in line }.joined())
    let connections = try (0..<clients).map { _ in try BenchClient(path: socket) }
    let failures = Atomic<Int>(0)
    let group = DispatchGroup()
    let clock = ContinuousClock()
    let start = clock.now
    for connection in connections {
        group.enter()
        let work = UncheckedBox(connection)
        Thread {
            defer { group.leave() }
            do {
                var sent = 0
                while sent < callsPerClient {
                    let n = min(burst, callsPerClient - sent)
                    try work.value.write(Array(request[..<(line.count * n)]))
                    for _ in 0..<n { _ = try work.value.line() }
                    sent += n
                }
            } catch {
                failures.add(1, ordering: .relaxed)
            }
        }.start()
    }
    group.wait()
    let elapsed = seconds(clock.now - start)
    guard failures.load(ordering: .relaxed) == 0 else { throw BenchFailure("\(failures.load(ordering: .relaxed)) clients failed") }
    return Double(clients * callsPerClient) / elapsed
}

/// Hands a non-Sendable value to exactly one thread.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// The reference line server: 15 lines of Python asyncio answering each line with fixed bytes.
final class PythonLineServer {
    let socketPath: String
    private let process = Process()

    init(reply: [UInt8], directory: String) throws {
        socketPath = directory + "/echo.sock"
        let replyPath = directory + "/reply.json"
        try Data(reply + [10]).write(to: URL(fileURLWithPath: replyPath))
        let script = """
        import asyncio, sys
        REPLY = open(sys.argv[2], "rb").read()
        async def serve(reader, writer):
            while await reader.readline():
                writer.write(REPLY)
                await writer.drain()
            writer.close()
        async def main():
            server = await asyncio.start_unix_server(serve, sys.argv[1])
            print("ready", flush=True)
            async with server:
                await server.serve_forever()
        asyncio.run(main())
        """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, socketPath, replyPath]
        let ready = Pipe()
        process.standardOutput = ready
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        _ = ready.fileHandleForReading.availableData  // "ready"
    }

    /// SIGKILL: a child spawned from a dispatch thread inherits its blocked SIGTERM.
    func stop() { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
}
