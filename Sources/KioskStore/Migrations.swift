import GRDB

/// Numbered, append-only schema migrations, one file each in Migrations/ (named by its
/// identifier). Never edit a shipped one: add the next number here and its file.
enum Migrations {
    /// Every migration in the order it runs: its identifier (recorded in grdb_migrations) and body.
    static let all: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("001_accounts", accounts),
        ("002_audit_log", auditLog),
        ("003_allowed_devices", allowedDevices),
        ("004_sealing", sealing),
        ("005_payments", payments),
        ("006_backoffice_link", backOfficeLink),
        ("007_payment_waiting", paymentWaiting),
        ("008_documents", documents),
        ("009_kiosk_changes", kioskChanges),
        ("010_payment_methods", paymentMethods),
        ("011_autopay_rules", autopayRules),
        ("012_autopay_runs", autopayRuns),
        ("013_audit_chain", auditChain),
        ("014_payment_history", paymentHistory),
        ("015_backups", backups),
        ("016_search", search),
        ("017_read_indexes", readIndexes),
        ("018_sync_fingerprints", syncFingerprints),
        ("019_pay_order", payOrder),
        ("020_receipts", receipts),
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in all { migrator.registerMigration(migration.identifier, migrate: migration.migrate) }
        return migrator
    }
}
