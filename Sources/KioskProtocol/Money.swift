/// Formats integer minor units for people. Never goes through floating point.
public enum MoneyFormat {
    /// Minor-unit digits of a currency (ISO 4217 exponent); 2 unless known otherwise.
    public static func fractionDigits(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK", "PYG", "UGX", "XAF", "XOF", "XPF", "KMF", "RWF", "VUV", "DJF", "GNF", "BIF":
            return 0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND":
            return 3
        default:
            return 2
        }
    }

    /// `$1,234.56` for USD (negative: `-$12.00`); `1,234.56 EUR` for other currencies.
    public static func format(_ minor: Int, currency: String) -> String {
        let code = currency.uppercased()
        let digits = fractionDigits(code)
        let magnitude = minor.magnitude  // UInt: Int.min is safe
        var scale: UInt = 1
        for _ in 0..<digits { scale *= 10 }
        let whole = magnitude / scale
        let fraction = magnitude % scale
        var number = grouped(whole)
        if digits > 0 {
            let text = String(fraction)
            number += "." + String(repeating: "0", count: digits - text.count) + text
        }
        let sign = minor < 0 ? "-" : ""
        return code == "USD" ? "\(sign)$\(number)" : "\(sign)\(number) \(code)"
    }

    /// `1234567` → `1,234,567`.
    static func grouped(_ value: UInt) -> String {
        let text = String(value)
        var out = ""
        for (i, ch) in text.enumerated() {
            if i > 0 && (text.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}
