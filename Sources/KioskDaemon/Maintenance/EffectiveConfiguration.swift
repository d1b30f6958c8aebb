import Foundation
import KioskJSON

/// The configuration kioskd runs with (defaults, kioskd.toml and flags, as parsed), as JSON
/// with its secrets redacted: what `diagnose` sends for a technician's bundle.
///
/// Built from the parsed values, never from the file's text, so a comment or an unknown
/// table cannot carry a secret out. Then every member whose name looks secret (``isSecret``)
/// has its value replaced by `"<redacted>"` whatever it holds, paths included: the name of a
/// key file is already more than a bundle sent by e-mail needs. A URL keeps its scheme,
/// host, port and path; user, password, query and fragment are redacted.
enum EffectiveConfiguration {
    static let redacted = "<redacted>"

    /// Words that make a member secret, wherever they appear in its name.
    static let secretWords = ["token", "secret", "password", "passwd", "passphrase", "key", "credential", "private", "auth", "cookie", "pin"]

    static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        // `pin_max_failures`/`pin_lock_minutes` are counts, not PINs.
        if lowered.hasPrefix("pin_max") || lowered.hasPrefix("pin_lock") { return false }
        return secretWords.contains { lowered.contains($0) }
    }

    static func json(_ c: Configuration) -> JSONValue {
        var top: [String: JSONValue] = [
            "data_dir": .string(c.dataDirectory),
            "socket": .string(c.socketPath),
            "socket_group": c.socketGroup.map(JSONValue.string) ?? .null,
            "log_level": .string(c.logLevel.rawValue),
            "shutdown_grace_seconds": .integer(Int64(c.shutdownGraceSeconds)),
            "emulated_devices": .bool(c.emulatedDevices),
            "usb": .bool(c.usb),
            "kiosk_id": .string(c.kioskID),
            "session_idle_seconds": .integer(Int64(c.sessions.idleSeconds)),
            "session_max_seconds": .integer(Int64(c.sessions.maximumSeconds)),
            "pin_max_failures": .integer(Int64(c.sessions.maxPINFailures)),
            "pin_lock_minutes": .integer(Int64(c.sessions.lockMinutes)),
            "demo": .bool(c.demoSealingKey),
        ]
        var roles: [String: JSONValue] = [:]
        for (role, groups) in c.roles.groups { roles[role.rawValue] = .array(groups.map { .string($0.description) }) }
        top["roles"] = .object(roles)
        if let b = c.backOffice {
            var link: [String: JSONValue] = [
                "url": .string(safeURL(b.url)),
                "token_file": .string(b.tokenFile),
                "timeout_seconds": .integer(Int64(b.timeoutSeconds)),
                "max_attempts": .integer(Int64(b.maxAttempts)),
                "backoff_base_seconds": .number(b.backoffBaseSeconds),
                "backoff_cap_seconds": .number(b.backoffCapSeconds),
                "status_poll_seconds": .integer(Int64(b.statusPollSeconds)),
                "sync_interval_seconds": .integer(Int64(b.syncIntervalSeconds)),
                "heartbeat_seconds": .integer(Int64(b.heartbeatSeconds)),
            ]
            if let certificate = b.clientCertificate { link["client_certificate"] = .string(certificate) }
            if let key = b.clientKey { link["client_key"] = .string(key) }
            top["backoffice"] = .object(link)
        } else {
            top["backoffice"] = .null
        }
        return redact(.object(top))
    }

    /// `value` with every secret-looking member's value replaced, at any depth.
    static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var out: [String: JSONValue] = [:]
            for (name, member) in members { out[name] = isSecret(name) && member != .null ? .string(redacted) : redact(member) }
            return .object(out)
        case .array(let items): return .array(items.map(redact))
        default: return value
        }
    }

    /// Scheme, host, port and path only.
    static func safeURL(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return redacted }
        if parts.user != nil || parts.password != nil { parts.user = redacted; parts.password = nil }
        if parts.query != nil { parts.query = redacted }
        if parts.fragment != nil { parts.fragment = redacted }
        return parts.string ?? redacted
    }
}
