#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Small facts about this machine and moment that several binaries put in file names and
/// reports (a restore's kept database, a diagnostic bundle).
public enum HostFacts {
    /// `20261202T093000Z`: UTC, sorts by time, nothing a shell or a file system minds.
    public static func compactStamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `uname -srm`: system, release and machine, e.g. `Linux 6.1.0-18-amd64 x86_64`.
    public static func kernel() -> String? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        func field<T>(_ value: T) -> String { withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
        return "\(field(names.sysname)) \(field(names.release)) \(field(names.machine))"
    }

    /// PRETTY_NAME of /etc/os-release, e.g. `Debian GNU/Linux 12 (bookworm)`.
    public static func osName() -> String? {
        guard let text = try? String(contentsOfFile: "/etc/os-release", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("PRETTY_NAME=") }) else { return nil }
        return line.dropFirst("PRETTY_NAME=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
    }

    /// This machine's host name (a diagnostic bundle's name when kioskd cannot say its kiosk id).
    public static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "kiosk" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let safe = name.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return safe.isEmpty ? "kiosk" : String(safe.prefix(64))
    }
}
