import Foundation
import KioskJSON

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
