import Foundation

/// A kiosk-front peer: one connection with the front role (uid nobody, gid front, through
/// setpriv), so sessions live on it as they do for the real front. Each step is a request
/// (method + params) or a pause; replies come back in order, events skipped.
enum FrontStep {
    case call(String, [String: Any])
    case pause(seconds: Double)
}

func frontSession(_ daemon: DaemonProcess, _ steps: [FrontStep]) throws -> [[String: Any]] {
    var lines: [String] = []
    for (i, step) in steps.enumerated() {
        switch step {
        case .call(let method, let params):
            let request: [String: Any] = ["jsonrpc": "2.0", "id": i + 1, "method": method, "params": params]
            lines.append(String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
        case .pause(let seconds):
            lines.append("#sleep \(seconds)")
        }
    }
    let script = """
    import socket, sys, time
    s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
    for line in sys.stdin.read().splitlines():
        if line.startswith("#sleep "):
            time.sleep(float(line.split()[1])); continue
        f.write(line.encode() + b"\\n"); f.flush()
        while True:
            reply = f.readline().decode()
            if '"method":"event"' not in reply: break
        print(reply.strip(), flush=True)
    """
    let input = directoryFile(daemon, "front-steps.txt")
    try lines.joined(separator: "\n").write(toFile: input, atomically: true, encoding: .utf8)
    let result = try runProcess("/bin/sh", ["-c", "exec /usr/bin/setpriv --reuid=65534 --regid=\(ScratchGroups.front) --groups=\(ScratchGroups.socketGroup) -- /usr/bin/python3 -c \"$0\" \"$1\" < \"$2\"",
                                            script, daemon.socketPath, input])
    return result.stdout.split(separator: "\n").compactMap {
        (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
    }
}

private func directoryFile(_ daemon: DaemonProcess, _ name: String) -> String { daemon.directory + "/" + name }
