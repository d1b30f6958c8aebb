#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Crypto
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl backup FILE`: a consistent copy of the kiosk's database while kioskd runs.
///
/// kioskd makes the copy with SQLite's online backup API (`backup.create`), kioskctl reads it
/// over the socket in chunks (`backup.read`) into a temporary file beside FILE (mode 0600),
/// checks its size and SHA-256 against kioskd's, syncs it and renames it to FILE, then tells
/// kioskd it was saved (`backup.finish`), which records it as the last backup and audits it.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the kiosk's database to FILE while kioskd runs (managers, technicians).",
        discussion: """
            The copy is made by kioskd with SQLite's online backup API, so payments can go on \
            while it is taken; it is checked (PRAGMA integrity_check), sent over the socket, \
            written to FILE with mode 0600 and compared by SHA-256. An existing FILE is kept \
            unless --force is given. Restore it with kioskd --restore FILE (kioskd stopped).

            Examples:
              kioskctl backup /media/usb/kiosk-2026-12-02.sqlite
              kioskctl backup --force /srv/backups/kiosk.sqlite
              kioskctl backup kiosk.sqlite --json
            """)

    @OptionGroup var connection: ConnectionOptions
    @Argument(help: ArgumentHelp("Where to write the copy.", valueName: "FILE")) var file: String
    @Flag(help: "Replace FILE if it exists.") var force = false
    @Flag(help: "Print backup.create's JSON object instead of text.") var json = false

    func run() async throws {
        try await reportingFailures {
            let target = URL(fileURLWithPath: file).standardizedFileURL.path
            let temporary = try Self.prepare(target, force: force)
            var finished = false
            defer { if !finished { unlink(temporary.path) } }
            try await connection.withClient { client in
                let raw = try await client.callRaw(Methods.backupCreate, EmptyParams())
                let made: BackupCreateResult
                do { made = try JSONDecoder().decode(BackupCreateResult.self, from: raw) }
                catch { throw ClientError.malformedReply("the result of backup.create does not have the expected fields") }
                do {
                    try await Self.receive(made, into: temporary, from: client)
                    try Self.install(temporary, at: target, force: force)
                    finished = true
                } catch {
                    _ = try? await client.call(Methods.backupFinish, BackupFinishParams(backup: made.backup, saved: false))
                    throw error
                }
                _ = try await client.call(Methods.backupFinish, BackupFinishParams(backup: made.backup, saved: true))
                if json { Output.raw(raw); return }
                Output.line("Backup written to \(target): \(made.bytes) bytes, as of \(made.createdAt), integrity \(made.integrity).")
                Output.line("sha256 \(made.sha256)")
                Output.line("Restore it with kioskd stopped: kioskd --restore \(target)")
            }
        }
    }

    /// A new, empty 0600 file beside `target` to receive the bytes, after the checks that need
    /// no kioskd: FILE not there (or --force), its directory writable.
    static func prepare(_ target: String, force: Bool) throws -> (path: String, fd: Int32) {
        let directory = URL(fileURLWithPath: target).deletingLastPathComponent().path
        var info = stat()
        if lstat(target, &info) == 0 {
            if (info.st_mode & S_IFMT) == S_IFDIR { throw CommandFailure("\(target) is a directory; name the file to write", status: .cannotCreate) }
            if !force { throw CommandFailure("\(target) exists already; choose another name, or pass --force to replace it", status: .cannotCreate) }
        }
        guard stat(directory, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            throw CommandFailure("the directory \(directory) does not exist; create it first", status: .cannotCreate)
        }
        let temporary = directory + "/." + URL(fileURLWithPath: target).lastPathComponent + ".partial-" + UUID().uuidString.prefix(8).lowercased()
        let fd = FileModes.open(temporary, flags: O_WRONLY, mode: FileModes.database, exclusive: true)
        guard fd >= 0 else {
            throw CommandFailure("cannot write in \(directory): \(String(cString: strerror(errno))); choose a directory you may write to", status: .cannotCreate)
        }
        return (temporary, fd)
    }

    /// Reads every chunk into the open file, hashing as it goes; size and SHA-256 must match.
    static func receive(_ made: BackupCreateResult, into temporary: (path: String, fd: Int32), from client: KioskClient) async throws {
        let handle = FileHandle(fileDescriptor: temporary.fd, closeOnDealloc: true)
        defer { try? handle.close() }
        var hash = SHA256()
        var offset = 0
        while true {
            let chunk = try await client.call(Methods.backupRead, BackupReadParams(backup: made.backup, offset: offset))
            guard chunk.offset == offset, let bytes = Data(base64Encoded: chunk.data), bytes.count == chunk.length else {
                throw CommandFailure("kioskd sent a chunk that does not fit at byte \(offset); nothing was written", status: .software)
            }
            do { try handle.write(contentsOf: bytes) } catch {
                throw CommandFailure("cannot write \(temporary.path): \(error.localizedDescription); nothing was written", status: .ioError)
            }
            hash.update(data: bytes)
            offset += bytes.count
            if chunk.done || bytes.isEmpty { break }
        }
        let sha256 = hash.finalize().map { String(format: "%02x", $0) }.joined()
        guard offset == made.bytes, sha256 == made.sha256 else {
            throw CommandFailure("the copy received (\(offset) bytes) does not match kioskd's (\(made.bytes) bytes, sha256 \(made.sha256.prefix(16))…); nothing was written, try again", status: .ioError)
        }
        do { try handle.synchronize() } catch {
            throw CommandFailure("cannot sync \(temporary.path) to disk: \(error.localizedDescription)", status: .ioError)
        }
    }

    /// Renames the complete, synced file to `target` (atomically: FILE is the old one or the
    /// new one, never half) and syncs the directory so the name survives a power cut.
    static func install(_ temporary: (path: String, fd: Int32), at target: String, force: Bool) throws {
        if !force, access(target, F_OK) == 0 {
            throw CommandFailure("\(target) appeared while the backup was copied; nothing was replaced", status: .cannotCreate)
        }
        guard rename(temporary.path, target) == 0 else {
            throw CommandFailure("cannot write \(target): \(String(cString: strerror(errno)))", status: .cannotCreate)
        }
        let directory = open(URL(fileURLWithPath: target).deletingLastPathComponent().path, O_RDONLY | O_CLOEXEC)
        if directory >= 0 { _ = fsync(directory); close(directory) }
    }
}
