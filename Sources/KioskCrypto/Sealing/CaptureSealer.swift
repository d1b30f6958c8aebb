import Crypto
import Foundation

/// Seals captures to the back office's public key. The kiosk holds nothing that opens them:
/// each seal uses a fresh HPKE ephemeral key, discarded when `seal` returns.
public struct CaptureSealer: Sendable {
    public let recipient: BackOfficePublicKey

    public init(recipient: BackOfficePublicKey) { self.recipient = recipient }

    /// Seals `plaintext` under `context`. The plaintext is read in place (pass the buffer of a
    /// zeroizing type); nothing here keeps a copy of it.
    public func seal(_ plaintext: UnsafeRawBufferPointer, context: CaptureContext) throws(SealingError) -> SealedCapture {
        try context.validate()
        do {
            var sender = try HPKE.Sender(recipientKey: recipient.key, ciphersuite: SealedCapture.ciphersuite, info: SealedCapture.info)
            let header = SealedCapture(keyID: recipient.id, context: context, encapsulatedKey: sender.encapsulatedKey, ciphertext: Data())
            let ciphertext = try sender.seal(plaintext, authenticating: header.additionalData)
            // HPKE hands back slices; store zero-based copies so indexing by offset is safe everywhere.
            return SealedCapture(keyID: recipient.id, context: context, encapsulatedKey: Data([UInt8](sender.encapsulatedKey)),
                                 ciphertext: Data([UInt8](ciphertext)))
        } catch {
            throw .sealFailed
        }
    }

    /// Convenience for data that is not secret (tests, reader-encrypted payloads).
    public func seal(_ plaintext: Data, context: CaptureContext) throws(SealingError) -> SealedCapture {
        let result: Result<SealedCapture, SealingError> = plaintext.withUnsafeBytes { buffer in
            do throws(SealingError) { return .success(try seal(buffer, context: context)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// Opens captures with the back office's private key. Used by `kiosk-backoffice`; never
/// linked into anything that runs on a kiosk with a real key.
public struct CaptureOpener: Sendable {
    public let privateKey: BackOfficePrivateKey

    public init(privateKey: BackOfficePrivateKey) { self.privateKey = privateKey }

    /// The plaintext, after checking the envelope's version, key id and every AAD field.
    public func open(_ sealed: SealedCapture) throws(SealingError) -> Data {
        guard sealed.version == SealedCapture.formatVersion else { throw .unsupportedVersion(sealed.version) }
        guard sealed.keyID == privateKey.id else { throw .keyMismatch(envelope: sealed.keyID.rawValue, key: privateKey.id.rawValue) }
        guard sealed.encapsulatedKey.count == 32 else { throw .malformedEnvelope("\"enc\" must be 32 bytes") }
        guard sealed.ciphertext.count >= 16 else { throw .malformedEnvelope("the ciphertext is shorter than its tag") }
        do {
            var recipient = try HPKE.Recipient(privateKey: privateKey.key, ciphersuite: SealedCapture.ciphersuite,
                                               info: SealedCapture.info, encapsulatedKey: sealed.encapsulatedKey)
            return try recipient.open(sealed.ciphertext, authenticating: sealed.additionalData)
        } catch {
            throw .openFailed
        }
    }
}
