import CKioskOpenSSL
import KioskCore

/// Shared pieces of the DUKPT implementation: counter policy, wiping, and the public test keys.
///
/// The algorithms live in ``TDESDUKPT`` (ANSI X9.24-1:2009, the readers in the field today) and
/// ``AESDUKPT`` (ANSI X9.24-3-2017, newer readers), block operations in ``DUKPTCipher``.
///
/// Keys and clear data are passed as `[UInt8]`. Swift arrays cannot be pinned or wiped behind the
/// caller's back, so the caller owns every key and plaintext it passes in or gets back and should
/// call ``wipe(_:)`` when done. Temporaries this module creates itself are wiped before returning.
public enum DUKPT {
    /// How strictly a key serial number's transaction counter is checked before deriving.
    ///
    /// A device only ever uses non-zero counters with at most 10 (TDES) or 16 (AES) one-bits; any
    /// other counter means a damaged or forged KSN, so derivation refuses it by default. Tools that
    /// diagnose odd readers can opt out and derive whatever the bits say.
    public enum CounterCheck: Sendable, Equatable {
        /// Refuse counter 0 and counters with too many one-bits (the default).
        case strict
        /// Derive for any counter; counter 0 yields the initial key itself.
        case anyCounter
    }

    /// Overwrites the bytes with zeros through a call the optimiser may not remove, then empties
    /// the array. Wipes this array's storage only: copies made earlier (copy-on-write) keep theirs.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            kiosk_cleanse(buffer.baseAddress, buffer.count)
        }
        bytes.removeAll()
    }

    /// The ANSI X9.24 test BDK `0123456789ABCDEFFEDCBA9876543210`, used by every published TDES
    /// vector and by vendors' sample data. For tests and emulated readers only — never production.
    public static let ansiTestBDK: [UInt8] = [
        0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF, 0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10,
    ]

    /// The initial KSN `FFFF9876543210E00000` that goes with ``ansiTestBDK`` in X9.24-1 A.4.
    public static let ansiTestInitialKSN: [UInt8] = [0xFF, 0xFF, 0x98, 0x76, 0x54, 0x32, 0x10, 0xE0, 0x00, 0x00]

    /// The X9.24-3-2017 supplement's AES-128 test BDK `FEDCBA9876543210F1F1F1F1F1F1F1F1`.
    /// For tests and emulated readers only.
    public static let aes128TestBDK: [UInt8] = [
        0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1, 0xF1,
    ]

    /// The X9.24-3-2017 supplement's AES-256 test BDK (the AES-128 one, twice).
    /// For tests and emulated readers only.
    public static let aes256TestBDK: [UInt8] = aes128TestBDK + aes128TestBDK

    /// The initial key ID `1234567890123456` of the X9.24-3-2017 supplement vectors.
    public static let aesTestInitialKeyID: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x90, 0x12, 0x34, 0x56]
}

/// Hexadecimal text ↔ bytes for keys, KSNs and ciphertext typed by people or read from readers.
///
/// Errors name the field and a position but never echo the text: it is often a key.
public enum DUKPTHex {
    /// Decodes hex digits (either case). Spaces, tabs and line breaks are ignored so values pasted
    /// from manuals or logs in groups (`C2 5C 1D…`) work as they are.
    public static func decode(_ text: String, field: String = "value") throws(DUKPTError) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count / 2)
        var high: UInt8? = nil
        var digits = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            let nibble: UInt8
            switch scalar.value {
            case 0x30...0x39: nibble = UInt8(scalar.value - 0x30)
            case 0x41...0x46: nibble = UInt8(scalar.value - 0x41 + 10)
            case 0x61...0x66: nibble = UInt8(scalar.value - 0x61 + 10)
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default:
                DUKPT.wipe(&bytes)
                throw .invalidHexCharacter(field: field, position: index + 1)
            }
            digits += 1
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        if high != nil {
            DUKPT.wipe(&bytes)
            throw .oddHexLength(field: field, digits: digits)
        }
        return bytes
    }

    /// Uppercase hex with no separators, the form readers, manuals and test vectors use.
    public static func encode(_ bytes: [UInt8]) -> String { Hex.uppercase(bytes) }
}
