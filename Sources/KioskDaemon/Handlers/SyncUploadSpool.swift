#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskSystem

/// Where a chunked sync document is kept while it arrives: a file in the data directory, not
/// RAM, so a 100 MB upload costs the daemon a few MB (a chunk) however large it is.
///
/// The file is created 0600 (it holds account data and PIN hashes) and unlinked at once: it has
/// no name from then on, so it is gone when the upload is (commit, a new `begin`, the
/// connection closing, or kioskd crashing). The descriptor closes when the last copy of the
/// upload's state is dropped.
final class SyncUploadSpool: Sendable {
    let fd: Int32

    /// Opens an unnamed spool file in `directory`, or says why not.
    init(directory: String) throws(SpoolError) {
        let path = directory + "/.sync-upload-\(getpid())-\(UUID().uuidString.prefix(8)).spool"
        let fd = FileModes.open(path, flags: O_RDWR, mode: 0o600, exclusive: true)
        guard fd >= 0 else { throw .cannotCreate(String(cString: strerror(errno))) }
        unlink(path)
        self.fd = fd
    }

    deinit { close(fd) }

    /// Writes `bytes` at `offset` (all of them, or throws).
    func write(_ bytes: Data, at offset: Int) throws(SpoolError) {
        var written = 0
        let failed: Int32? = bytes.withUnsafeBytes { raw in
            while written < raw.count {
                let n = pwrite(fd, raw.baseAddress! + written, raw.count - written, off_t(offset + written))
                if n < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += n
            }
            return nil
        }
        if let failed { throw .cannotWrite(String(cString: strerror(failed))) }
    }

    /// The first `size` bytes, mapped read-only (pages are read from the file as they are
    /// touched and can be dropped again by the kernel: no copy in the heap).
    func mapped(size: Int) throws(SpoolError) -> Data {
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw .cannotWrite(String(cString: strerror(errno)))
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }

    /// Hands the pages of `range` of a `mapped` document back to the kernel once read (they are
    /// read again from the file if touched), so the daemon's resident set does not grow to the
    /// document's size. ONLY for data from `mapped`: on heap memory this would zero the pages.
    static func release(_ data: Data, _ range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return }
            let start = (Int(bitPattern: base) + range.lowerBound + page - 1) / page * page
            let end = (Int(bitPattern: base) + min(range.upperBound, raw.count)) / page * page
            guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
            _ = madvise(pointer, end - start, MADV_DONTNEED)
        }
    }

    enum SpoolError: Error, CustomStringConvertible {
        case cannotCreate(String), cannotWrite(String)
        var description: String {
            switch self {
            case .cannotCreate(let why): "cannot keep the upload in the data directory (\(why))"
            case .cannotWrite(let why): "cannot write the upload to the data directory (\(why)); check its free space"
            }
        }
    }
}
