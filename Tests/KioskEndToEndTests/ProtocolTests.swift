#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The socket protocol against a real kioskd: PROTOCOL.md's transport rules and bad-input matrix.
@Suite("Socket protocol", .serialized)
struct ProtocolTests {
    @Test("hello names the server, protocol 1 and the caller's role")
    func hello() throws {
        let daemon = try DaemonProcess(label: "hello")
        let reply = try daemon.client().call("hello")
        #expect(reply["jsonrpc"] as? String == "2.0")
        #expect(reply["id"] as? Int == 1)
        #expect(reply.result["server"] as? String == "kioskd")
        #expect(reply.result["protocol"] as? Int == 1)
        #expect(reply.result["role"] as? String == "technician")  // the test runs as root
        let capabilities = reply.result["capabilities"] as? [String] ?? []
        #expect(capabilities.contains("sync.apply") && capabilities.contains("account.balances"))
    }

    @Test("every bad line gets its error and the connection stays usable")
    func badInputMatrix() throws {
        let daemon = try DaemonProcess(label: "badinput")
        let client = try daemon.client()
        let cases: [(bytes: [UInt8], code: Int, hint: String)] = [
            (Array("{not json\n".utf8), -32700, "not valid JSON"),
            ([0x7b, 0xff, 0xfe, 0x7d, 0x0a], -32700, "UTF-8"),
            (Array("[1,2]\n".utf8), -32600, "batches"),
            (Array("42\n".utf8), -32600, "JSON object"),
            (Array(#"{"jsonrpc":"2.0","method":"hello","params":{}}"#.utf8) + [0x0a], -32600, "needs an id"),
            (Array(#"{"jsonrpc":"1.0","id":3,"method":"hello"}"#.utf8) + [0x0a], -32600, "2.0"),
            (Array(#"{"jsonrpc":"2.0","id":4,"method":7}"#.utf8) + [0x0a], -32600, "method"),
            (Array(#"{"jsonrpc":"2.0","id":5,"method":"no.such"}"#.utf8) + [0x0a], -32601, "no method"),
            (Array(#"{"jsonrpc":"2.0","id":6,"method":"account.get","params":{"account":12}}"#.utf8) + [0x0a], -32602, "params.account"),
            (Array(#"{"jsonrpc":"2.0","id":7,"method":"account.get","params":{"account":"1","job":"x"}}"#.utf8) + [0x0a], -32602, "params.job"),
            (Array(#"{"jsonrpc":"2.0","id":8,"method":"account.get"}"#.utf8) + [0x0a], -32602, "params"),
            (Array(#"{"jsonrpc":"2.0","id":9,"method":"sync.apply","params":[]}"#.utf8) + [0x0a], -32602, "refused"),
        ]
        for (bytes, code, hint) in cases {
            try client.send(bytes)
            let reply = try client.readObject()
            #expect(reply.errorCode == code, "\(String(decoding: bytes, as: UTF8.self)) → \(reply)")
            #expect(reply.errorMessage.contains(hint), "message \(reply.errorMessage) lacks \(hint)")
            // After each bad line the same connection still answers.
            let hello = try client.call("hello", id: 100)
            #expect(hello.result["server"] as? String == "kioskd")
        }
        #expect(daemon.process.isRunning)
    }

    @Test("a line over the role's limit is refused and the next line is served")
    func overLongLine() throws {
        let daemon = try DaemonProcess(label: "longline")
        // Technician limit is 16 MiB: send 17 MiB in one line.
        let client = try daemon.client()
        var huge = Array(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{"pad":""#.utf8)
        huge += [UInt8](repeating: UInt8(ascii: "a"), count: 17 * 1024 * 1024)
        huge += Array("\"}}\n".utf8)
        try client.send(huge)
        let reply = try client.readObject()
        #expect(reply.errorCode == -32600)
        #expect(reply.errorMessage.contains("longer than 16777216 bytes"))
        #expect(reply["id"] is NSNull)
        let hello = try client.call("hello", id: 2)
        #expect(hello["id"] as? Int == 2)
    }

    @Test("a client that disconnects mid-line leaves the daemon unaffected")
    func disconnectMidLine() throws {
        let daemon = try DaemonProcess(label: "midline")
        do {
            let client = try daemon.client()
            try client.send(#"{"jsonrpc":"2.0","id":1,"method":"sync.apply","params":{"format":"#)
        }  // closed here, half a request sent
        let reply = try daemon.client().call("hello")
        #expect(reply.result["server"] as? String == "kioskd")
        #expect(daemon.process.isRunning)
    }

    @Test("pipelined requests are answered in order with their ids")
    func pipelining() throws {
        let daemon = try DaemonProcess(label: "pipeline")
        let client = try daemon.client()
        var lines = ""
        for id in 1...50 { lines += #"{"jsonrpc":"2.0","id":"r\#(id)","method":"hello","params":{}}"# + "\n" }
        try client.send(lines)
        for id in 1...50 {
            let reply = try client.readObject()
            #expect(reply["id"] as? String == "r\(id)")
        }
    }

    @Test("200 concurrent clients are all served")
    func concurrentClients() throws {
        let daemon = try DaemonProcess(label: "concurrent")
        // All 200 connections are open at once before any of them speaks.
        let clients = try (0..<200).map { _ in try daemon.client() }
        let served = LockedCounter()
        DispatchQueue.concurrentPerform(iterations: clients.count) { index in
            for round in 0..<3 {
                let id = index * 10 + round
                if let reply = try? clients[index].call("hello", id: id), reply["id"] as? Int == id { served.increment() }
            }
        }
        #expect(served.value == 600)
        #expect(daemon.process.isRunning)
    }

    @Test("the socket is created with mode 0660 and the configured group")
    func socketMode() throws {
        let daemon = try DaemonProcess(label: "mode")
        var info = stat()
        #expect(stat(daemon.socketPath, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o660)
        #expect(info.st_gid == ScratchGroups.socketGroup)
    }

    @Test("with a systemd watchdog, WATCHDOG=1 arrives at half the interval")
    func watchdog() throws {
        let daemon = try DaemonProcess(label: "watchdog", environment: ["WATCHDOG_USEC": "400000"])
        var pets = 0
        let deadline = Date().addingTimeInterval(3)
        while Date() < deadline, let message = daemon.nextNotification(timeout: 1) {
            if message.contains("WATCHDOG=1") { pets += 1 }
            if pets >= 3 { break }
        }
        #expect(pets >= 3)
    }

    @Test("SIGTERM stops the daemon cleanly, tells systemd STOPPING=1 and removes the socket")
    func gracefulShutdown() throws {
        let daemon = try DaemonProcess(label: "sigterm")
        let idle = try daemon.client()  // a connected client must not hold shutdown forever
        _ = try idle.call("hello")
        let status = daemon.stop()
        #expect(status == 0, "exit status \(status); log:\n\(daemon.log)")
        var sawStopping = false
        while let message = daemon.nextNotification(timeout: 2) { if message.contains("STOPPING=1") { sawStopping = true } }
        #expect(sawStopping)
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath))
    }
}

/// A counter safe to bump from many threads.
final class LockedCounter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func increment() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
