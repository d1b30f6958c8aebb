import GRDB

extension Migrations {
    /// 018_sync_fingerprints: an index on `account.fingerprint`, so a streamed sync finds the
    /// account whose stored bytes are the ones received (AccountFingerprint) with one lookup,
    /// before decoding anything: an unchanged re-apply then reads and hashes, never decodes.
    static func syncFingerprints(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX account_fingerprint ON account (fingerprint)")
    }
}
