import Foundation
import Testing

extension USBDaemonTests {
    @Test("unlisted HID digitizers: descriptor from sysfs while usbhid holds them, else by control request; other HID left alone")
    func unlistedDigitizers() throws {
        let daemon = try daemon("usb-unlisted", scenario: "digitizers-unlisted.json")
        let tech = try daemon.client()
        let waltop = "serial:WALTOP-0001", wp1062 = "serial:UCL-0001"
        #expect(try waitFor(tech, waltop) { $0 != nil }?["driver"] as? String == "hid-digitizer")
        #expect(try waitFor(tech, wp1062) { $0 != nil }?["driver"] as? String == "hid-digitizer")
        let ids = try devices(tech).compactMap { $0["id"] as? String }
        #expect(!ids.contains("serial:KBD-0001") && !ids.contains("serial:UCL-0002"), "\(ids)")

        // The pad found through sysfs works: usbhid was detached when kioskd claimed it.
        #expect(try tech.call("device.allow", params: ["id": waltop], id: 2).error == nil)
        let front = try daemon.client()
        let begin = try front.call("device.capture.begin", params: ["kind": "signature", "device": waltop])
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        try waitForReports(tech, waltop, count: 4)
        #expect(try front.call("device.capture.finish", params: ["capture": capture], id: 2).error == nil)
        #expect(try event(front, "capture.done", capture: capture)["points"] as? Int == 3)
        #expect(daemon.stop() == 0)

        let log = daemon.log
        #expect(log.contains("HID report descriptor read from sysfs") && log.contains("usb=\"172f:0032\""), "\(log)")
        #expect(!log.contains("waltop: GET_DESCRIPTOR(0x22)"), "the descriptor must come from sysfs, not the device")
        #expect(log.contains("waltop: sysfs hid device removed (usbhid unbound)"), "\(log)")
        #expect(log.contains("wp1062: GET_DESCRIPTOR(0x22)"), "no driver bound: the control request is the way")
        #expect(!log.contains("keyboard: interface 0 claimed") && !log.contains("keyboard: GET_DESCRIPTOR(0x22)"),
                "a HID device that is not a pen is never claimed nor asked: \(log)")
        #expect(log.contains("hidden: control request to interface 0 refused (EBUSY)") && !log.contains("hidden: interface 0 claimed"), "\(log)")
        // The only warning allowed is the start-up one about the back-office key, which the
        // test installs after start.
        let warnings = log.split(separator: "\n").filter { $0.contains("level=warning") && !$0.contains("no back-office key is installed") }
        #expect(!log.contains("USB device failed") && warnings.isEmpty, "\(log)")
    }
}
