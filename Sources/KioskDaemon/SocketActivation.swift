#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// systemd socket activation (sd_listen_fds(3)): when kioskd.socket started the daemon, the
/// listening socket is descriptor 3, already bound with the unit's `SocketMode=`/`SocketGroup=`,
/// and `LISTEN_PID`/`LISTEN_FDS` say so. Run by hand, there is none and kioskd binds its own.
enum SocketActivation {
    /// The first passed descriptor (3).
    static let firstDescriptor: CInt = 3

    /// The activated socket, if systemd passed exactly what kioskd can serve: one listening
    /// Unix stream socket, for this process. The variables are removed either way, so a child
    /// process never believes the descriptors are its own.
    static func listeningSocket(environment: [String: String] = ProcessInfo.processInfo.environment) throws(DaemonError) -> (descriptor: CInt, path: String)? {
        defer { unsetenv("LISTEN_PID"); unsetenv("LISTEN_FDS"); unsetenv("LISTEN_FDNAMES") }
        guard let pid = environment["LISTEN_PID"].flatMap(Int32.init), pid == getpid(),
              let count = environment["LISTEN_FDS"].flatMap(Int.init), count >= 1 else { return nil }
        guard count == 1 else {
            throw .socket("systemd passed \(count) sockets; kioskd serves one (ListenStream= once in kioskd.socket)")
        }
        let fd = firstDescriptor
        var type: CInt = 0, listening: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0, type == CInt(SOCK_STREAM.rawValue) else {
            throw .socket("the socket systemd passed is not a stream socket; kioskd.socket must use ListenStream=")
        }
        length = socklen_t(MemoryLayout<CInt>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0, listening == 1 else {
            throw .socket("the socket systemd passed is not listening; kioskd.socket must not set Accept=yes")
        }
        var address = sockaddr_un()
        var size = socklen_t(MemoryLayout<sockaddr_un>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &size) }
        }
        guard named == 0, address.sun_family == sa_family_t(AF_UNIX) else {
            throw .socket("the socket systemd passed is not a Unix socket; kioskd.socket must name a path in ListenStream=")
        }
        let path = withUnsafeBytes(of: &address.sun_path) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        // Not inherited by anything kioskd runs.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, path)
    }
}
