import Foundation

/// Any JSON value, kept as it came. The contract uses it only for what the kiosk carries
/// without reading: sealed capture envelopes (KioskCrypto reads them) and sync documents
/// (KioskCore's `SyncDocument` reads them).
public enum JSONValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Order matters: JSON `true` must not read as a number, `1` must stay an integer.
        if c.decodeNil() { self = .null }
        else if let value = try? c.decode(Bool.self) { self = .bool(value) }
        else if let value = try? c.decode(Int64.self) { self = .integer(value) }
        else if let value = try? c.decode(Double.self) { self = .number(value) }
        else if let value = try? c.decode(String.self) { self = .string(value) }
        else if let value = try? c.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let value): try c.encode(value)
        case .integer(let value): try c.encode(value)
        case .number(let value): try c.encode(value)
        case .string(let value): try c.encode(value)
        case .array(let value): try c.encode(value)
        case .object(let value): try c.encode(value)
        }
    }
}

/// A capture sealed to the back office (docs/SEALING.md), carried verbatim: the kiosk never
/// opens it, and the back office reads it with KioskCrypto's `SealedCapture`.
public struct SealedEnvelope: Sendable, Equatable, Codable {
    public var fields: [String: JSONValue]

    public init(fields: [String: JSONValue]) { self.fields = fields }

    /// The envelope as the kiosk stores it (`sealed_capture.envelope`).
    public init(json text: String) throws(ContractError) {
        self = try BackOfficeJSON.decode(SealedEnvelope.self, from: Data(text.utf8))
    }

    public init(from decoder: Decoder) throws {
        fields = try decoder.singleValueContainer().decode([String: JSONValue].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(fields)
    }
}
