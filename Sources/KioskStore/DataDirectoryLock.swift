#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskSystem

/// An exclusive `flock` on `<data-dir>/kioskd.lock`, held for the daemon's life.
///
/// SQLite's own locks allow many readers and writers to share a file; two daemons driving the
/// same kiosk's payments must not, so the daemon takes this lock before opening the database.
/// The kernel drops the lock when the process dies, so a crash never leaves it stale.
final class DataDirectoryLock: Sendable {
    private let descriptor: Int32

    init(directory: String) throws(StoreError) {
        let path = directory + "/kioskd.lock"
        let fd = FileModes.open(path, flags: O_RDWR, mode: FileModes.lock)
        guard fd >= 0 else {
            let code = errno
            if code == EROFS || code == EACCES { throw .readOnly(path: path) }
            throw .io("cannot open the lock file \(path): \(String(cString: strerror(code)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, 31, 0)
            close(fd)
            let pid = count > 0 ? String(decoding: buffer.prefix(count), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : nil
            throw .lockedByAnotherDaemon(directory: directory, pid: pid?.isEmpty == false ? pid : nil)
        }
        let text = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = text.withCString { pwrite(fd, $0, strlen($0), 0) }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
