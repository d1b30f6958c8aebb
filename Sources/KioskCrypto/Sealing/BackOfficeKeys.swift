import Crypto
import Foundation

/// Names a back-office key pair. Stored beside every sealed capture, so after a rotation the
/// back office knows which private key opens which capture.
public struct KeyID: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// 1–64 characters of `A-Z a-z 0-9 . _ -`: it travels in file names, logs and AAD.
    public init(_ text: String) throws(SealingError) {
        let allowed = text.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
        guard (1...64).contains(text.utf8.count), allowed else { throw .invalidKeyID }
        rawValue = text
    }

    /// The default id of a new key: "bo-" and the first 8 bytes of SHA-256 of its public key.
    public static func derived(from publicKey: Curve25519.KeyAgreement.PublicKey) -> KeyID {
        let digest = SHA256.hash(data: publicKey.rawRepresentation)
        // Safe: hex digits and "bo-" are always a valid id.
        return try! KeyID("bo-" + digest.prefix(8).map { String(format: "%02x", $0) }.joined())
    }

    public var description: String { rawValue }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try KeyID(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// The back office's public key as the kiosk holds it: the only key material a kiosk has.
/// Captures are sealed to it; nothing on the kiosk can open them again.
public struct BackOfficePublicKey: Sendable, Equatable {
    public let id: KeyID
    /// The 32-byte X25519 public key. Kept as bytes: swift-crypto's key types are not Sendable.
    public let rawKey: Data

    public init(id: KeyID, key: Curve25519.KeyAgreement.PublicKey) { self.id = id; self.rawKey = key.rawRepresentation }

    /// A key as stored (id text and 32 raw bytes).
    public init(keyID: String, rawKey: Data) throws(SealingError) {
        guard rawKey.count == 32, let key = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawKey) else {
            throw .malformedKeyFile("the stored public key is not 32 bytes")
        }
        self.init(id: try KeyID(keyID), key: key)
    }

    /// Validated at init, so this cannot fail.
    public var key: Curve25519.KeyAgreement.PublicKey { try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: rawKey) }

    /// Reads the public key file written by `kiosk-backoffice keygen`.
    public init(fileContents: Data) throws(SealingError) {
        let (id, key) = try KeyFile.read(fileContents, kind: .publicKey) { raw in
            try Curve25519.KeyAgreement.PublicKey(rawRepresentation: raw)
        }
        self.init(id: id, key: key)
    }

    /// The file a technician installs on a kiosk (`kioskctl provision backoffice-key FILE`).
    public var fileContents: Data { KeyFile.contents(kind: .publicKey, id: id, rawKey: key.rawRepresentation) }

    /// A short fingerprint a technician can compare with the back office's records.
    public var fingerprint: String {
        SHA256.hash(data: key.rawRepresentation).prefix(8).map { String(format: "%02x", $0) }.joined(separator: ":")
    }
}

/// The back office's private key. Never on a kiosk (except the throwaway key of `--demo`).
public struct BackOfficePrivateKey: Sendable {
    public let id: KeyID
    private let rawKey: Data

    public init(id: KeyID, key: Curve25519.KeyAgreement.PrivateKey) { self.id = id; self.rawKey = key.rawRepresentation }

    /// Validated at init, so this cannot fail.
    public var key: Curve25519.KeyAgreement.PrivateKey { try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: rawKey) }

    /// A fresh key pair; the id defaults to one derived from the public key.
    public static func generate(id: KeyID? = nil) -> BackOfficePrivateKey {
        let key = Curve25519.KeyAgreement.PrivateKey()
        return BackOfficePrivateKey(id: id ?? KeyID.derived(from: key.publicKey), key: key)
    }

    public var publicKey: BackOfficePublicKey { BackOfficePublicKey(id: id, key: key.publicKey) }

    public init(fileContents: Data) throws(SealingError) {
        let (id, key) = try KeyFile.read(fileContents, kind: .privateKey) { raw in
            try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
        }
        self.init(id: id, key: key)
    }

    /// Write with mode 0600 and keep off the kiosk.
    public var fileContents: Data { KeyFile.contents(kind: .privateKey, id: id, rawKey: key.rawRepresentation) }
}

/// The on-disk form of both key files: one small JSON object, so an integrator can read and
/// write it with any JSON library.
struct KeyFile: Codable {
    enum Kind: String {
        case publicKey = "backoffice-public-key", privateKey = "backoffice-private-key"

        /// How errors name the key: "public key" or "private key".
        var name: String { self == .publicKey ? "public key" : "private key" }
        /// The JSON field that holds the key.
        var field: CodingKeys { self == .publicKey ? .publicKey : .privateKey }
    }
    static let kemName = "X25519"

    var kind: String
    var version: Int
    var keyID: String
    var kem: String
    var key: String

    enum CodingKeys: String, CodingKey { case kind = "kioskpay", version, keyID = "key_id", kem, publicKey = "public_key", privateKey = "private_key" }

    init(kind: String, version: Int, keyID: String, kem: String, key: String) {
        self.kind = kind; self.version = version; self.keyID = keyID; self.kem = kem; self.key = key
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        version = try c.decode(Int.self, forKey: .version)
        keyID = try c.decode(String.self, forKey: .keyID)
        kem = try c.decode(String.self, forKey: .kem)
        key = try c.decodeIfPresent(String.self, forKey: .publicKey) ?? c.decode(String.self, forKey: .privateKey)
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(version, forKey: .version)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(kem, forKey: .kem)
        try c.encode(key, forKey: kind == Kind.privateKey.rawValue ? .privateKey : .publicKey)
    }

    static func decode(_ data: Data, expecting kind: Kind) throws(SealingError) -> KeyFile {
        guard data.count <= 4096 else { throw .malformedKeyFile("it is larger than a key file can be") }
        let file: KeyFile
        do { file = try JSONDecoder().decode(KeyFile.self, from: data) } catch {
            throw .malformedKeyFile("it is not a kioskpay key file (expected JSON with kioskpay, version, key_id, kem and the key)")
        }
        guard let found = Kind(rawValue: file.kind) else {
            throw .malformedKeyFile("\"kioskpay\" must be \"backoffice-public-key\" or \"backoffice-private-key\"")
        }
        guard found == kind else {
            throw .wrongKeyFileKind(expected: kind.name, found: found.name)
        }
        guard file.version == 1 else { throw .malformedKeyFile("version \(file.version) is not supported (expected 1)") }
        guard file.kem == kemName else { throw .malformedKeyFile("\"kem\" must be \"\(kemName)\"") }
        return file
    }

    /// The id and the key of a file of `kind`; `makeKey` turns 32 raw bytes into the key type
    /// and throws if they are not a valid key.
    static func read<Key>(
        _ data: Data, kind: Kind, makeKey: (Data) throws -> Key
    ) throws(SealingError) -> (KeyID, Key) {
        let file = try decode(data, expecting: kind)
        guard let raw = Data(base64Encoded: file.key), raw.count == 32, let key = try? makeKey(raw) else {
            throw .malformedKeyFile("\"\(kind.field.stringValue)\" must be 32 bytes of standard base64 (an \(kemName) \(kind.name))")
        }
        return (try KeyID(file.keyID), key)
    }

    /// The file of `kind` holding `rawKey` under `id`.
    static func contents(kind: Kind, id: KeyID, rawKey: Data) -> Data {
        encode(KeyFile(kind: kind.rawValue, version: 1, keyID: id.rawValue, kem: kemName, key: rawKey.base64EncodedString()))
    }

    static func encode(_ file: KeyFile) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding five strings and an Int cannot fail.
        return (try! encoder.encode(file)) + Data("\n".utf8)
    }
}
