/// Hex text of bytes (digests, pen report bytes, keys and KSNs). Foundation's
/// `String(format: "%02x")` builds a formatter per byte: in the submit profile the hex of three
/// SHA-256 digests and the audit chain's hash cost more than the hashing itself (issue 16).
public enum Hex {
    private static let lowerDigits = Array("0123456789abcdef".utf8)
    private static let upperDigits = Array("0123456789ABCDEF".utf8)

    /// Two lower-case hex digits per byte, in order.
    public static func lowercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        text(bytes, lowerDigits)
    }

    /// Two upper-case hex digits per byte, in order (the form readers and test vectors use).
    public static func uppercase<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        text(bytes, upperDigits)
    }

    private static func text<Bytes: Sequence>(_ bytes: Bytes, _ digits: [UInt8]) -> String where Bytes.Element == UInt8 {
        var text = [UInt8]()
        text.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
