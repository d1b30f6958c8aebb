#if canImport(Glibc)
import Glibc
#endif

/// A filled-in `sockaddr_un` for a path (a leading `@` names the abstract namespace, as
/// `$NOTIFY_SOCKET` may). The daemon needs raw addresses in the two places NIO does not
/// reach: probing a stale socket before binding, and sd_notify datagrams.
struct UnixSocketAddress {
    private var storage = sockaddr_un()
    let length: socklen_t

    /// nil when the path does not fit in `sun_path`.
    init?(path: String) {
        var bytes = Array(path.utf8)
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract { bytes[0] = 0 }
        guard bytes.count < MemoryLayout.size(ofValue: storage.sun_path) else { return nil }
        storage.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &storage.sun_path) { raw in
            raw.copyBytes(from: bytes)
            if !abstract { raw[bytes.count] = 0 }
        }
        length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
    }

    /// Calls `body` with the address as the `sockaddr` pointer system calls take.
    func withSockaddr<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }
}

/// The limit on a Unix socket's path, checked where a path is chosen (`--socket`, `socket =`)
/// so the operator reads one sentence instead of NIO's `unixDomainSocketPathTooLong`.
public enum UnixSocketPath {
    /// The longest path `sun_path` holds with its terminating NUL: 107 bytes on Linux.
    public static let maximumLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// nil when `path` fits; otherwise why it does not, as a sentence naming `setting`.
    public static func problem(_ path: String, setting: String) -> String? {
        let length = path.utf8.count
        guard length > maximumLength else { return nil }
        return "the socket path \(path) is \(length) bytes long, but a Unix socket path may have at most \(maximumLength) bytes; choose a shorter \(setting)"
    }
}
