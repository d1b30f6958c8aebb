import Foundation
import KioskCore
import KioskCrypto
import KioskDevices
import KioskProtocol
import KioskStore
import Logging
import KioskSystem

/// Seals every capture to the back office the moment it is read, and stores the envelope.
///
/// Holds only the back office's *public* key: once sealed, nothing on the kiosk can open a
/// capture again. With no key installed, captures are refused (`not_provisioned`), except
/// under `--demo`, which seals to a throwaway demo key and says so at start-up and in
/// `provision.status`.
public actor CaptureVault {
    private let store: KioskStore
    private let logger: Logger
    public nonisolated let kioskID: String
    private var sealer: CaptureSealer?
    private var installed: InstalledBackOfficeKey?
    /// Set only when sealing to the demo key (its public half is recorded with each capture).
    private var demoKey: BackOfficePublicKey?

    public init(store: KioskStore, kioskID: String, logger: Logger) {
        self.store = store; self.kioskID = kioskID; self.logger = logger
    }

    /// Loads the active key; under `--demo` with none installed, makes a demo key pair and
    /// writes its private half to `<data dir>/demo-backoffice.key` so the demo back office can
    /// open demo captures.
    public func start(demo: Bool, dataDirectory: String) async throws(StoreError) {
        if let active = try await store.backOfficeKeys().first(where: \.active), let key = Self.publicKey(active) {
            installed = active
            sealer = CaptureSealer(recipient: key)
            logger.info("captures are sealed to the back-office key", metadata: ["key_id": "\(active.keyID)", "fingerprint": "\(active.fingerprint)"])
            return
        }
        guard demo else {
            logger.warning("no back-office key is installed: card and signature captures are refused until a technician runs `kioskctl provision backoffice-key FILE`")
            return
        }
        let pair = BackOfficePrivateKey.generate(id: try? KeyID("demo-" + String(UUID().uuidString.prefix(8)).lowercased()))
        let path = dataDirectory + "/demo-backoffice.key"
        _ = unlink(path)
        let fd = FileModes.open(path, flags: O_WRONLY, mode: FileModes.privateKey, exclusive: true)
        if fd >= 0 {
            let bytes = pair.fileContents
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        demoKey = pair.publicKey
        sealer = CaptureSealer(recipient: pair.publicKey)
        logger.warning("DEMO KEY: captures are sealed to a throwaway demo key, not a back office's. Never take real payments like this: install the store's key with `kioskctl provision backoffice-key FILE`",
                       metadata: ["key_id": "\(pair.id)", "private_key_file": "\(path)"])
    }

    /// The sentence for `not_provisioned`, or nil when captures can be sealed.
    public var missingKeyProblem: String? {
        sealer == nil ? "this kiosk has no back-office key, so it cannot protect card data or signatures; a technician must install one (kioskctl provision backoffice-key FILE)" : nil
    }

    /// Installs (or re-activates) a back-office key from the contents of its public key file.
    func install(fileContents: Data, audit: AuditEntry) async throws -> ProvisionKeyResult {
        let key: BackOfficePublicKey
        do { key = try BackOfficePublicKey(fileContents: fileContents) } catch {
            throw RPCError.invalidParams("invalid params: \(error.description)", path: "params.public_key")
        }
        let previous = installed?.keyID
        do {
            try await store.installBackOfficeKey(keyID: key.id.rawValue, publicKey: key.rawKey, fingerprint: key.fingerprint, audit: audit)
        } catch {
            if case .conflict(let why) = error { throw RPCError.app(.conflict, why) }
            throw RPCError.app(.storageUnavailable, error.description)
        }
        installed = try? await store.backOfficeKeys().first(where: \.active)
        sealer = CaptureSealer(recipient: key)
        demoKey = nil
        logger.notice("back-office key installed", metadata: ["key_id": "\(key.id)", "fingerprint": "\(key.fingerprint)", "uid": "\(audit.uid)"])
        return ProvisionKeyResult(keyID: key.id.rawValue, fingerprint: key.fingerprint, previousKeyID: previous == key.id.rawValue ? nil : previous)
    }

    func status() async -> ProvisionStatus {
        let keys = (try? await store.backOfficeKeys()) ?? []
        let active = installed.map { ProvisionStatus.Key(keyID: $0.keyID, fingerprint: $0.fingerprint, installedAt: $0.installedAt) }
        let demo = demoKey.map { ProvisionStatus.Key(keyID: $0.id.rawValue, fingerprint: $0.fingerprint, installedAt: nil) }
        return ProvisionStatus(kioskID: kioskID, backofficeKey: active, demoKey: demo,
                               retiredKeys: keys.filter { !$0.active && $0.keyID != demoKey?.id.rawValue }.map(\.keyID))
    }

    /// Seals `plaintext` (read in place, then wiped) and stores the envelope under `id`.
    func seal(_ plaintext: SensitiveBytes, id: String, kind: CaptureKind, device: String, masked: String?) async throws -> StoredCapture {
        defer { plaintext.wipe() }
        guard let sealer else { throw RPCError.app(.notProvisioned, missingKeyProblem ?? "") }
        let context = CaptureContext(kind: kind, device: device, kiosk: kioskID, capturedAt: Instant(Date()).description)
        let result: Result<SealedCapture, SealingError> = plaintext.withUnsafeBytes { buffer in
            do throws(SealingError) { return .success(try sealer.seal(buffer, context: context)) } catch { return .failure(error) }
        }
        let sealed: SealedCapture
        switch result {
        case .success(let value): sealed = value
        case .failure(let error):
            logger.error("a capture could not be sealed", metadata: ["capture": "\(id)", "error": "\(error)"])
            throw RPCError.app(.notProvisioned, error.description)
        }
        let stored = StoredCapture(id: id, kind: kind.rawValue, device: device, keyID: sealed.keyID.rawValue,
                                   capturedAt: context.capturedAt, envelope: String(decoding: sealed.json, as: UTF8.self), masked: masked)
        do throws(StoreError) {
            try await store.saveCapture(stored, demoKey: demoKey.map { ($0.rawKey, $0.fingerprint) })
        } catch {
            throw RPCError.app(.storageUnavailable, error.description)
        }
        return stored
    }

    private static func publicKey(_ installed: InstalledBackOfficeKey) -> BackOfficePublicKey? {
        try? BackOfficePublicKey(keyID: installed.keyID, rawKey: installed.publicKey)
    }
}
