/// Why a key could not be read, or a capture could not be sealed or opened.
///
/// Every case reads as a sentence a technician or an integrator can act on, and none repeats
/// key material or plaintext: key files and envelopes are attacker-controllable input.
public enum SealingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A key file is not the JSON object we write, or a field is missing or malformed.
    case malformedKeyFile(String)
    /// A public key was given where a private key is needed, or the reverse.
    case wrongKeyFileKind(expected: String, found: String)
    /// The key id is empty, too long, or has characters outside `A-Z a-z 0-9 . _ -`.
    case invalidKeyID
    /// An envelope is not one of ours, or a field is missing or malformed.
    case malformedEnvelope(String)
    /// The envelope was written by a newer format than this build reads.
    case unsupportedVersion(Int)
    /// The envelope names a key other than the one given to open it.
    case keyMismatch(envelope: String, key: String)
    /// Authentication failed: the envelope was altered, or the key is not the one it was sealed to.
    case openFailed
    /// The underlying HPKE operation failed while sealing (should not happen with a valid key).
    case sealFailed
    /// A context field (kind, device, kiosk) is empty or too long to bind.
    case invalidContext(String)

    public var description: String {
        switch self {
        case .malformedKeyFile(let why):
            "The key file cannot be read: \(why). Use a file written by `kiosk-backoffice keygen`."
        case .wrongKeyFileKind(let expected, let found):
            "The key file holds a \(found), but a \(expected) is needed here."
        case .invalidKeyID:
            "The key id must be 1–64 characters of letters, digits, '.', '_' or '-'."
        case .malformedEnvelope(let why):
            "The sealed capture cannot be read: \(why)."
        case .unsupportedVersion(let v):
            "The sealed capture uses format version \(v); this tool reads version \(SealedCapture.formatVersion). Update the back-office tools."
        case .keyMismatch(let envelope, let key):
            "The capture was sealed to key \"\(envelope)\", but the key given is \"\(key)\"; open it with that key."
        case .openFailed:
            "The sealed capture could not be opened: it was altered, or it was sealed to another key."
        case .sealFailed:
            "The capture could not be sealed to the back-office key; the key may be damaged. Provision it again."
        case .invalidContext(let why):
            "The capture cannot be sealed: \(why)."
        }
    }
}
