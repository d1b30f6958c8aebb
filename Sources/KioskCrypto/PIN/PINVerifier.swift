import Crypto
import _CryptoExtras
import Foundation
import KioskCore

/// Checks a customer's PIN against the PHC string of SYNC.md, `$pbkdf2-sha256$i=N$SALT$KEY`.
///
/// The string's grammar and bounds are KioskCore's `PINHashFormat` (the same rules that
/// validate sync documents); this adds the derivation. The comparison takes the same time
/// whichever byte differs, so timing does not reveal how much of a guess was right.
public struct PINHash: Sendable, Equatable {
    public let iterations: Int
    public let salt: [UInt8]
    public let key: [UInt8]

    /// nil when the string is not a well-formed PBKDF2-SHA256 PHC string (`PINHashFormat`).
    public init?(phc text: String) {
        guard let format = PINHashFormat.parse(text) else { return nil }
        iterations = format.iterations; salt = format.salt; key = format.key
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

    private static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
    }
}
