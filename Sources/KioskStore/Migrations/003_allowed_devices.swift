import GRDB

extension Migrations {
    /// 003_allowed_devices: The technician's allow list of devices.
    static func allowedDevices(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE allowed_device (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            allowed_at TEXT NOT NULL,
            allowed_by_uid INTEGER NOT NULL
        );
        """)
    }
}
