#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// The modes of the files kioskpay writes, whatever the umask of the process that writes them.
///
/// The database holds PIN hashes, the audit log and sealed captures, so only kioskd's user may
/// read it; the lock file (a pid) may be read by the kiosk group. A mode given to `open(2)` is
/// narrowed by the umask, and SQLite `fchmod`s a database it creates to 0644, so neither the
/// unit's `UMask=` nor the caller's umask decides: every file is created through
/// ``FileModes/open(_:flags:mode:exclusive:)``, which `fchmod`s it to its exact mode before
/// anything is written to it.
public enum FileModes {
    /// The database and its `-wal` and `-shm` files (SQLite gives those the database's mode).
    public static let database: mode_t = 0o600
    /// `kioskd.lock`: the pid of the daemon holding the data directory (the kiosk group may read it).
    public static let lock: mode_t = 0o640
    /// Private keys, kept or exported (`demo-backoffice.key`, `kiosk-backoffice keygen`'s `.key`).
    public static let privateKey: mode_t = 0o600
    /// Public keys exported for others to install (`kiosk-backoffice keygen`'s `.pub`).
    public static let publicKey: mode_t = 0o644

    /// Opens `path` with `flags`, creating it if missing. A file it creates gets exactly `mode`;
    /// an existing file it owns loses any permission `mode` does not grant (0644 becomes 0600,
    /// a read-only 0400 stays 0400). With `exclusive`, an existing file is an error (EEXIST).
    /// Returns the descriptor, or -1 with `errno` set as `open(2)` does.
    public static func open(_ path: String, flags: Int32, mode: mode_t, exclusive: Bool = false) -> Int32 {
        let created = Glibc.open(path, flags | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if created >= 0 {
            _ = fchmod(created, mode)
            return created
        }
        guard errno == EEXIST, !exclusive else { return -1 }
        let fd = Glibc.open(path, flags | O_CLOEXEC)
        guard fd >= 0 else { return -1 }
        narrow(fd: fd, to: mode)
        return fd
    }

    /// Takes away from an existing file we own any permission `mode` does not grant.
    public static func narrow(path: String, to mode: mode_t) {
        let fd = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return }
        narrow(fd: fd, to: mode)
        close(fd)
    }

    private static func narrow(fd: Int32, to mode: mode_t) {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_uid == geteuid() else { return }
        let current = info.st_mode & 0o7777
        if current & ~mode != 0 { _ = fchmod(fd, current & mode) }
    }
}
