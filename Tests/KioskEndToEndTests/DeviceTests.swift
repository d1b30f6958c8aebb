import Foundation
import Testing

/// Readers and pads through the real daemon: emulated devices feed the same drivers real
/// USB reports go through (keyboard-wedge decoding, descriptor-driven HID digitizer).
@Suite("Devices and captures", .serialized)
struct DeviceTests {
    static let track1 = "%B4111111111111111^DOE/JOHN^28121010000000000000?"
    static let track2 = ";4111111111111111=28121010000000000000?"

    func emulatedDaemon(_ label: String, extra: [String] = []) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, configExtra: "emulated_devices = true", extraArguments: extra)
        if !extra.contains("--demo") { try daemon.provisionBackOfficeKey() }
        return daemon
    }

    func event(_ client: RawClient, _ type: String) throws -> [String: Any] { try client.nextEvent(type) }

    @Test("emulated devices are listed but not allowed outside demo; allowing is audited")
    func allowList() throws {
        let daemon = try emulatedDaemon("dev-allow")
        let client = try daemon.client()
        let list = try client.call("device.list").result["devices"] as? [[String: Any]] ?? []
        #expect(list.map { $0["id"] as? String } == ["emulated-pad-1", "emulated-printer-1", "emulated-reader-1", "emulated-secure-reader-1"])
        #expect(list.allSatisfy { $0["allowed"] as? Bool == false && ($0["driver"] as? String)?.hasPrefix("emulated-") == true })
        let refused = try client.call("device.capture.begin", params: ["kind": "card"], id: 2)
        #expect(refused.errorKind == "not_provisioned")
        #expect(try client.call("device.allow", params: ["id": "emulated-reader-1"], id: 3).error == nil)
        #expect(try client.call("device.allow", params: ["id": "no-such"], id: 4).errorKind == "not_found")
        let audit = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", "SELECT action, detail FROM audit_log"])
        #expect(audit.stdout.contains("device.allow|device emulated-reader-1"))
    }

    @Test("a card capture: swipe → capture.done with the masked card only; nothing clear in the log")
    func cardCapture() throws {
        let daemon = try emulatedDaemon("dev-card")
        let tech = try daemon.client()
        _ = try tech.call("device.allow", params: ["id": "emulated-reader-1"])
        let front = try daemon.client()
        let begin = try front.call("device.capture.begin", params: ["kind": "card"])
        let capture = begin.result["capture"] as? String
        #expect(capture != nil)
        let busy = try tech.call("device.capture.begin", params: ["kind": "card"], id: 9)
        #expect(busy.errorKind == "busy")
        #expect(try tech.call("device.emulate.swipe", params: ["track1": Self.track1, "track2": Self.track2], id: 2).error == nil)
        let done = try event(front, "capture.done")
        #expect(done["capture"] as? String == capture)
        let masked = done["masked"] as? [String: Any]
        #expect(masked?["last4"] as? String == "1111")
        #expect(masked?["first6"] as? String == "411111")
        #expect(masked?["brand"] as? String == "visa")
        #expect(masked?["expiry"] as? String == "2028-12")
        #expect(masked?["name"] as? String == "JOHN DOE")
        #expect(!"\(done)".contains("4111111111111111"))
        let states = try tech.call("device.list", id: 3).result["devices"] as? [[String: Any]] ?? []
        #expect(states.first { $0["id"] as? String == "emulated-reader-1" }?["state"] as? String == "ready")
        daemon.stop()
        #expect(!daemon.log.contains("4111111111111111") && !daemon.log.contains("DOE/JOHN"))
    }

    @Test("an unreadable swipe fails the capture with a sentence a customer can act on")
    func unreadable() throws {
        let daemon = try emulatedDaemon("dev-bad")
        let client = try daemon.client()
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        _ = try client.call("device.capture.begin", params: ["kind": "card"], id: 2)
        _ = try client.call("device.emulate.swipe", params: ["track1": "%E?", "track2": ";E?"], id: 3)
        let failed = try event(client, "capture.failed")
        #expect(failed["message"] as? String == "the card could not be read, please swipe again")
    }

    @Test("a swipe with no capture in progress is discarded, never delivered")
    func swipeWithoutCapture() throws {
        let daemon = try emulatedDaemon("dev-nocap")
        let client = try daemon.client()
        let welcome = try daemon.client()  // the front's welcome screen listens for unclaimed swipes
        _ = try welcome.call("events.subscribe", params: ["types": ["swipe.unclaimed"]])
        _ = try client.call("device.allow", params: ["id": "emulated-reader-1"])
        _ = try client.call("events.subscribe", params: ["types": ["capture.done", "capture.failed"]], id: 2)
        _ = try client.call("device.emulate.swipe", params: ["track2": Self.track2], id: 3)
        let unclaimed = try welcome.nextEvent("swipe.unclaimed")
        #expect((unclaimed["device"] as? [String: Any])?["id"] as? String == "emulated-reader-1")
        #expect(!"\(unclaimed)".contains("4111") && unclaimed["masked"] == nil, "no card data in the event")
        let hello = try client.call("hello", id: 4)
        #expect(hello["id"] as? Int == 4)
        #expect(client.events.isEmpty, "\(client.events)")  // events go out before the reply that caused them
        #expect(daemon.log.contains("swipe with no capture in progress discarded"))
    }

    @Test("a signature capture: progress, then Done gives points and strokes")
    func signatureCapture() throws {
        let daemon = try emulatedDaemon("dev-sign", extra: ["--demo"])  // demo: emulated devices allowed
        let client = try daemon.client()
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"]).result["capture"] as? String ?? ""
        let early = try client.call("device.capture.finish", params: ["capture": capture], id: 2)
        #expect(early.errorKind == "conflict")
        let strokes: [[[Double]]] = [[[0.1, 0.1, 0.5], [0.2, 0.2, 0.6], [0.3, 0.25, 0.7]], [[0.5, 0.5, 0.4], [0.6, 0.6, 0.5]]]
        _ = try client.call("device.emulate.sign", params: ["strokes": strokes], id: 3)
        let progress = try event(client, "capture.progress")
        #expect(progress["capture"] as? String == capture)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 4)
        let done = try event(client, "capture.done")
        #expect(done["points"] as? Int == 5)
        #expect(done["strokes"] as? Int == 2)
        let bad = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 2.0, 0.5]]]], id: 5)
        #expect(bad.errorCode == -32602)
        #expect(bad.errorMessage.contains("strokes[0][0]"))
    }

    /// Issue 11: the front showed 51 points while 62 were sealed, since progress went out only
    /// every 50th point. Each lift of the pen now says where the signature stands.
    @Test("the count the customer sees catches up with the pad at every pen lift, before Done")
    func progressCatchesUpAtEachLift() throws {
        let daemon = try emulatedDaemon("dev-sign-count", extra: ["--demo"])
        let client = try daemon.client()
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"]).result["capture"] as? String ?? ""
        let first: [[Double]] = (0..<62).map { i in [0.1 + Double(i) * 0.01, 0.3, 0.5] }
        _ = try client.call("device.emulate.sign", params: ["strokes": [first]], id: 2)
        var last = 0
        while last < 62, let progress = try? client.nextEvent("capture.progress", timeout: 5) { last = progress["points"] as? Int ?? -1 }
        #expect(last == 62, "after the lift the front is told 62, not 51")
        let second: [[Double]] = (0..<7).map { i in [0.2 + Double(i) * 0.01, 0.6, 0.5] }
        _ = try client.call("device.emulate.sign", params: ["strokes": [second]], id: 3)
        while last < 69, let progress = try? client.nextEvent("capture.progress", timeout: 5) { last = progress["points"] as? Int ?? -1 }
        #expect(last == 69)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 4)
        #expect(try event(client, "capture.done")["points"] as? Int == 69)
    }

    @Test("a client that disconnects mid-capture frees the device")
    func disconnectEndsCapture() throws {
        let daemon = try emulatedDaemon("dev-drop", extra: ["--demo"])
        do {
            let gone = try daemon.client()
            _ = try gone.call("device.capture.begin", params: ["kind": "card"])
        }
        var state = ""
        for _ in 0..<50 {
            let list = try daemon.client().call("device.list").result["devices"] as? [[String: Any]] ?? []
            state = list.first { $0["id"] as? String == "emulated-reader-1" }?["state"] as? String ?? ""
            if state == "ready" { break }
            usleep(50_000)
        }
        #expect(state == "ready")
    }

    @Test("roles: managers list but may not allow or emulate; the front may capture", .enabled(if: getuid() == 0))
    func roles() throws {
        let daemon = try emulatedDaemon("dev-roles")
        let list = try daemon.kioskctl(["device", "list"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(list.status == 0 && list.stdout.contains("present, not allowed"), "\(list.stderr)")
        let allow = try daemon.kioskctl(["device", "allow", "emulated-reader-1"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(allow.status != 0 && allow.stderr.contains("technician"), "\(allow.stderr)")
        let swipe = try daemon.kioskctl(["device", "emulate", "swipe", "--track2", "1234"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(swipe.status != 0 && swipe.stderr.contains("permission denied"))
        let frontList = try daemon.kioskctl(["device", "list"], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(frontList.status != 0)
        let tech = try daemon.kioskctl(["device", "allow", "emulated-reader-1"])
        #expect(tech.status == 0, "\(tech.stderr)")
    }
}
