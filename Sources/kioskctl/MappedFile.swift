#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A document file mapped read-only into memory, so a 100 MB sync document is never copied
/// into kioskctl's heap: its pages are read as they are used and handed back (`release`) once
/// sent, keeping the process's memory flat with the document's size.
enum MappedFile {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func map(_ path: String) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Failure(description: String(cString: strerror(errno))) }
        let size = Int(info.st_size)
        guard size > 0 else { return Data() }
        guard let base = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), base != MAP_FAILED else {
            throw Failure(description: String(cString: strerror(errno)))
        }
        _ = madvise(base, size, MADV_SEQUENTIAL)
        return Data(bytesNoCopy: base, count: size, deallocator: .custom { pointer, count in _ = munmap(pointer, count) })
    }

    /// Tells the kernel the pages of `range` (all of `data` when nil) are not needed for now:
    /// they leave the process's resident set and are read again from the file if touched.
    /// ONLY for `data` returned by `map`: on heap memory MADV_DONTNEED would zero the pages.
    static func release(_ data: Data, _ range: Range<Int>? = nil) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress, raw.count > 0 else { return }
            let r = range ?? 0..<raw.count
            let start = Int(bitPattern: base) + r.lowerBound
            let alignedStart = (start + page - 1) / page * page  // whole pages inside the range only
            let end = Int(bitPattern: base) + r.upperBound
            let alignedEnd = r.upperBound == raw.count ? (end + page - 1) / page * page : end / page * page
            guard alignedEnd > alignedStart, let pointer = UnsafeMutableRawPointer(bitPattern: alignedStart) else { return }
            _ = madvise(pointer, alignedEnd - alignedStart, MADV_DONTNEED)
        }
    }
}
