import Foundation

/// An amount as the customer types it: "125.50" in en_US, "125,50" in fr_CA, read into
/// integer minor units digit by digit, never through floating point.
///
/// Either '.' or ',' starts the decimals, except the one the locale uses to group thousands
/// (',' in en_US, '.' in de_DE), which is ignored, so "1,250.50" types as 1250.50 there. At
/// most the currency's minor digits follow the separator (2 for USD, 0 for JPY); more are
/// refused, as are more than 9 whole digits.
public struct AmountEntry: Sendable, Equatable {
    public private(set) var whole = ""
    /// nil until a decimal separator is typed.
    public private(set) var fraction: String?
    public let fractionDigits: Int
    public static let maxWholeDigits = 9

    public init(fractionDigits: Int = 2) { self.fractionDigits = fractionDigits }

    /// The entry that shows `minor` (to edit an amount typed before).
    public init(minor: Int, fractionDigits: Int = 2) {
        self.fractionDigits = fractionDigits
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let value = max(0, minor)
        whole = String(value / scale)
        if fractionDigits > 0, value % scale != 0 {
            let digits = String(value % scale)
            fraction = String(repeating: "0", count: fractionDigits - digits.count) + digits
        }
    }

    public var isEmpty: Bool { whole.isEmpty && fraction == nil }

    /// Types one character; false when it is not taken (not a digit or separator, or too many digits).
    @discardableResult
    public mutating func type(_ character: Character, groupingSeparator: Character?) -> Bool {
        if character.isASCII, character.isNumber {
            if var typed = fraction {
                guard typed.count < fractionDigits else { return false }
                typed.append(character)
                fraction = typed
            } else if whole == "0" {
                whole = String(character)
            } else {
                guard whole.count < Self.maxWholeDigits else { return false }
                whole.append(character)
            }
            return true
        }
        guard character == "." || character == "," else { return false }
        if character == groupingSeparator { return true }  // "1,250": grouping, nothing to add
        guard fractionDigits > 0, fraction == nil else { return false }
        if whole.isEmpty { whole = "0" }
        fraction = ""
        return true
    }

    public mutating func erase() {
        if let typed = fraction {
            fraction = typed.isEmpty ? nil : String(typed.dropLast())
        } else {
            _ = whole.popLast()
        }
    }

    /// The amount in minor units; nil when nothing is typed.
    public var minorUnits: Int? {
        guard !isEmpty else { return nil }
        var scale = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let units = Int(whole.isEmpty ? "0" : whole) ?? 0
        let typed = fraction ?? ""
        let cents = Int(typed + String(repeating: "0", count: fractionDigits - typed.count)) ?? 0
        return units * scale + cents
    }

    /// What was typed, with the locale's decimal separator ("125,5" in fr_CA).
    public func text(decimalSeparator: String) -> String {
        whole + (fraction.map { decimalSeparator + $0 } ?? "")
    }
}
