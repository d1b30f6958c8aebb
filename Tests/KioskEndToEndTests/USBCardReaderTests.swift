#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

extension USBDaemonTests {
    @Test("MagTek HID reader (337-byte reports) over USB: the masked card only; no PAN or track in the log")
    func magTekHID() throws {
        let daemon = try daemon("usb-magtek", scenario: "magtek-hid-swipe.json")
        let id = "serial:MTHID-0001"
        let client = try daemon.client()
        // The discarded second swipe announces itself (swipe.unclaimed), which tells the test when
        // a capture.done for it would have come.
        _ = try client.call("events.subscribe", params: ["types": ["swipe.unclaimed"]], id: 1)
        let reader = try waitFor(client, id) { $0 != nil }
        #expect(reader?["driver"] as? String == "magtek-hid")
        #expect(reader?["kind"] as? String == "card_reader")
        #expect(reader?["vendor_id"] as? Int == 0x0801 && reader?["product_id"] as? Int == 0x0002)
        #expect(try client.call("device.allow", params: ["id": id], id: 2).error == nil)
        let begin = try client.call("device.capture.begin", params: ["kind": "card"], id: 3)
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        let done = try event(client, "capture.done", capture: capture)  // swiped at 2.5 s
        let masked = done["masked"] as? [String: Any]
        #expect(masked?["last4"] as? String == "1111")
        #expect(masked?["first6"] as? String == "411111")
        #expect(masked?["brand"] as? String == "visa")
        #expect(masked?["expiry"] as? String == "2028-12")
        #expect(masked?["name"] as? String == "JOHN DOE")
        #expect(!"\(done)".contains("4111111111111111"))
        // The second swipe (4.5 s) has no capture: discarded, never delivered. kioskd announces
        // the discard in the same step that would have sent a capture.done, so once the
        // swipe.unclaimed event is read, any capture.done would already be in `events`.
        let unclaimed = try client.nextEvent("swipe.unclaimed", timeout: 15)
        #expect((unclaimed["device"] as? [String: Any])?["id"] as? String == id)
        #expect(client.events.allSatisfy { ($0["params"] as? [String: Any])?["type"] as? String != "capture.done" }, "\(client.events)")
        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(log.contains("swipe with no capture in progress discarded"), "\(log)")
        for secret in ["4111111111111111", "DOE/JOHN", "2812101", "34313131"] {  // PAN, name, discretionary data, PAN in hex
            #expect(!log.contains(secret), "\(secret) appears in the log")
        }
        #expect(!log.contains("USB device failed") && !log.contains("level=error"), "\(log)")
    }
}
