#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskProtocol
import KioskStore
import Logging

/// The snapshots `backup.create` makes, kept in `<data dir>/backups` (0700, files 0600) until
/// the client that asked has read them (`backup.read`) and says it is done (`backup.finish`).
///
/// Why a file in the data directory and chunks over the socket: kioskd runs as its own user
/// under ProtectSystem=strict and cannot write where a manager wants the copy, and kioskctl
/// cannot read the 0600 database; so kioskd makes the copy where it may write, and the bytes
/// travel over the socket the manager's role already opens.
///
/// A snapshot belongs to the uid that made it (another caller's id is `not_found`), and one
/// not read for `BackupTransfer.staleAfterSeconds` is deleted (kioskctl killed half-way), as
/// is every file left by an earlier run of kioskd.
public actor BackupSnapshots {
    struct Entry {
        let snapshot: Snapshot
        let uid: UInt32
        var touched: Date
    }

    public let directory: String
    private let logger: Logger
    private var entries: [String: Entry] = [:]
    /// Files being written right now (the actor is re-entered while SQLite copies).
    private var inProgress: Set<String> = []
    /// Snapshots open at once: each is a whole copy of the database on the kiosk's disk.
    static let maximumOpen = 3

    public init(dataDirectory: String, logger: Logger) {
        directory = dataDirectory + "/backups"
        self.logger = logger
    }

    /// Makes a snapshot of `store` for `uid`.
    func create(from store: KioskStore, uid: UInt32, now: Date = Date()) async throws -> Snapshot {
        sweep(now: now)
        guard entries.count + inProgress.count < Self.maximumOpen else {
            throw RPCError.app(.busy, "\(Self.maximumOpen) backups are being copied already; wait for them to finish (or up to \(BackupTransfer.staleAfterSeconds / 60) minutes) and try again")
        }
        if mkdir(directory, 0o700) != 0, errno != EEXIST {
            throw RPCError.app(.storageUnavailable, "kioskd cannot make its backup directory \(directory): \(String(cString: strerror(errno)))")
        }
        let size = (try? await store.size()).map { $0.bytes + $0.walBytes } ?? 0
        var space = statvfs()
        if statvfs(directory, &space) == 0, Int(space.f_bavail) * Int(space.f_frsize) < size + size / 10 + (1 << 20) {
            throw RPCError.app(.storageUnavailable, "not enough free space next to the database for a copy of it (\(size) bytes); free space on the kiosk's disk and try again")
        }
        let id = "B" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let snapshot: Snapshot
        inProgress.insert(id)
        defer { inProgress.remove(id) }
        do { snapshot = try await store.snapshot(to: directory + "/\(id).sqlite") } catch {
            throw RPCError.app(.storageUnavailable, "the backup copy could not be made: \(error.description)")
        }
        guard snapshot.integrity == ["ok"] else {
            unlink(snapshot.path)
            logger.error("backup copy failed its integrity check", metadata: ["problems": "\(snapshot.integrity.prefix(3).joined(separator: "; "))"])
            throw RPCError.app(.storageUnavailable, "the copy of the database failed SQLite's integrity check (\(snapshot.integrity.prefix(2).joined(separator: "; "))); the database may be damaged: run kioskctl diagnose and call the technician")
        }
        entries[id] = Entry(snapshot: snapshot, uid: uid, touched: now)
        return snapshot
    }

    /// The id of a snapshot (its file is `<id>.sqlite`).
    static func id(of snapshot: Snapshot) -> String { URL(fileURLWithPath: snapshot.path).deletingPathExtension().lastPathComponent }

    /// Up to `BackupTransfer.chunkBytes` bytes from `offset`.
    func read(_ id: String, offset: Int, uid: UInt32, now: Date = Date()) throws -> BackupReadResult {
        var entry = try entry(id, uid: uid)
        let total = entry.snapshot.bytes
        guard offset >= 0, offset <= total else {
            throw RPCError.invalidParams("invalid params: params.offset must be from 0 to \(total), the backup's size", path: "params.offset")
        }
        guard let handle = FileHandle(forReadingAtPath: entry.snapshot.path) else {
            entries[id] = nil
            throw RPCError.app(.storageUnavailable, "the backup copy is gone from \(directory); make a new one with backup.create")
        }
        defer { try? handle.close() }
        let data: Data
        do {
            try handle.seek(toOffset: UInt64(offset))
            data = try handle.read(upToCount: min(BackupTransfer.chunkBytes, total - offset)) ?? Data()
        } catch {
            throw RPCError.app(.storageUnavailable, "the backup copy cannot be read: \(error.localizedDescription)")
        }
        entry.touched = now
        entries[id] = entry
        return BackupReadResult(offset: offset, length: data.count, data: data.base64EncodedString(), done: offset + data.count >= total)
    }

    /// Deletes the snapshot and returns what it was.
    func finish(_ id: String, uid: UInt32) throws -> Snapshot {
        let entry = try entry(id, uid: uid)
        entries[id] = nil
        unlink(entry.snapshot.path)
        return entry.snapshot
    }

    private func entry(_ id: String, uid: UInt32) throws -> Entry {
        guard BackupTransfer.isBackupID(id), let entry = entries[id], entry.uid == uid else {
            throw RPCError.app(.notFound, "no backup with that id is being copied for you; make one with backup.create (a copy not read for \(BackupTransfer.staleAfterSeconds / 60) minutes is deleted)")
        }
        return entry
    }

    /// Deletes snapshots not read for `BackupTransfer.staleAfterSeconds`, and any file in the
    /// directory this kioskd does not know (left by an earlier run). Returns how many.
    @discardableResult
    public func sweep(now: Date = Date()) -> Int {
        var removed = 0
        for (id, entry) in entries where now.timeIntervalSince(entry.touched) > Double(BackupTransfer.staleAfterSeconds) {
            entries[id] = nil
            unlink(entry.snapshot.path)
            removed += 1
        }
        // A copy's own files (`<id>.sqlite`, its `-journal` while SQLite writes) are kept while it is known.
        let known = Set(entries.keys).union(inProgress)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        where !known.contains(String(name.prefix { $0 != "." })) {
            if unlink(directory + "/" + name) == 0 { removed += 1 }
        }
        if removed > 0 { logger.notice("removed backup copies no client finished", metadata: ["count": "\(removed)"]) }
        return removed
    }
}
