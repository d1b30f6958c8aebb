import GRDB

extension Migrations {
    /// 006_backoffice_link: The back-office link's small state.
    static func backOfficeLink(_ db: Database) throws {
        // Sync cursor, last contact and last error of the back-office link.
        try db.execute(sql: "CREATE TABLE link_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    }
}
