#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The real kioskd under the umockdev test bed (Support/USBTestBed.swift has the shared set-up).
@Suite("USB devices through the daemon (umockdev)", .serialized, .enabled(if: USBTestBed.available, "umockdev is not installed"))
struct USBDaemonTests {

    @Test("ePad over USB: listed, allowed, signature progress, unplug fails the capture, replug brings it back")
    func ePadSession() throws {
        let daemon = try daemon("usb-epad", scenario: "epad-daemon.json")
        let id = "serial:EPAD-0001"
        let tech = try daemon.client()
        let pad = try waitFor(tech, id) { $0 != nil }
        #expect(pad?["driver"] as? String == "hid-digitizer")
        #expect(pad?["kind"] as? String == "signature_pad")
        #expect(pad?["vendor_id"] as? Int == 0x04df)
        #expect(pad?["product_id"] as? Int == 0x0012)
        #expect(pad?["serial"] as? String == "EPAD-0001")
        #expect(pad?["allowed"] as? Bool == false)
        #expect(try tech.call("device.allow", params: ["id": id], id: 2).error == nil)

        // First capture: the scenario draws at 3.0–3.6 s and unplugs the pad at 4 s.
        let front = try daemon.client()
        let begin = try front.call("device.capture.begin", params: ["kind": "signature"])
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        let progress = try front.nextEvent("capture.progress", timeout: 15)
        #expect(progress["capture"] as? String == capture)
        let failed = try front.nextEvent("capture.failed", timeout: 15)
        #expect(failed["capture"] as? String == capture)
        #expect((failed["message"] as? String)?.contains("signature pad was disconnected") == true, "\(failed)")
        #expect(try devices(tech).contains { $0["id"] as? String == id } == false)

        // Replugged at 6 s: same id, still allowed, ready for a new capture (strokes at 8.5 s).
        let back = try waitFor(tech, id) { $0?["state"] as? String == "ready" }
        #expect(back?["allowed"] as? Bool == true)
        let second = try front.call("device.capture.begin", params: ["kind": "signature"], id: 3)
        let capture2 = try #require(second.result["capture"] as? String, "\(second)")
        // The stroke (60 points, then a lift at 8.9 s) has all arrived when a progress event counts 60.
        _ = try progressReaching(front, capture: capture2, points: 60)
        #expect(try front.call("device.capture.finish", params: ["capture": capture2], id: 4).error == nil)
        let done = try event(front, "capture.done", capture: capture2, timeout: 10)
        #expect((done["points"] as? Int ?? 0) > 0, "\(done)")

        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(log.contains("USB device unplugged") || log.contains("USB device left"), "\(log)")
        #expect(!log.contains("level=error") && !log.contains("USB device failed"), "\(log)")
        #expect(!log.contains("re-opening USB device"), "an unplug is not a reset: \(log)")
    }

    @Test("keyboard-wedge reader over USB: a swipe ends the card capture with the masked card; the log has no PAN")
    func wedgeSwipe() throws {
        let daemon = try daemon("usb-wedge", scenario: "wedge-swipe.json")
        let id = "serial:WEDGE-0001"
        let client = try daemon.client()
        let reader = try waitFor(client, id) { $0 != nil }
        #expect(reader?["driver"] as? String == "keyboard-wedge")
        #expect(reader?["kind"] as? String == "card_reader")
        #expect(reader?["vendor_id"] as? Int == 0x0801)
        #expect(try client.call("device.allow", params: ["id": id], id: 2).error == nil)
        let begin = try client.call("device.capture.begin", params: ["kind": "card"], id: 3)
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        let done = try client.nextEvent("capture.done", timeout: 15)  // typed at 2.5 s
        #expect(done["capture"] as? String == capture)
        let masked = done["masked"] as? [String: Any]
        #expect(masked?["last4"] as? String == "1111")
        #expect(masked?["expiry"] as? String == "2028-12")
        #expect(!"\(done)".contains("4111111111111111"))
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("4111111111111111"))
        #expect(!daemon.log.contains("level=error") && !daemon.log.contains("USB device failed"), "\(daemon.log)")
        // The swipe is stored sealed (one envelope), and nothing on disk holds the card number.
        let sealed = try runProcess("/usr/bin/sqlite3", ["-cmd", ".timeout 10000", daemon.dataDirectory + "/kiosk.sqlite", "SELECT count(*) FROM sealed_capture WHERE kind = 'card'"])
        #expect(sealed.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            #expect(bytes.range(of: Data("4111111111111111".utf8)) == nil, "\(file) holds the PAN")
        }
    }

    @Test("two devices at once: a card capture and a signature capture run side by side")
    func twoDevices() throws {
        let daemon = try daemon("usb-two", scenario: "two-devices.json")
        let tech = try daemon.client()
        let readerID = "serial:WEDGE-0001", padID = "serial:EPAD-0001"
        _ = try waitFor(tech, readerID) { $0 != nil }
        _ = try waitFor(tech, padID) { $0 != nil }
        #expect(try tech.call("device.allow", params: ["id": readerID], id: 2).error == nil)
        #expect(try tech.call("device.allow", params: ["id": padID], id: 3).error == nil)
        let cardClient = try daemon.client(), padClient = try daemon.client()
        let card = try #require(cardClient.call("device.capture.begin", params: ["kind": "card"]).result["capture"] as? String)
        let sign = try #require(padClient.call("device.capture.begin", params: ["kind": "signature"]).result["capture"] as? String)
        let done = try event(cardClient, "capture.done", capture: card)  // typed at 3.5 s
        #expect((done["masked"] as? [String: Any])?["last4"] as? String == "1111")
        _ = try event(padClient, "capture.progress", capture: sign)
        // The stroke's 60 reports have all arrived (it has no lift, so no final progress event).
        try waitForReports(tech, padID, count: 60)
        #expect(try padClient.call("device.capture.finish", params: ["capture": sign], id: 2).error == nil)
        let signed = try event(padClient, "capture.done", capture: sign, timeout: 10)
        #expect((signed["points"] as? Int ?? 0) > 0)
        #expect(cardClient.events.allSatisfy { ($0["params"] as? [String: Any])?["capture"] as? String != sign })
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("4111111111111111"))
    }
}
