import Foundation
import TOMLKit

/// The `[backoffice]` table: where the back office is and how hard to try (docs/CONFIGURATION.md).
public struct BackOfficeLinkSettings: Sendable, Equatable {
    /// Base URL, e.g. `https://backoffice.example.com`. HTTP is allowed only to loopback.
    public var url: URL
    /// A file (mode 0600, owned by the daemon's user) holding the bearer token; kept out of the database.
    public var tokenFile: String
    /// Optional client certificate and key (PEM) for mutual TLS.
    public var clientCertificate: String?
    public var clientKey: String?
    public var timeoutSeconds: Int = 10
    /// After this many failed attempts an entry is `dead` (a manager may retry it).
    public var maxAttempts: Int = 8
    /// Backoff: base × 2^(attempt−1), capped, with jitter (a random 50–100 % of it).
    public var backoffBaseSeconds: Double = 2
    public var backoffCapSeconds: Double = 300
    public var statusPollSeconds: Int = 30
    public var syncIntervalSeconds: Int = 300
    public var heartbeatSeconds: Int = 60

    static let keys = ["url", "token_file", "client_certificate", "client_key", "timeout_seconds", "max_attempts",
                       "backoff_base_seconds", "backoff_cap_seconds", "status_poll_seconds", "sync_interval_seconds", "heartbeat_seconds"]

    /// True for hosts that never leave this machine.
    static func isLoopback(_ host: String) -> Bool {
        ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    static func parse(_ table: TOMLTable, path: String, locate: KeyLocator) throws(ConfigurationError) -> BackOfficeLinkSettings {
        func bad(_ key: String, _ expected: String) -> ConfigurationError {
            .badValue(path: path, line: locate.line(of: key, in: "backoffice"), key: "backoffice.\(key)", expected: expected)
        }
        for key in table.keys where !keys.contains(key) {
            throw .unknownKey(path: path, line: locate.line(of: key, in: "backoffice"), key: "backoffice.\(key)", known: keys)
        }
        guard let text = table["url"]?.string, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty, ["https", "http"].contains(scheme) else {
            throw bad("url", "an https:// URL (http:// only to loopback)")
        }
        guard scheme == "https" || isLoopback(host) else { throw bad("url", "https:// (plain http:// is allowed only to loopback)") }
        guard let tokenFile = table["token_file"]?.string, tokenFile.hasPrefix("/") else {
            throw bad("token_file", "the absolute path of a file holding the bearer token")
        }
        var s = BackOfficeLinkSettings(url: url, tokenFile: tokenFile)
        for key in ["client_certificate", "client_key"] {
            guard let value = table[key] else { continue }
            guard let p = value.string, p.hasPrefix("/") else { throw bad(key, "an absolute path to a PEM file") }
            if key == "client_certificate" { s.clientCertificate = p } else { s.clientKey = p }
        }
        guard (s.clientCertificate == nil) == (s.clientKey == nil) else { throw bad("client_key", "given together with client_certificate") }
        func int(_ key: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let value = table[key] else { return nil }
            guard let n = value.int, range.contains(n) else { throw bad(key, "a whole number from \(range.lowerBound) to \(range.upperBound)") }
            return n
        }
        func seconds(_ key: String, _ range: ClosedRange<Double>) throws(ConfigurationError) -> Double? {
            guard let value = table[key] else { return nil }
            guard let n = value.double ?? value.int.map(Double.init), range.contains(n) else {
                throw bad(key, "a number of seconds from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }
        if let n = try int("timeout_seconds", 1...300) { s.timeoutSeconds = n }
        if let n = try int("max_attempts", 1...1_000) { s.maxAttempts = n }
        if let n = try seconds("backoff_base_seconds", 0.01...3_600) { s.backoffBaseSeconds = n }
        if let n = try seconds("backoff_cap_seconds", 0.01...86_400) { s.backoffCapSeconds = n }
        if let n = try int("status_poll_seconds", 1...86_400) { s.statusPollSeconds = n }
        if let n = try int("sync_interval_seconds", 1...86_400) { s.syncIntervalSeconds = n }
        if let n = try int("heartbeat_seconds", 1...86_400) { s.heartbeatSeconds = n }
        return s
    }

    /// The wait before attempt `attempt + 1` after `attempt` failures: exponential, capped,
    /// with jitter so a fleet of kiosks does not retry in step.
    public func backoff(afterAttempt attempt: Int, jitter: Double = Double.random(in: 0.5...1.0)) -> Double {
        let exponential = backoffBaseSeconds * pow(2, Double(max(0, attempt - 1)))
        return min(backoffCapSeconds, exponential) * jitter
    }
}
