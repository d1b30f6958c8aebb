#if canImport(Glibc)
import Glibc
#endif
import Foundation
import GRDB
import KioskSystem

/// Why `kioskd --restore FILE` did not restore, as a sentence; the program picks the exit
/// status from the case (kioskd's `Kioskd.restoreStatus`).
public enum RestoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A kioskd holds the data directory: restoring under it would pull the file from under
    /// its connections.
    case daemonRunning(directory: String, pid: String?)
    case missingFile(path: String)
    case notADatabase(path: String)
    case failedIntegrity(path: String, detail: String)
    case notKioskpay(path: String)
    case newerSchema(path: String, unknown: [String])
    /// The data directory or the new file could not be written (nothing was changed, or the
    /// previous database was put back).
    case store(StoreError)

    public var description: String {
        switch self {
        case .daemonRunning(let directory, let pid):
            let who = pid.map { "kioskd (pid \($0))" } ?? "a kioskd"
            return "\(who) is running and using \(directory); stop it first (systemctl stop kioskd kioskd.socket), then run kioskd --restore again"
        case .missingFile(let path):
            return "\(path) does not exist or cannot be read; name the backup file kioskctl backup wrote"
        case .notADatabase(let path):
            return "\(path) is not an SQLite database, so it is not a kioskpay backup; nothing was restored"
        case .failedIntegrity(let path, let detail):
            return "\(path) failed SQLite's integrity check (\(detail)); it is damaged, nothing was restored: use another backup"
        case .notKioskpay(let path):
            return "\(path) is an SQLite database but not a kioskpay one (no kioskpay schema in it); nothing was restored"
        case .newerSchema(let path, let unknown):
            return "\(path) was written by a newer kioskpay (schema \(unknown.joined(separator: ", ")) unknown to this kioskd \(KioskpayVersion.current)); install that version or newer before restoring it; nothing was restored"
        case .store(let error):
            return "the restore failed and the previous database is in place: \(error.description)"
        }
    }
}

/// What a restore did.
public struct RestoreOutcome: Sendable, Equatable {
    /// Where the database that was there before now is (nil when there was none).
    public var keptAs: String?
    public var bytes: Int
    public var sha256: String
    /// Migrations the restored file lacked, applied on opening it.
    public var migrated: [String]
    public var accounts: Int
    public var payments: Int
}

extension KioskStore {
    /// Replaces the database in `directory` by the backup `file`, with no kioskd running.
    ///
    /// In order: the data directory's lock is taken (a running kioskd holds it: refused);
    /// `file` must be a kioskpay database that passes `PRAGMA integrity_check` and whose
    /// migrations this binary all knows (a newer schema is refused); the current database is
    /// renamed `kiosk.sqlite.before-restore-<time>` (with its `-wal`/`-shm`: nothing is
    /// lost, nothing copied); the backup is copied into a new `kiosk.sqlite` (0600) with
    /// SQLite's backup API; the restored store is opened as kioskd opens it (quick_check,
    /// migrations, synchronous=FULL) and the restore recorded and audited there; files and
    /// directory are fsync'd and given the previous database's owner (the daemon's user when
    /// a technician restores as root). Any failure after the rename puts the previous
    /// database back.
    public static func restore(from file: String, directory: String, uid: UInt32, userName: String,
                               now: Date = Date()) throws(RestoreError) -> RestoreOutcome {
        var info = stat()
        guard stat(file, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, access(file, R_OK) == 0 else { throw .missingFile(path: file) }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        } catch {
            throw .store(.cannotCreateDirectory(path: directory, reason: (error as NSError).localizedDescription))
        }
        let lock: DataDirectoryLock
        do { lock = try DataDirectoryLock(directory: directory) } catch {
            if case .lockedByAnotherDaemon(let dir, let pid) = error { throw .daemonRunning(directory: dir, pid: pid) }
            throw .store(error)
        }
        let known = Set(Migrations.all.map(\.identifier))
        let source = try inspect(file, known: known)
        let digest: (bytes: Int, sha256: String)
        do { digest = try KioskStore.digest(of: file) } catch { throw .store(error) }

        let path = directory + "/" + KioskStore.fileName
        let owner = Owner(of: FileManager.default.fileExists(atPath: path) ? path : directory)
        let stamp = HostFacts.compactStamp(now)
        var keptAs: String? = nil
        if FileManager.default.fileExists(atPath: path) {
            let kept = path + ".before-restore-" + stamp
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                guard rename(path + suffix, kept + suffix) == 0 else {
                    let reason = String(cString: strerror(errno))
                    Self.putBack(kept, to: path)
                    throw .store(.io("cannot set the current database aside as \(kept + suffix): \(reason)"))
                }
            }
            keptAs = kept
        }
        do {
            let fd = FileModes.open(path, flags: O_RDWR, mode: FileModes.database, exclusive: true)
            guard fd >= 0 else { throw StoreError.io("cannot create \(path): \(String(cString: strerror(errno)))") }
            close(fd)
            let target = try DatabaseQueue(path: path)
            try source.queue.backup(to: target)
            try target.close()
            try source.queue.close()

            let store = try KioskStore(directory: directory, holding: lock)
            let applied = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
            let record = BackupRecord(kind: .restore, at: now, bytes: digest.bytes, sha256: digest.sha256, uid: uid, userName: userName)
            let audit = AuditEntry(at: now, uid: uid, userName: userName, role: "technician", action: "store.restore", subject: nil,
                                   detail: "restored a backup of \(digest.bytes) bytes (sha256 \(digest.sha256.prefix(16))…)"
                                       + (keptAs.map { "; the previous database is kept as \(URL(fileURLWithPath: $0).lastPathComponent)" } ?? ""))
            let counts = try store.pool.write { db -> (Int, Int) in
                try record.insert(db)
                try audit.insert(db)
                return (try Int.fetchOne(db, sql: "SELECT count(*) FROM account") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM payment") ?? 0)
            }
            // Everything into the main file, so what is fsync'd below is the whole database.
            try store.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try store.closeDatabase()
            for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try syncFile(path + suffix)
                owner.give(path + suffix)
            }
            try syncFile(directory)
            return RestoreOutcome(keptAs: keptAs, bytes: digest.bytes, sha256: digest.sha256,
                                  migrated: Migrations.all.map(\.identifier).filter { !source.applied.contains($0) && applied.contains($0) },
                                  accounts: counts.0, payments: counts.1)
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            if let keptAs { Self.putBack(keptAs, to: path) }
            throw .store(KioskStore.translate(error, path: path))
        }
    }

    /// The backup opened read-only, checked: a database, intact, kioskpay's, not newer.
    private static func inspect(_ file: String, known: Set<String>) throws(RestoreError) -> (queue: DatabaseQueue, applied: Set<String>) {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "kioskd-restore-source"
        do {
            let queue = try DatabaseQueue(path: file, configuration: configuration)
            let check = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(5)") }
            guard check == ["ok"] else { throw RestoreError.failedIntegrity(path: file, detail: check.prefix(3).joined(separator: "; ")) }
            let applied: [String] = try queue.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            guard applied.contains("001_accounts") else { throw RestoreError.notKioskpay(path: file) }
            let unknown = applied.filter { !known.contains($0) }.sorted()
            guard unknown.isEmpty else { throw RestoreError.newerSchema(path: file, unknown: unknown) }
            return (queue, Set(applied))
        } catch let error as RestoreError {
            throw error
        } catch let error as DatabaseError {
            switch error.resultCode.primaryResultCode {
            case .SQLITE_NOTADB: throw .notADatabase(path: file)
            case .SQLITE_CORRUPT: throw .failedIntegrity(path: file, detail: "SQLite reports corruption")
            default: throw .store(KioskStore.translate(error, path: file))
            }
        } catch {
            throw .store(.io("cannot read \(file): \(error)"))
        }
    }

    private static func putBack(_ kept: String, to path: String) {
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: kept + suffix) {
            _ = rename(kept + suffix, path + suffix)
        }
    }
}

/// The owner the restored files get: the previous database's (kioskd's user), so a restore
/// run as root leaves files the daemon can open. Mode 0600 comes from FileModes.
private struct Owner {
    let uid: uid_t
    let gid: gid_t
    init(of path: String) {
        var info = stat()
        if stat(path, &info) == 0 { uid = info.st_uid; gid = info.st_gid } else { uid = geteuid(); gid = getegid() }
    }
    func give(_ path: String) {
        if geteuid() == 0 { _ = chown(path, uid, gid) }
        _ = chmod(path, FileModes.database)
    }
}
