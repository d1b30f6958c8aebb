/// Why a DUKPT derivation, encryption or decryption could not be done.
///
/// Every case reads as a sentence a technician can act on. None repeats key material, key
/// serial numbers or data: the inputs are often pasted keys, and errors end up in logs.
public enum DUKPTError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A key has a length the algorithm does not use. `role` names it ("BDK", "IPEK", …).
    case invalidKeyLength(role: String, expected: [Int], actual: Int)
    /// A key serial number is not 10 bytes (TDES) or 12 bytes (AES).
    case invalidKSNLength(expected: Int, actual: Int)
    /// Text that should be hexadecimal is not; `field` names it, `position` is 1-based.
    case invalidHexCharacter(field: String, position: Int)
    /// Hexadecimal text has an odd number of digits, so it cannot be whole bytes.
    case oddHexLength(field: String, digits: Int)
    /// The transaction counter is 0: that is the initial key itself, never used for a transaction.
    case counterZero
    /// The transaction counter has more one-bits than any DUKPT device ever uses.
    case tooManyCounterBits(counter: UInt32, oneBits: Int, limit: Int)
    /// A counter given to build a KSN does not fit the counter field.
    case counterOutOfRange(counter: UInt64, maximum: UInt32)
    /// No valid transaction counter is left after this one: the device must be re-keyed.
    case counterExhausted
    /// Data to encrypt or decrypt is empty.
    case emptyData
    /// Ciphertext (or a single block) is not a whole number of cipher blocks.
    case invalidDataLength(length: Int, blockSize: Int)
    /// An initialisation vector does not match the cipher's block size.
    case invalidIVLength(expected: Int, actual: Int)
    /// X9.24-3 forbids deriving a working key stronger than the key it is derived from.
    case workingKeyTooStrong(requestedBits: Int, derivationKeyBits: Int)
    /// OpenSSL refused a block-cipher operation (status from the CKioskOpenSSL shim).
    case cipherFailed(status: Int32)

    public var description: String {
        switch self {
        case .invalidKeyLength(let role, let expected, let actual):
            "The \(role) must be \(Self.lengths(expected)), but \(Self.bytes(actual)) \(actual == 1 ? "was" : "were") given."
        case .invalidKSNLength(let expected, let actual):
            "A\(expected == 12 ? "n AES" : " TDES") DUKPT key serial number is \(expected) bytes (\(expected * 2) hex digits), "
                + "but \(Self.bytes(actual)) \(actual == 1 ? "was" : "were") given."
        case .invalidHexCharacter(let field, let position):
            "The \(field) is not hexadecimal: character \(position) is not 0-9 or A-F."
        case .oddHexLength(let field, let digits):
            "The \(field) has an odd number of hex digits (\(digits)); every byte needs two."
        case .counterZero:
            "The key serial number's transaction counter is 0, which no device uses for a transaction; check the KSN."
        case .tooManyCounterBits(let counter, let oneBits, let limit):
            "The key serial number's transaction counter 0x\(String(counter, radix: 16, uppercase: true)) has \(oneBits) one-bits; "
                + "DUKPT devices never use more than \(limit), so the KSN is damaged or not from a DUKPT device."
        case .counterOutOfRange(let counter, let maximum):
            "The transaction counter \(counter) does not fit the key serial number (maximum \(maximum))."
        case .counterExhausted:
            "The key serial number's transaction counter is exhausted: no valid counter is left, so the device must be re-keyed."
        case .emptyData:
            "There is no data to encrypt or decrypt."
        case .invalidDataLength(let length, let blockSize):
            "The data is \(Self.bytes(length)), not a whole number of \(blockSize)-byte blocks; it was cut short or framed wrongly."
        case .invalidIVLength(let expected, let actual):
            "The initialisation vector must be \(Self.bytes(expected)), but \(Self.bytes(actual)) \(actual == 1 ? "was" : "were") given."
        case .workingKeyTooStrong(let requested, let derivation):
            "A \(requested)-bit working key cannot be derived from a \(derivation)-bit key; X9.24-3 allows only keys as strong or weaker."
        case .cipherFailed(let status):
            "OpenSSL refused the block-cipher operation (status \(status)); check that libcrypto is installed and working."
        }
    }

    private static func bytes(_ count: Int) -> String {
        count == 1 ? "1 byte" : "\(count) bytes"
    }

    private static func lengths(_ counts: [Int]) -> String {
        let numbers = counts.map { "\($0)" }
        switch counts.count {
        case 0: return "of a supported length"
        case 1: return "\(counts[0]) bytes (\(counts[0] * 2) hex digits)"
        default: return numbers.dropLast().joined(separator: ", ") + " or \(numbers.last!) bytes"
        }
    }
}
