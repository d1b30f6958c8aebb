import Foundation

/// How invoice numbers sort when dates tie. Numbers are text in the back office, but people
/// read "9" as coming before "10"; plain string order would put "10" first. Comparison is on
/// the digits themselves, so numbers longer than `Int` can hold still sort correctly.
public enum InvoiceNumberOrder {
    /// Total order: numeric numbers (all ASCII digits) before any other, numeric ones by
    /// value, the rest by UTF-8 bytes. Numbers of equal value but different spelling ("010"
    /// and "10") fall back to byte order, so two different numbers never compare equal and
    /// sorting stays deterministic.
    public static func compare(_ a: String, _ b: String) -> ComparisonResult {
        let x = Array(a.utf8), y = Array(b.utf8)
        switch (isNumeric(x), isNumeric(y)) {
        case (true, false): return .orderedAscending
        case (false, true): return .orderedDescending
        case (true, true):
            let byValue = compareDigits(stripZeros(x), stripZeros(y))
            if byValue != .orderedSame { return byValue }
            return compareBytes(x, y)
        case (false, false):
            return compareBytes(x, y)
        }
    }

    /// `compare(a, b) == .orderedAscending`, shaped for `sort(by:)`.
    public static func precedes(_ a: String, _ b: String) -> Bool {
        compare(a, b) == .orderedAscending
    }

    /// All ASCII digits (and not empty): the numbers compared by value. PayOrderKey uses the same rule.
    static func isNumeric(_ bytes: [UInt8]) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// The digits without leading zeros (the value's digits).
    static func stripZeros(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        let first = bytes.firstIndex { $0 != 0x30 } ?? bytes.endIndex
        return bytes[first...]
    }

    /// Without leading zeros, a longer run of digits is a larger number; equal lengths
    /// compare digit by digit.
    private static func compareDigits(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> ComparisonResult {
        if a.count != b.count { return a.count < b.count ? .orderedAscending : .orderedDescending }
        return compareBytes(a, b)
    }

    private static func compareBytes<C: Collection>(_ a: C, _ b: C) -> ComparisonResult where C.Element == UInt8 {
        if a.lexicographicallyPrecedes(b) { return .orderedAscending }
        if b.lexicographicallyPrecedes(a) { return .orderedDescending }
        return .orderedSame
    }
}
