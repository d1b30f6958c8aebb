#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import KioskSystem

/// Structured logs to stderr, one logfmt line per event, journald-friendly.
///
/// Under systemd (`$JOURNAL_STREAM` set) each line starts with the `<N>` priority prefix and no
/// timestamp, since journald adds both. Callers must never pass secrets as metadata; values are
/// quoted and stripped of control characters so a hostile string cannot forge a log line.
public struct LogfmtHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    let underJournal: Bool

    public init(label: String, level: Logger.Level, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.label = label
        self.logLevel = level
        self.underJournal = environment["JOURNAL_STREAM"] != nil
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var line = ""
        if underJournal {
            line += "<\(Self.priority(event.level))>"
        } else {
            line += "ts=\(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))) "
        }
        line += "level=\(event.level.rawValue) msg=\(Self.quote(event.message.description))"
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(Self.sanitizeKey(key))=\(Self.quote(merged[key]!.description))"
        }
        line += "\n"
        // One write(2) per line; a closed stderr or a reader that left is ignored (never a trap).
        StandardStreams.bestEffort(Data(line.utf8), to: STDERR_FILENO)
    }

    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }

    static func sanitizeKey(_ key: String) -> String {
        String(key.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "." }.map(Character.init))
    }

    static func quote(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars.prefix(2000) {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.properties.generalCategory == .control { out += "?" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
