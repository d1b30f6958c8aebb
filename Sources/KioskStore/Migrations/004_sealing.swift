import GRDB

extension Migrations {
    /// 004_sealing: Back-office keys, sealed captures and durable PIN failure counts.
    static func sealing(_ db: Database) throws {
        // Every back-office public key ever installed stays, so a stored capture's key id
        // always names a row; exactly one row is active (new captures use it).
        try db.execute(sql: """
        CREATE TABLE backoffice_key (
            key_id TEXT PRIMARY KEY,
            public_key BLOB NOT NULL,
            fingerprint TEXT NOT NULL,
            installed_at TEXT NOT NULL,
            installed_by_uid INTEGER NOT NULL,
            active INTEGER NOT NULL CHECK (active IN (0, 1))
        );
        CREATE UNIQUE INDEX backoffice_key_one_active ON backoffice_key (active) WHERE active = 1;
        -- Sealed captures: the envelope (JSON) is all the kiosk keeps of card data and
        -- signatures; masked is the display view of a card, never the PAN.
        CREATE TABLE sealed_capture (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('card', 'signature')),
            device TEXT NOT NULL,
            key_id TEXT NOT NULL REFERENCES backoffice_key (key_id),
            captured_at TEXT NOT NULL,
            envelope TEXT NOT NULL,
            masked TEXT
        );
        -- Failed PIN attempts per contact, so a lock survives a restart.
        CREATE TABLE pin_attempt (
            account TEXT NOT NULL,
            contact TEXT NOT NULL,
            failures INTEGER NOT NULL,
            locked_until TEXT,
            PRIMARY KEY (account, contact)
        );
        """)
    }
}
