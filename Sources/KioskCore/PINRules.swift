/// The rules a PIN set or changed at the kiosk must keep (DOMAIN.md "Accounts, jobs,
/// contacts"): 4–8 digits 0–9, not all one digit, and not as a whole an ascending or
/// descending run of consecutive digits (no wrap-around: `8901` is allowed). PINs that
/// arrive from the back office as hashes are never checked.
public enum PINRules {
    /// The lengths allowed.
    public static let lengths = 4...8

    /// Which rule a PIN breaks; the wire's `invalid_pin` `data.reason`.
    public enum Problem: String, Sendable, Equatable, CaseIterable {
        case notDigits = "not_digits"
        case length
        case sameDigit = "same_digit"
        case run

        /// What the customer or manager reads: the rule in plain words, never the PIN.
        public var sentence: String {
            switch self {
            case .notDigits: return "a PIN is made of the digits 0 to 9 only"
            case .length: return "a PIN has 4 to 8 digits"
            case .sameDigit: return "a PIN cannot be the same digit repeated, like 1111"
            case .run: return "a PIN cannot be a run of digits counting up or down, like 1234 or 9876"
            }
        }
    }

    /// The first rule `pin` breaks, in the order of ``Problem``; nil when it keeps them all.
    public static func problem(_ pin: String) -> Problem? {
        let bytes = Array(pin.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return .notDigits }
        guard lengths.contains(bytes.count) else { return .length }
        let digits = bytes.map { Int($0) - Int(UInt8(ascii: "0")) }
        if Set(digits).count == 1 { return .sameDigit }
        let steps = zip(digits, digits.dropFirst()).map { $1 - $0 }
        if steps.allSatisfy({ $0 == 1 }) || steps.allSatisfy({ $0 == -1 }) { return .run }
        return nil
    }
}
