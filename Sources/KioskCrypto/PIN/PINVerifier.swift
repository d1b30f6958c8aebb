import Crypto
import _CryptoExtras
import Foundation

/// Checks a customer's PIN against the PHC string of SYNC.md, `$pbkdf2-sha256$i=N$SALT$KEY`.
///
/// The comparison takes the same time whichever byte differs, so timing does not reveal how
/// much of a guess was right. Iterations are bounded (1,000…10,000,000) so a hostile sync
/// document cannot make one sign-in cost minutes.
public struct PINHash: Sendable, Equatable {
    public static let iterationRange = 1_000...10_000_000
    public let iterations: Int
    public let salt: [UInt8]
    public let key: [UInt8]

    /// nil when the string is not a well-formed PBKDF2-SHA256 PHC string with a 32-byte key.
    public init?(phc text: String) {
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "pbkdf2-sha256", parts[2].hasPrefix("i="),
              let n = Int(parts[2].dropFirst(2)), Self.iterationRange.contains(n),
              let salt = Self.unpaddedBase64(parts[3]), salt.count >= 8,
              let key = Self.unpaddedBase64(parts[4]), key.count == 32 else { return nil }
        iterations = n; self.salt = salt; self.key = key
    }

    /// Makes a hash for a PIN (demo data, tests, the back office's own tools).
    public static func make(pin: String, salt: [UInt8], iterations: Int = 210_000) -> String {
        let key = derive(Array(pin.utf8), salt: salt, iterations: iterations)
        return "$pbkdf2-sha256$i=\(iterations)$\(encode(salt))$\(encode(key))"
    }

    /// True when `pin` matches. The PIN's bytes are read in place and not kept.
    public func verify(pin: UnsafeRawBufferPointer) -> Bool {
        let derived = Self.derive(pin, salt: salt, iterations: iterations)
        guard derived.count == key.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<key.count { diff |= derived[i] ^ key[i] }
        return diff == 0
    }

    public func verify(pin: String) -> Bool {
        var bytes = Array(pin.utf8)
        defer { for i in bytes.indices { bytes[i] = 0 } }
        return bytes.withUnsafeBytes { verify(pin: $0) }
    }

    private static func derive<P: DataProtocol>(_ pin: P, salt: [UInt8], iterations: Int) -> [UInt8] {
        // Cannot fail for SHA-256 with a 32-byte output; an empty result never matches.
        guard let key = try? KDF.Insecure.PBKDF2.deriveKey(from: pin, salt: salt, using: .sha256, outputByteCount: 32,
                                                             unsafeUncheckedRounds: iterations) else { return [] }
        return key.withUnsafeBytes { Array($0) }
    }

    private static func unpaddedBase64(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, !text.contains("=") else { return nil }
        let padded = String(text) + String(repeating: "=", count: (4 - text.utf8.count % 4) % 4)
        return Data(base64Encoded: padded).map { [UInt8]($0) }
    }

    private static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
