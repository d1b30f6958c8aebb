import Crypto
import Foundation
import KioskCore

/// Proof that a signature belongs to exactly one payment: SHA-256 over the payment id, account,
/// amount, currency, the SHA-256 of the accepted terms, the SHA-256 of the sealed signature
/// capture and the time, each length-prefixed. Stored with the payment; the back office
/// recomputes it after opening the signature.
public struct SignatureBinding: Sendable, Equatable {
    public var paymentID: String
    public var account: String
    public var amount: Int64
    public var currency: String
    /// Hex SHA-256 of the exact terms text the customer accepted.
    public var termsSHA256: String
    /// Hex SHA-256 of the sealed signature capture's JSON, as stored.
    public var signatureSHA256: String
    /// RFC 3339 UTC.
    public var signedAt: String

    public init(paymentID: String, account: String, amount: Int64, currency: String, termsSHA256: String,
                signatureSHA256: String, signedAt: String) {
        self.paymentID = paymentID; self.account = account; self.amount = amount; self.currency = currency
        self.termsSHA256 = termsSHA256; self.signatureSHA256 = signatureSHA256; self.signedAt = signedAt
    }

    /// Lower-case hex of the binding digest.
    public var digest: String {
        var input = Data("kioskpay-signature-binding-v1".utf8)
        for field in [paymentID, account, String(amount), currency, termsSHA256, signatureSHA256, signedAt] {
            let bytes = Data(field.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).bigEndian) { input.append(contentsOf: $0) }
            input.append(bytes)
        }
        return Hex.lowercase(SHA256.hash(data: input))
    }

    /// Lower-case hex SHA-256 of `data` (terms text, sealed capture JSON).
    public static func sha256Hex(_ data: Data) -> String {
        Hex.lowercase(SHA256.hash(data: data))
    }
}
