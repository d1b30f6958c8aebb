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

    /// A `YYYY-MM-DD` wire date in the locale's medium style; the text as is when unreadable.
    public func date(_ wire: String) -> String {
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

    /// Minor-unit digits (ISO 4217 exponent) for the currencies a store may use.
    static func fractionDigits(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK": return 0
        case "BHD", "KWD", "OMR", "JOD", "TND": return 3
        default: return 2
        }
    }
}
