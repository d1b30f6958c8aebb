import Foundation
import GRDB
import KioskCore
import KioskSystem

/// The kiosk's durable state: one SQLite file (`kiosk.sqlite`) in the data directory.
///
/// Opening checks everything a technician would otherwise learn the hard way: the directory
/// is ours alone (lock file), the file is a database, it passes `quick_check`, it is writable,
/// and `synchronous=FULL` is really in force (GRDB resets the WAL writer to NORMAL).
public final class KioskStore: Sendable {
    /// The database file's path.
    public let path: String
    let pool: DatabasePool
    private let lock: DataDirectoryLock
    /// Whether `quick_check` ran at open, or is the opener's to run (``checkIntegrity()``).
    public let integrity: IntegrityCheck

    /// The file name inside the data directory.
    public static let fileName = "kiosk.sqlite"

    /// When `quick_check` reads the whole file.
    public enum IntegrityCheck: Sendable {
        /// Before the store opens: a damaged file is refused at once.
        case atOpen
        /// Not at open: the caller runs ``checkIntegrity()`` once it is serving. kioskd does
        /// this after a clean shutdown, when nothing could have been left half-written, so a
        /// big database does not delay READY by reading every page (issue 16).
        case later
    }

    /// Opens (creating if needed) the store in `directory`.
    public convenience init(directory: String, integrity: IntegrityCheck = .atOpen) throws(StoreError) {
        try self.init(directory: directory, holding: nil, integrity: integrity)
    }

    /// Opens the store with the data directory's lock already `held` (a restore takes it
    /// before it replaces the file, and keeps it until the restored store has been opened).
    init(directory: String, holding held: DataDirectoryLock?, integrity: IntegrityCheck = .atOpen) throws(StoreError) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o750])
        } catch {
            throw .cannotCreateDirectory(path: directory, reason: (error as NSError).localizedDescription)
        }
        guard access(directory, W_OK) == 0 else { throw .readOnly(path: directory) }
        if let held { lock = held } else { lock = try DataDirectoryLock(directory: directory) }
        self.integrity = integrity
        path = directory + "/" + KioskStore.fileName
        if FileManager.default.fileExists(atPath: path), access(path, W_OK) != 0 { throw .readOnly(path: path) }
        // Created here, 0600 whatever the umask, before SQLite would create it 0644; SQLite gives
        // the -wal and -shm files the database's mode. Files an older kioskd left open are narrowed.
        let fd = FileModes.open(path, flags: O_RDONLY, mode: FileModes.database)
        guard fd >= 0 else {
            let code = errno
            if code == EACCES || code == EROFS || code == EPERM { throw .readOnly(path: path) }
            throw .cannotOpen(path: path, reason: String(cString: strerror(code)))
        }
        close(fd)
        for companion in [path + "-wal", path + "-shm"] { FileModes.narrow(path: companion, to: FileModes.database) }

        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.label = "kioskd"
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets the WAL writer to NORMAL after prepareDatabase; payments need FULL.
            let level = try pool.writeWithoutTransaction { db -> Int in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                return try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1
            }
            guard level == 2 else { throw StoreError.durabilityNotGuaranteed(found: level) }
            if integrity == .atOpen { try Self.quickCheck(pool, path: path) }
            try Migrations.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw KioskStore.translate(error, path: path)
        } catch {
            throw .cannotOpen(path: path, reason: String(describing: error))
        }
    }

    /// `PRAGMA quick_check` over the whole file, on a reader (payments go on meanwhile: WAL).
    /// Throws ``StoreError/corrupt(path:detail:)`` naming the first problems SQLite found.
    public func checkIntegrity() async throws(StoreError) {
        do {
            let check = try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
            guard check == ["ok"] else { throw StoreError.corrupt(path: path, detail: check.prefix(3).joined(separator: "; ")) }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    private static func quickCheck(_ pool: DatabasePool, path: String) throws {
        let check = try pool.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check") }
        guard check == ["ok"] else {
            throw StoreError.corrupt(path: path, detail: check.prefix(3).joined(separator: "; "))
        }
    }

    /// Closes the database now (a restore hands the file on; the daemon never calls this).
    func closeDatabase() throws(StoreError) {
        do { try pool.close() } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The synchronous level in force on the writer (2 = FULL); checked at start-up and by tests.
    public func synchronousLevel() throws(StoreError) -> Int {
        do {
            return try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    /// The journal mode in force ("wal").
    public func journalMode() throws(StoreError) -> String {
        do {
            return try pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
        } catch {
            throw KioskStore.translate(error, path: path)
        }
    }

    static func translate(_ error: Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return .io("database error: \(error)") }
        switch error.resultCode.primaryResultCode {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path, detail: "SQLite reports corruption")
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "SQLite cannot open the file (check the path and permissions)")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .io("the database \(path) is busy (locked by another process); try again, and check that only one kioskd runs")
        case .SQLITE_FULL: return .io("the disk holding \(path) is full; free space, the kiosk cannot record payments")
        case .SQLITE_IOERR: return .io("the disk failed while writing \(path); check the storage device")
        default: return .io("database error on \(path): \(error.message ?? "code \(error.resultCode.rawValue)")")
        }
    }
}
