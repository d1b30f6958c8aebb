import Foundation
import Testing

extension USBDaemonTests {
    @Test("a transfer error or a udev change re-opens the device: capture fails, same id stays allowed, next capture works")
    func resetAndReprobe() throws {
        let daemon = try daemon("usb-reset", scenario: "epad-reset.json")
        let id = "serial:EPAD-RESET"
        let tech = try daemon.client()
        _ = try waitFor(tech, id) { $0 != nil }
        #expect(try tech.call("device.allow", params: ["id": id], id: 2).error == nil)
        _ = try tech.call("events.subscribe", params: ["types": ["device.attached", "device.detached"]], id: 3)
        let front = try daemon.client()

        // Capture 1: the pen is down when the transfer fails with EPROTO (3.05 s).
        let first = try #require(front.call("device.capture.begin", params: ["kind": "signature"]).result["capture"] as? String)
        let failed = try event(front, "capture.failed", capture: first)
        #expect(failed["error"] as? String == "device_unavailable", "\(failed)")
        var back = try waitFor(tech, id) { $0?["state"] as? String == "ready" }
        #expect(back?["allowed"] as? Bool == true)

        // Capture 2 on the re-opened device (6.0 s).
        let second = try #require(front.call("device.capture.begin", params: ["kind": "signature"], id: 2).result["capture"] as? String)
        try waitForReports(tech, id, count: 21)
        #expect(try front.call("device.capture.finish", params: ["capture": second], id: 3).error == nil)
        #expect(try event(front, "capture.done", capture: second)["points"] as? Int == 20)

        // Capture 3: udev says the device changed (8.0 s).
        let third = try #require(front.call("device.capture.begin", params: ["kind": "signature"], id: 4).result["capture"] as? String)
        let failed3 = try event(front, "capture.failed", capture: third)
        #expect(failed3["error"] as? String == "device_unavailable", "\(failed3)")
        back = try waitFor(tech, id) { $0?["state"] as? String == "ready" }
        #expect(back?["allowed"] as? Bool == true)

        // Capture 4 (10.0 s) survives the bind notice at 8.6 s.
        let fourth = try #require(front.call("device.capture.begin", params: ["kind": "signature"], id: 5).result["capture"] as? String)
        try waitForReports(tech, id, count: 11)
        #expect(try front.call("device.capture.finish", params: ["capture": fourth], id: 6).error == nil)
        #expect(try event(front, "capture.done", capture: fourth)["points"] as? Int == 10)

        let types = tech.events.compactMap { ($0["params"] as? [String: Any])?["type"] as? String }
        #expect(types == ["device.detached", "device.attached", "device.detached", "device.attached"], "\(types)")
        #expect(daemon.stop() == 0)
        let log = daemon.log
        let claims = log.components(separatedBy: "pad1: interface 0 claimed (disconnect-and-claim)").count - 1
        #expect(claims == 3, "opened once, re-opened twice, never replugged: \(log)")
        #expect(log.components(separatedBy: "pad1: plugged").count - 1 == 1)
        #expect(log.contains("USB device failed") && log.contains("USB device reset"), "\(log)")
        #expect(log.components(separatedBy: "re-opening USB device").count - 1 == 2, "\(log)")
        #expect(log.contains("udev bind ignored"), "\(log)")
    }
}
