#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// sd_notify(3) by hand: one datagram to `$NOTIFY_SOCKET` (a leading `@` means the abstract
/// namespace). No libsystemd, so the daemon runs the same with or without systemd.
public struct SystemdNotifier: Sendable {
    let socketPath: String?
    /// Half of `$WATCHDOG_USEC` when the unit has a watchdog, for the keep-alive loop.
    public let watchdogInterval: Duration?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        socketPath = environment["NOTIFY_SOCKET"].flatMap { $0.isEmpty ? nil : $0 }
        if let usec = environment["WATCHDOG_USEC"].flatMap(UInt64.init), usec > 0,
           environment["WATCHDOG_PID"].flatMap(Int32.init).map({ $0 == getpid() }) ?? true {
            watchdogInterval = .microseconds(Int64(usec / 2))
        } else {
            watchdogInterval = nil
        }
    }

    /// Sends `state` (e.g. "READY=1"); returns false when there is no socket or sending failed.
    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard let socketPath else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let address = UnixSocketAddress(path: socketPath) else { return false }
        let sent = state.utf8CString.withUnsafeBufferPointer { text in
            address.withSockaddr { sendto(fd, text.baseAddress, text.count - 1, Int32(MSG_NOSIGNAL), $0, $1) }
        }
        return sent >= 0
    }
}
