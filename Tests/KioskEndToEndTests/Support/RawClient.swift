#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A deliberately plain, blocking Unix-socket client: it sends exactly the bytes a test gives
/// it (bad UTF-8, half lines, huge lines), which a well-behaved client library never would.
final class RawClient: @unchecked Sendable {
    let fd: Int32
    private var pending = [UInt8]()
    /// Event notifications that arrived while a reply was awaited, oldest first.
    var events = [[String: Any]]()

    enum Failure: Error, CustomStringConvertible {
        case connect(String), timeout, closed
        var description: String {
            switch self {
            case .connect(let s): return "connect failed: \(s)"
            case .timeout: return "timed out waiting for a reply"
            case .closed: return "connection closed by the daemon"
            }
        }
    }

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        let result = withSocketAddress(path) { connect(fd, $0, $1) }
        if result != 0 {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure.connect(message)
        }
    }

    deinit { close(fd) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { throw Failure.closed }
            offset += n
        }
    }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    /// Reads one line (without its newline).
    func readLine(timeout: TimeInterval = 10) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let index = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(pending[..<index])
                pending.removeSubrange(...index)
                return String(decoding: line, as: UTF8.self)
            }
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { throw Failure.timeout }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 60) * 1000))
            if ready == 0 { throw Failure.timeout }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { throw Failure.closed }
            pending.append(contentsOf: buffer[..<n])
        }
    }

    /// Sends one request line and returns the reply decoded as a JSON object.
    func call(_ method: String, params: [String: Any] = [:], id: Int = 1) throws -> [String: Any] {
        let request: [String: Any] = ["jsonrpc": "2.0", "id": id, "method": method, "params": params]
        var data = try JSONSerialization.data(withJSONObject: request)
        data.append(UInt8(ascii: "\n"))
        try send([UInt8](data))
        while true {
            let object = try readObject()
            if object["method"] as? String == "event", object["id"] == nil { events.append(object); continue }
            return object
        }
    }

    /// The next event of `type`, from those already received or from the socket.
    func nextEvent(_ type: String, timeout: TimeInterval = 10) throws -> [String: Any] {
        func params(_ object: [String: Any]) -> [String: Any]? {
            guard let params = object["params"] as? [String: Any], params["type"] as? String == type else { return nil }
            return params
        }
        if let index = events.firstIndex(where: { params($0) != nil }) { return params(events.remove(at: index))! }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let object = try readObject(timeout: deadline.timeIntervalSinceNow)
            if let found = params(object) { return found }
            if object["method"] as? String == "event" { events.append(object) }
        }
        throw Failure.timeout
    }

    func readObject(timeout: TimeInterval = 30) throws -> [String: Any] {
        let line = try readLine(timeout: timeout)
        return (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
    }
}

/// Calls `body` with `path` as a `sockaddr_un` (test plumbing; paths here are short).
func withSocketAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    var address = sockaddr_un()
    address.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &address.sun_path) { raw in raw.copyBytes(from: bytes); raw[bytes.count] = 0 }
    return withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

extension Dictionary where Key == String, Value == Any {
    var result: [String: Any] { self["result"] as? [String: Any] ?? [:] }
    var error: [String: Any]? { self["error"] as? [String: Any] }
    var errorCode: Int? { error?["code"] as? Int }
    var errorKind: String? { (error?["data"] as? [String: Any])?["kind"] as? String }
    var errorMessage: String { error?["message"] as? String ?? "" }
    var errorData: [String: Any] { error?["data"] as? [String: Any] ?? [:] }
}
