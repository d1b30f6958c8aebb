import Foundation
import KioskCore
import Crypto

/// A 128-bit change fingerprint (two FNV-1a 64 lanes with different bases).
///
/// It only answers "did this account's data change since the last sync?", so that applying
/// the same document twice writes nothing. It is not a security hash and guards no secret.
struct Fingerprint {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    mutating func add(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Fingerprint.prime
            b = (b ^ UInt64(byte ^ 0x5a)) &* Fingerprint.prime
        }
    }

    var hex: String {
        func h(_ v: UInt64) -> String {
            let s = String(v, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }
        return h(a) + h(b)
    }

    static func of(_ data: Data) -> String {
        var f = Fingerprint()
        f.add(data)
        return f.hex
    }
}

/// The fingerprint a streamed account is stored with (`account.fingerprint`): SHA-256 over
/// the document's currency and the account's JSON bytes as sent, whitespace outside strings
/// left out.
///
/// Why the bytes as sent and not a canonical re-encoding: an unchanged account is then
/// recognised by hashing its bytes and one indexed lookup, without decoding it (the old
/// scheme decoded and re-encoded every account, which made an unchanged re-apply of 10,000
/// accounts take 27 s). Leaving out insignificant whitespace makes a re-indented or compacted
/// copy of the same document (kioskctl compacts small ones) still "unchanged". Other bytes
/// for the same account (members reordered, as Foundation's JSONSerialization may from one
/// request to the next) are decoded, compared with the stored account and, when equal, counted
/// unchanged and only re-stamped (SyncStreamApply).
/// SHA-256 rather than FNV because a match now skips decoding and validation: two different
/// accounts must never share one.
///
/// Older kiosks stored the FNV of the canonical encoding (`Fingerprint.of`, 32 hex digits);
/// such an account is decoded, compared the old way and, when equal, only re-stamped with the
/// new fingerprint, so the first re-sync after the upgrade writes no account rows.
enum AccountFingerprint {
    static let prefix = "sha256:"

    static func of(_ bytes: Data, currency: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Data("kioskpay.sync.v1 account\u{0}\(currency)\u{0}".utf8))
        var buffer = [UInt8]()
        buffer.reserveCapacity(min(bytes.count, 1 << 16))
        var inString = false, escaped = false
        bytes.withUnsafeBytes { raw in
            for b in raw {
                if inString {
                    if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
                } else {
                    switch b {
                    case 0x20, 0x09, 0x0A, 0x0D: continue
                    case UInt8(ascii: "\""): inString = true
                    default: break
                    }
                }
                buffer.append(b)
                if buffer.count == 1 << 16 { hasher.update(data: buffer); buffer.removeAll(keepingCapacity: true) }
            }
        }
        hasher.update(data: buffer)
        return prefix + Hex.lowercase(hasher.finalize())
    }

    /// A fingerprint of the scheme before streaming sync (FNV, 32 hex digits).
    static func isLegacy(_ stored: String) -> Bool {
        stored.utf8.count == 32 && stored.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
