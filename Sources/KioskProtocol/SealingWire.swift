import Foundation

/// `provision.backoffice_key` params: the contents of the public key file written by
/// `kiosk-backoffice keygen` (kioskctl reads the file and sends its text).
public struct ProvisionKeyParams: Codable, Sendable {
    public var publicKey: String
    public init(publicKey: String) { self.publicKey = publicKey }
    enum CodingKeys: String, CodingKey { case publicKey = "public_key" }
}

/// What `provision.backoffice_key` installed; `previous_key_id` is the key it replaced, whose
/// captures stay sealed to it.
public struct ProvisionKeyResult: Codable, Sendable, Equatable {
    public var keyID: String
    public var fingerprint: String
    public var previousKeyID: String?
    public init(keyID: String, fingerprint: String, previousKeyID: String?) {
        self.keyID = keyID; self.fingerprint = fingerprint; self.previousKeyID = previousKeyID
    }
    enum CodingKeys: String, CodingKey { case keyID = "key_id", fingerprint, previousKeyID = "previous_key_id" }
}

/// `provision.status`: which key new captures are sealed to.
public struct ProvisionStatus: Codable, Sendable, Equatable {
    public struct Key: Codable, Sendable, Equatable {
        public var keyID: String
        public var fingerprint: String
        public var installedAt: String?
        public init(keyID: String, fingerprint: String, installedAt: String?) {
            self.keyID = keyID; self.fingerprint = fingerprint; self.installedAt = installedAt
        }
        enum CodingKeys: String, CodingKey { case keyID = "key_id", fingerprint, installedAt = "installed_at" }
    }

    public var kioskID: String
    /// The installed key new captures use; nil when none is installed.
    public var backofficeKey: Key?
    /// Set under `--demo` when captures are sealed to a throwaway key.
    public var demoKey: Key?
    /// Earlier keys, kept so stored captures still name theirs.
    public var retiredKeys: [String]

    public init(kioskID: String, backofficeKey: Key?, demoKey: Key?, retiredKeys: [String]) {
        self.kioskID = kioskID; self.backofficeKey = backofficeKey; self.demoKey = demoKey; self.retiredKeys = retiredKeys
    }
    enum CodingKeys: String, CodingKey { case kioskID = "kiosk_id", backofficeKey = "backoffice_key", demoKey = "demo_key", retiredKeys = "retired_keys" }
}
