#if canImport(Glibc)
import Glibc
#endif
import Crypto
import Foundation
import GRDB
import KioskSystem

/// A consistent copy of the live database in one file, made with SQLite's online backup API.
public struct Snapshot: Sendable, Equatable {
    public var path: String
    /// The moment the copy shows (its read transaction began just after).
    public var createdAt: Date
    public var bytes: Int
    public var sha256: String
    /// `PRAGMA integrity_check` of the copy: `["ok"]`, else its first problems.
    public var integrity: [String]
}

/// A backup a client saved (or a restore), as `status` reports the last one.
public struct BackupRecord: Sendable, Equatable {
    public enum Kind: String, Sendable { case backup, restore }
    public var kind: Kind
    public var at: Date
    public var bytes: Int
    public var sha256: String
    public var uid: UInt32
    public var userName: String
    public init(kind: Kind, at: Date, bytes: Int, sha256: String, uid: UInt32, userName: String) {
        self.kind = kind; self.at = at; self.bytes = bytes; self.sha256 = sha256; self.uid = uid; self.userName = userName
    }

    func insert(_ db: Database) throws {
        try db.execute(sql: "INSERT INTO backup_log (kind, at, bytes, sha256, uid, user_name) VALUES (?, ?, ?, ?, ?, ?)",
                       arguments: [kind.rawValue, at, bytes, sha256, Int64(uid), userName])
    }
}

/// The database file's size in pages (what `status` shows).
public struct StoreSize: Sendable, Equatable {
    public var bytes: Int
    public var walBytes: Int
    public var pageSize: Int
    public var pages: Int
    public var freePages: Int
}

extension KioskStore {
    /// Copies the live database into a new file `target` (mode 0600, which must not exist)
    /// through SQLite's online backup API, inside one read transaction: the copy is the
    /// database as of one moment, while payments go on being written (WAL readers do not block
    /// the writer). The copy is then a plain rollback-journal file (no `-wal` beside it), is
    /// checked with `PRAGMA integrity_check` and synced to disk; its SHA-256 is read back from
    /// the file. Runs on a thread of its own: a large copy never holds a cooperative thread.
    public func snapshot(to target: String) async throws(StoreError) -> Snapshot {
        let pool = self.pool, path = self.path
        let result: Result<Snapshot, StoreError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do {
                    continuation.resume(returning: .success(try Self.copy(pool, to: target)))
                } catch {
                    unlink(target); unlink(target + "-journal")
                    continuation.resume(returning: .failure(KioskStore.translate(error, path: path)))
                }
            }
        }
        return try result.get()
    }

    private static func copy(_ pool: DatabasePool, to target: String) throws -> Snapshot {
        let fd = FileModes.open(target, flags: O_RDWR, mode: FileModes.database, exclusive: true)
        guard fd >= 0 else { throw StoreError.io("cannot create the backup file \(target): \(String(cString: strerror(errno)))") }
        close(fd)
        var configuration = Configuration()
        configuration.label = "kioskd-backup"
        let copy = try DatabaseQueue(path: target, configuration: configuration)
        let createdAt = Date()
        try pool.backup(to: copy)
        // The copy carries the source's WAL flag; a single self-contained file is what travels.
        try copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
        let integrity = try copy.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(20)") }
        try copy.close()
        try syncFile(target)
        let (bytes, sha256) = try digest(of: target)
        return Snapshot(path: target, createdAt: createdAt, bytes: bytes, sha256: sha256, integrity: integrity)
    }

    /// The file's size and hex SHA-256, read 1 MiB at a time.
    public static func digest(of file: String) throws(StoreError) -> (bytes: Int, sha256: String) {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw .io("cannot read \(file)") }
        defer { try? handle.close() }
        var hash = SHA256()
        var bytes = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hash.update(data: chunk)
                bytes += chunk.count
            }
        } catch {
            throw .io("cannot read \(file): \(error.localizedDescription)")
        }
        return (bytes, hash.finalize().map { String(format: "%02x", $0) }.joined())
    }

    /// fsync(2) on a file (or a directory, so a rename or a new name in it is durable).
    static func syncFile(_ path: String) throws {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io("cannot open \(path) to sync it: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw StoreError.io("cannot sync \(path) to disk: \(String(cString: strerror(errno)))") }
    }

    /// Records a backup a client saved (or a restore), with its audit row, in one transaction.
    public func recordBackup(_ record: BackupRecord, audit: AuditEntry) async throws(StoreError) {
        do {
            try await pool.write { db in
                try record.insert(db)
                try audit.insert(db)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The last backup a client saved, if any.
    public func lastBackup() async throws(StoreError) -> BackupRecord? {
        do {
            return try await pool.read { db in
                guard let row = try Row.fetchOne(db, sql: """
                    SELECT at, bytes, sha256, uid, user_name FROM backup_log WHERE kind = 'backup' ORDER BY id DESC LIMIT 1
                    """) else { return nil }
                return BackupRecord(kind: .backup, at: row["at"], bytes: row["bytes"], sha256: row["sha256"],
                                    uid: UInt32(truncatingIfNeeded: row["uid"] as Int64), userName: row["user_name"])
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// Pages in use and free, and the bytes of the file and its `-wal`.
    public func size() async throws(StoreError) -> StoreSize {
        do {
            let (pageSize, pages, free) = try await pool.read { db in
                (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0, try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0,
                 try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
            }
            func bytes(_ file: String) -> Int {
                var info = stat()
                return stat(file, &info) == 0 ? Int(info.st_size) : 0
            }
            return StoreSize(bytes: bytes(path), walBytes: bytes(path + "-wal"), pageSize: pageSize, pages: pages, freePages: free)
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// `PRAGMA integrity_check` of the live database (a read transaction: writers go on):
    /// `["ok"]`, else at most `limit` problems.
    public func integrityCheck(limit: Int = 20) async throws(StoreError) -> [String] {
        do {
            return try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check(\(max(1, limit)))") }
        } catch { throw KioskStore.translate(error, path: path) }
    }

    /// The outbox as counts by topic and state, the oldest entry not delivered, and the last
    /// errors of undelivered entries (newest first). Never a payload.
    public func outboxSummary() async throws(StoreError) -> (counts: [String: Int], oldestUndelivered: String?, lastErrors: [String]) {
        do {
            return try await pool.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT topic, state, count(*) AS n FROM outbox GROUP BY topic, state") {
                    counts["\(row["topic"] as String)/\(row["state"] as String)"] = row["n"]
                }
                let oldest = try String.fetchOne(db, sql: "SELECT min(created_at) FROM outbox WHERE state != 'delivered'")
                let errors = try String.fetchAll(db, sql: """
                    SELECT last_error FROM outbox WHERE state != 'delivered' AND last_error IS NOT NULL ORDER BY id DESC LIMIT 20
                    """)
                return (counts, oldest, errors)
            }
        } catch { throw KioskStore.translate(error, path: path) }
    }
}
