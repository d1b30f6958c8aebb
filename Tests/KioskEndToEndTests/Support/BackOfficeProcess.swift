#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The reference back office (`kiosk-backoffice serve`) on a loopback port, with its own
/// SQLite, for the link tests.
final class BackOfficeProcess {
    let directory: String
    let database: String
    let tokenFile: String
    let privateKey: String
    private(set) var port: Int = 0
    private var process: Process?

    init(label: String) throws {
        directory = try makeScratchDirectory(label)
        database = directory + "/backoffice.sqlite"
        tokenFile = directory + "/token"
        try "test-token-\(UUID().uuidString)".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let prefix = directory + "/bo"
        _ = try runProcess(Products.backoffice, ["keygen", "--out", prefix, "--key-id", "bo-link"])
        privateKey = prefix + ".key"
    }

    var publicKey: String { directory + "/bo.pub" }

    /// A free loopback port (bound and released), for a back office that is not up yet.
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Starts (or restarts) the server; `port` 0 picks one. Waits for "listening on".
    func start(port requested: Int = 0, faults: [String] = [], slowSeconds: Double = 2, extraArguments: [String] = []) throws {
        stop()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Products.backoffice)
        p.arguments = ["serve", "--port", "\(requested)", "--db", database, "--token-file", tokenFile, "--private-key", privateKey,
                       "--slow-seconds", "\(slowSeconds)"] + faults.flatMap { ["--fault", $0] } + extraArguments
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try p.run()
        process = p
        let deadline = Date().addingTimeInterval(20)
        var text = ""
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }),
               let n = Int(line.split(separator: ":").last ?? "") {
                port = n
                return
            }
        }
        throw BackOfficeFailure(text: "kiosk-backoffice serve did not start: \(text)")
    }

    func stop() {
        guard let p = process, p.isRunning else { return }
        p.terminate()
        p.waitUntilExit()
        process = nil
    }

    deinit { stop() }

    /// The `[backoffice]` configuration for a kioskd talking to this server.
    func kioskdConfig(port: Int? = nil, maxAttempts: Int = 50, timeout: Int = 1) -> String {
        """
        [backoffice]
        url = "http://127.0.0.1:\(port ?? self.port)"
        token_file = "\(tokenFile)"
        timeout_seconds = \(timeout)
        max_attempts = \(maxAttempts)
        backoff_base_seconds = 0.05
        backoff_cap_seconds = 0.4
        status_poll_seconds = 1
        sync_interval_seconds = 3600
        heartbeat_seconds = 1
        """
    }

    func sql(_ query: String) throws -> String {
        try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", database, query]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct BackOfficeFailure: Error, CustomStringConvertible { let text: String; var description: String { text } }
}

/// One paying customer's full path on `client` (sign in, sign, submit); the payment id.
func payOnce(_ client: RawClient, account: Int, amount: Int = 1_000) throws -> String? {
    guard try client.call("session.begin", params: ["account": "C\(10_000 + account)", "pin": PayingStore.pin], id: 1).error == nil else { return nil }
    let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 2).result["capture"] as? String ?? ""
    _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5]]]], id: 3)
    _ = try client.call("device.capture.finish", params: ["capture": capture], id: 4)
    let reply = try client.call("payment.submit", params: [
        "amount": amount, "method": ["card_on_file": "K-\(account)"], "signature": capture, "terms_sha256": PayingStore.termsSHA256], id: 5)
    return reply.result["id"] as? String
}

/// Polls until `condition` holds (or the timeout), returning whether it did.
func eventually(timeout: TimeInterval = 30, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(100_000)
    }
    return try condition()
}
