import Crypto
import Foundation

/// What was captured. Bound into the AAD, so a card capture cannot be passed off as a signature.
public enum CaptureKind: String, Sendable, Codable, CaseIterable {
    case card
    case signature
    /// A bank account (routing and account number) typed at the kiosk.
    case bank
}

/// The context a capture is sealed under: in clear in the envelope (the back office routes on
/// it) and authenticated by the AEAD, so changing any of it makes the capture unopenable.
public struct CaptureContext: Sendable, Equatable, Codable {
    public var kind: CaptureKind
    /// The device identity: USB serial, else port path (`usb:…`), or `emulated-…`.
    public var device: String
    /// The kiosk's id (configuration `kiosk_id`).
    public var kiosk: String
    /// RFC 3339 UTC instant the capture completed.
    public var capturedAt: String

    public init(kind: CaptureKind, device: String, kiosk: String, capturedAt: String) {
        self.kind = kind; self.device = device; self.kiosk = kiosk; self.capturedAt = capturedAt
    }

    enum CodingKeys: String, CodingKey { case kind, device, kiosk, capturedAt = "captured_at" }

    func validate() throws(SealingError) {
        for (name, value) in [("device", device), ("kiosk", kiosk), ("captured_at", capturedAt)] {
            guard !value.isEmpty, value.utf8.count <= 256 else { throw .invalidContext("\(name) must be 1–256 bytes") }
        }
    }
}

/// A capture sealed to the back office (RFC 9180 HPKE, base mode,
/// DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM).
///
/// The envelope carries its format version and the key id in clear, so a back office with
/// several keys (after a rotation) knows which one opens it. The JSON form is what the daemon
/// stores and relays; see docs/SEALING.md for the exact AAD layout an integrator must rebuild.
public struct SealedCapture: Sendable, Equatable, Codable {
    public static let formatVersion = 1
    public static let formatName = "sealed-capture"
    /// HPKE `info`: domain separation from any other use of the same back-office key.
    static let info = Data("kioskpay capture v1".utf8)
    static var ciphersuite: HPKE.Ciphersuite { HPKE.Ciphersuite(kem: .Curve25519_HKDF_SHA256, kdf: .HKDF_SHA256, aead: .AES_GCM_256) }
    static let suiteName = "DHKEM(X25519,HKDF-SHA256)/HKDF-SHA256/AES-256-GCM"

    public let version: Int
    public let keyID: KeyID
    public let context: CaptureContext
    /// HPKE encapsulated key (32 bytes for X25519).
    public let encapsulatedKey: Data
    /// AES-256-GCM ciphertext with its 16-byte tag.
    public let ciphertext: Data

    public init(version: Int = SealedCapture.formatVersion, keyID: KeyID, context: CaptureContext,
                encapsulatedKey: Data, ciphertext: Data) {
        self.version = version; self.keyID = keyID; self.context = context
        self.encapsulatedKey = encapsulatedKey; self.ciphertext = ciphertext
    }

    /// The additional authenticated data: a fixed label, then version, key id, kind, device,
    /// kiosk and capture time, each as a 4-byte big-endian length and its UTF-8 bytes (length
    /// prefixes make the encoding unambiguous whatever the fields contain).
    public var additionalData: Data {
        var out = Data("kioskpay-sealed-capture".utf8)
        for field in ["\(version)", keyID.rawValue, context.kind.rawValue, context.device, context.kiosk, context.capturedAt] {
            let bytes = Data(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { out.append(contentsOf: $0) }
            out.append(bytes)
        }
        return out
    }

    // MARK: JSON

    enum CodingKeys: String, CodingKey {
        case format = "kioskpay", version, suite, keyID = "key_id", kind, device, kiosk, capturedAt = "captured_at"
        case encapsulatedKey = "enc", ciphertext
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard try c.decode(String.self, forKey: .format) == Self.formatName else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c, debugDescription: "not a sealed capture")
        }
        version = try c.decode(Int.self, forKey: .version)
        if try c.decode(String.self, forKey: .suite) != Self.suiteName {
            throw DecodingError.dataCorruptedError(forKey: .suite, in: c, debugDescription: "this build seals and opens \(Self.suiteName) only")
        }
        keyID = try c.decode(KeyID.self, forKey: .keyID)
        context = CaptureContext(kind: try c.decode(CaptureKind.self, forKey: .kind),
                                 device: try c.decode(String.self, forKey: .device),
                                 kiosk: try c.decode(String.self, forKey: .kiosk),
                                 capturedAt: try c.decode(String.self, forKey: .capturedAt))
        guard let enc = Data(base64Encoded: try c.decode(String.self, forKey: .encapsulatedKey)) else {
            throw DecodingError.dataCorruptedError(forKey: .encapsulatedKey, in: c, debugDescription: "not base64")
        }
        guard let ct = Data(base64Encoded: try c.decode(String.self, forKey: .ciphertext)) else {
            throw DecodingError.dataCorruptedError(forKey: .ciphertext, in: c, debugDescription: "not base64")
        }
        encapsulatedKey = enc; ciphertext = ct
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatName, forKey: .format)
        try c.encode(version, forKey: .version)
        try c.encode(Self.suiteName, forKey: .suite)
        try c.encode(keyID, forKey: .keyID)
        try c.encode(context.kind, forKey: .kind)
        try c.encode(context.device, forKey: .device)
        try c.encode(context.kiosk, forKey: .kiosk)
        try c.encode(context.capturedAt, forKey: .capturedAt)
        try c.encode(encapsulatedKey.base64EncodedString(), forKey: .encapsulatedKey)
        try c.encode(ciphertext.base64EncodedString(), forKey: .ciphertext)
    }

    /// Compact JSON, keys sorted, for storage and transport.
    public var json: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(self)  // strings and base64 only: cannot fail
    }

    /// Reads an envelope from its JSON, with a sentence for whatever is wrong. The size cap
    /// keeps a hostile file from costing more than a real capture (signatures are the largest).
    public static func decode(json data: Data) throws(SealingError) -> SealedCapture {
        guard data.count <= 64 << 20 else { throw .malformedEnvelope("it is larger than 64 MiB") }
        if let probe = try? JSONDecoder().decode(VersionProbe.self, from: data),
           probe.kioskpay == formatName, probe.version != formatVersion {
            throw .unsupportedVersion(probe.version)
        }
        do { return try JSONDecoder().decode(SealedCapture.self, from: data) } catch let error as DecodingError {
            throw .malformedEnvelope(Self.explain(error))
        } catch {
            throw .malformedEnvelope("it is not JSON")
        }
    }

    private struct VersionProbe: Decodable { let kioskpay: String; let version: Int }

    private static func explain(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "the field \"\(key.stringValue)\" is missing"
        case .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return "the field \"\(ctx.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
        case .dataCorrupted(let ctx):
            let path = ctx.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "it is not JSON" : "the field \"\(path)\" is invalid (\(ctx.debugDescription))"
        @unknown default: return "it is not a sealed capture"
        }
    }
}
