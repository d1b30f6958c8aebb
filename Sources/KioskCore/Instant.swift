import Foundation

/// A moment in time written as RFC 3339 in UTC on the wire (`2026-11-20T12:00:00Z`).
/// Offsets other than `Z` are accepted on input and normalised.
public struct Instant: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let date: Date

    public init(_ date: Date) { self.date = date }

    /// Parses RFC 3339 (`Z` or `±hh:mm`, optional fractional seconds, `t`/`z` in either case);
    /// nil otherwise.
    public init?(_ raw: String) {
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let plain = Date.ISO8601FormatStyle()
        guard raw.count >= 20, raw.count <= 40, raw.allSatisfy(\.isASCII) else { return nil }
        let text = raw.uppercased()
        if let d = try? plain.parse(text) { self.date = d; return }
        if let d = try? withFraction.parse(text) { self.date = d; return }
        return nil
    }

    /// UTC, with milliseconds only when the instant has a fraction of a second, so that
    /// `…T10:00:00.5Z` stays later than `…T10:00:00Z` once stored.
    public var description: String {
        let whole = date.timeIntervalSince1970.rounded(.down) == date.timeIntervalSince1970
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: !whole))
    }

    public static func < (a: Instant, b: Instant) -> Bool { a.date < b.date }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Instant(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 instant (expected e.g. 2026-11-20T12:00:00Z)")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
