import Foundation

/// Money and dates as the configured locale writes them (`$1,234.56` in en_US,
/// `1 234,56 $` in fr_CA). Amounts stay integer minor units until the last step: the
/// decimal is built exactly (Decimal), never through floating point.
public struct LocaleFormat: Sendable, Equatable {
    public let identifier: String

    public init(_ identifier: String) { self.identifier = identifier }

    public func money(_ minor: Int, _ currency: String) -> String {
        let digits = Self.fractionDigits(currency)
        var value = Decimal(minor)
        for _ in 0..<digits { value /= 10 }
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: identifier)
        formatter.numberStyle = .currency
        formatter.currencyCode = currency.uppercased()
        formatter.minimumFractionDigits = digits
        formatter.maximumFractionDigits = digits
        if formatter.locale.identifier.hasPrefix("en_US"), currency.uppercased() == "USD" { formatter.currencySymbol = "$" }
        return formatter.string(from: value as NSDecimalNumber) ?? "\(minor) \(currency)"
    }

    /// The locale's decimal separator ("." in en_US, "," in fr_CA).
    public var decimalSeparator: String { Locale(identifier: identifier).decimalSeparator ?? "." }

    /// The character the locale groups thousands with, when it is one a customer could type
    /// ("," in en_US, "." in de_DE; fr_CA groups with a space: nil).
    public var groupingSeparator: Character? {
        guard let text = Locale(identifier: identifier).groupingSeparator, text == "," || text == "." else { return nil }
        return text.first
    }

    /// A `YYYY-MM-DD` wire date in the locale's medium style; the text as is when unreadable.
    /// An RFC 3339 instant (a payment taken at this kiosk) is shown as its day in the kiosk's
    /// own time zone, not UTC's.
    public func date(_ wire: String) -> String {
        if wire.count > 10, let instant = Self.instant(wire) {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: identifier)
            formatter.timeZone = TimeZone.current
            formatter.setLocalizedDateFormatFromTemplate("yMMMd")
            return formatter.string(from: instant)
        }
        let parts = wire.prefix(10).split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return wire }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let day = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return wire }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: identifier)
        formatter.timeZone = calendar.timeZone
        formatter.setLocalizedDateFormatFromTemplate("yMMMd")
        return formatter.string(from: day)
    }

    static func instant(_ text: String) -> Date? {
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return date }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text)
    }

    /// Minor-unit digits (ISO 4217 exponent) for the currencies a store may use.
    public static func fractionDigits(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }
}
