import Foundation
import Logging
import TOMLKit

/// Everything kioskd can be told in `/etc/kioskd/kioskd.toml`. Every key is documented in
/// docs/CONFIGURATION.md; an unknown key is refused with its line, because a typo in a
/// payment device's config must not be silently ignored.
public struct Configuration: Sendable, Equatable {
    public static let defaultPath = "/etc/kioskd/kioskd.toml"

    /// Where the database and lock file live.
    public var dataDirectory: String
    /// The Unix socket clients connect to.
    public var socketPath: String
    /// Group owning the socket file (name or numeric gid); nil leaves the daemon's own group.
    public var socketGroup: String?
    public var logLevel: Logger.Level
    /// How long shutdown waits for connected clients before it cancels them.
    public var shutdownGraceSeconds: Int
    public var roles: RoleTable
    /// Attach the emulated card reader and signature pad (driver `emulated-*`).
    public var emulatedDevices: Bool
    /// Demo mode: emulated devices are allowed without a technician.
    public var allowEmulatedDevices: Bool
    /// Use real USB card readers and pads (libusb). Without USB the daemon warns and goes on.
    public var usb: Bool
    /// This kiosk's name, bound into every sealed capture (default: the host name).
    public var kioskID: String
    /// Demo mode: with no back-office key installed, seal to a throwaway demo key (loudly).
    public var demoSealingKey: Bool
    /// Session lifetimes and PIN lockout.
    public var sessions: SessionPolicy
    /// The back-office link; nil runs the kiosk on its own (the outbox keeps everything).
    public var backOffice: BackOfficeLinkSettings?
    /// What the receipt printer prints above and below a payment (`[receipt]`).
    public var receipt = ReceiptSettings()

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        // systemd's StateDirectory= / RuntimeDirectory= win over the FHS defaults.
        dataDirectory = environment["STATE_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "/var/lib/kioskd"
        let runtime = environment["RUNTIME_DIRECTORY"].flatMap { $0.split(separator: ":").first.map(String.init) } ?? "/run/kioskd"
        socketPath = runtime + "/kioskd.sock"
        socketGroup = nil
        logLevel = .info
        shutdownGraceSeconds = 5
        roles = RoleTable()
        emulatedDevices = false
        allowEmulatedDevices = false
        usb = true
        kioskID = Configuration.hostName()
        demoSealingKey = false
        sessions = SessionPolicy()
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "kiosk" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "kiosk" : String(name.prefix(64))
    }

    /// Reads a TOML file over the defaults.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Configuration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: FileManager.default.fileExists(atPath: path) ? "not readable or not UTF-8" : "no such file")
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Parses TOML text over the defaults; `path` only names the file in errors.
    public static func parse(_ text: String, path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigurationError) -> Configuration {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw .syntax(path: path, line: 0, message: String(describing: error))
        }
        var config = Configuration(environment: environment)
        let locate = KeyLocator(text: text)
        func bad(_ key: String, _ section: String?, _ expected: String) -> ConfigurationError {
            .badValue(path: path, line: locate.line(of: key, in: section), key: section.map { "\($0).\(key)" } ?? key, expected: expected)
        }
        for (key, value) in table {
            switch key {
            case "data_dir":
                guard let s = value.string, s.hasPrefix("/") else { throw bad(key, nil, "an absolute path") }
                config.dataDirectory = s
            case "socket":
                guard let s = value.string, s.hasPrefix("/"), s.utf8.count < 108 else { throw bad(key, nil, "an absolute path shorter than 108 bytes") }
                config.socketPath = s
            case "socket_group":
                if let s = value.string { config.socketGroup = s.isEmpty ? nil : s }
                else if let n = value.int, n >= 0 { config.socketGroup = String(n) }
                else { throw bad(key, nil, "a group name or numeric gid") }
            case "log_level":
                guard let s = value.string, let level = Logger.Level(rawValue: s) else {
                    throw bad(key, nil, "one of trace, debug, info, notice, warning, error, critical")
                }
                config.logLevel = level
            case "shutdown_grace_seconds":
                guard let n = value.int, (0...300).contains(n) else { throw bad(key, nil, "a whole number of seconds from 0 to 300") }
                config.shutdownGraceSeconds = n
            case "emulated_devices":
                guard let flag = value.bool else { throw bad(key, nil, "true or false") }
                config.emulatedDevices = flag
            case "usb":
                guard let flag = value.bool else { throw bad(key, nil, "true or false") }
                config.usb = flag
            case "session_idle_seconds", "session_max_seconds", "pin_max_failures", "pin_lock_minutes":
                let ranges = ["session_idle_seconds": 2...3_600, "session_max_seconds": 60...86_400,
                              "pin_max_failures": 1...20, "pin_lock_minutes": 1...1_440]
                guard let n = value.int, let range = ranges[key], range.contains(n) else {
                    throw bad(key, nil, "a whole number from \(ranges[key]!.lowerBound) to \(ranges[key]!.upperBound)")
                }
                switch key {
                case "session_idle_seconds": config.sessions.idleSeconds = n
                case "session_max_seconds": config.sessions.maximumSeconds = n
                case "pin_max_failures": config.sessions.maxPINFailures = n
                default: config.sessions.lockMinutes = n
                }
            case "kiosk_id":
                guard let s = value.string, (1...64).contains(s.utf8.count),
                      s.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
                else { throw bad(key, nil, "1-64 characters of letters, digits, '.', '_' or '-'") }
                config.kioskID = s
            case "backoffice":
                guard let link = value.table else { throw bad(key, nil, "a table [backoffice]") }
                config.backOffice = try BackOfficeLinkSettings.parse(link, path: path, locate: locate)
            case "receipt":
                guard let receipt = value.table else { throw bad(key, nil, "a table [receipt]") }
                config.receipt = try ReceiptSettings.parse(receipt, path: path, locate: locate)
            case "roles":
                guard let roles = value.table else { throw bad(key, nil, "a table [roles]") }
                for (roleKey, roleValue) in roles {
                    guard let role = RoleTable.Assignable(rawValue: roleKey) else {
                        throw .unknownKey(path: path, line: locate.line(of: roleKey, in: "roles"), key: "roles.\(roleKey)",
                                          known: RoleTable.Assignable.allCases.map(\.rawValue))
                    }
                    guard let array = roleValue.array else { throw bad(roleKey, "roles", "an array of group names or gids") }
                    var groups = [RoleTable.GroupRef]()
                    for element in array {
                        if let name = element.string, !name.isEmpty { groups.append(.name(name)) }
                        else if let gid = element.int, gid >= 0, gid <= Int(UInt32.max) { groups.append(.gid(UInt32(gid))) }
                        else { throw bad(roleKey, "roles", "group names (strings) or gids (numbers)") }
                    }
                    config.roles.groups[role] = groups
                }
            default:
                throw .unknownKey(path: path, line: locate.line(of: key, in: nil), key: key,
                                  known: ["data_dir", "socket", "socket_group", "log_level", "shutdown_grace_seconds", "emulated_devices", "usb", "kiosk_id",
                                          "session_idle_seconds", "session_max_seconds", "pin_max_failures", "pin_lock_minutes",
                                          "backoffice", "receipt", "roles"])
            }
        }
        return config
    }
}

/// Why a configuration file was refused.
public enum ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, message: String)
    case unknownKey(path: String, line: Int, key: String, known: [String])
    case badValue(path: String, line: Int, key: String, expected: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the configuration \(path): \(reason)"
        case .syntax(let path, let line, let message): return "\(path):\(line): not valid TOML: \(message)"
        case .unknownKey(let path, let line, let key, let known):
            return "\(path):\(line): unknown key \"\(key)\"; known keys here: \(known.joined(separator: ", ")) (see docs/CONFIGURATION.md)"
        case .badValue(let path, let line, let key, let expected): return "\(path):\(line): \(key) must be \(expected)"
        }
    }
}

/// Finds the line a key was written on; TOMLKit does not keep positions for keys.
struct KeyLocator {
    let lines: [Substring]
    init(text: String) { lines = text.split(separator: "\n", omittingEmptySubsequences: false) }

    func line(of key: String, in section: String?) -> Int {
        var current: String? = nil
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] \t"))
                if section == nil && current == key { return index + 1 }
                continue
            }
            guard current == section else { continue }
            let name = line.split(separator: "=", maxSplits: 1).first?.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")) ?? ""
            if name == key { return index + 1 }
        }
        return 0
    }
}
