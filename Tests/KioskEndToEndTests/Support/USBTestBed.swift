#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The real kioskd with its real USB transport, run inside the umockdev test bed:
/// `kiosk-usb-harness SCENARIO -- kioskd …`, so libusb hotplug, descriptor reads and interrupt
/// transfers all happen for real and only the kernel side is emulated (Tests/Fixtures/usb).
/// The set-up every USB*Tests file shares.
enum USBTestBed {
    /// umockdev's preload library must be installed (CI: `apt-get install umockdev libumockdev-dev`).
    static var available: Bool {
        let dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        return dirs.contains { FileManager.default.fileExists(atPath: "\($0)/libumockdev-preload.so.0") }
            && FileManager.default.fileExists(atPath: Products.usbHarness)
    }
}

extension USBDaemonTests {
    /// kioskd under the harness playing `scenario`, with a back-office key installed.
    func daemon(_ label: String, scenario: String) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, wrapper: [Products.usbHarness, FixtureFiles.path("usb/\(scenario)"), "--"])
        try daemon.provisionBackOfficeKey()
        return daemon
    }

    func devices(_ client: RawClient) throws -> [[String: Any]] {
        try client.call("device.list").result["devices"] as? [[String: Any]] ?? []
    }

    /// Polls device.list until `predicate` holds for the device `id` (nil: absent).
    func waitFor(_ client: RawClient, _ id: String, timeout: TimeInterval = 10,
                 _ predicate: ([String: Any]?) -> Bool) throws -> [String: Any]? {
        let deadline = Date().addingTimeInterval(timeout)
        var device: [String: Any]?
        repeat {
            device = try devices(client).first { $0["id"] as? String == id }
            if predicate(device) { return device }
            usleep(50_000)
        } while Date() < deadline
        Issue.record("device \(id) did not reach the expected state; last seen: \(String(describing: device))")
        return device
    }

    /// The next `type` event for `capture` (progress events of an earlier capture may be queued).
    func event(_ client: RawClient, _ type: String, capture: String, timeout: TimeInterval = 15) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let event = try client.nextEvent(type, timeout: max(0.1, deadline.timeIntervalSinceNow))
            if event["capture"] as? String == capture { return event }
        }
    }

    /// Waits for the `capture.progress` event that reports at least `points` points: kioskd sends
    /// one at every pen lift, so a stroke's lift brings its full count.
    func progressReaching(_ client: RawClient, capture: String, points: Int, timeout: TimeInterval = 15) throws -> [String: Any] {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let event = try event(client, "capture.progress", capture: capture, timeout: max(0.1, deadline.timeIntervalSinceNow))
            if (event["points"] as? Int ?? 0) >= points { return event }
        }
    }

    /// Polls device.test until the device has received `count` reports (so Done is pressed only
    /// after the scenario's pen reports have all arrived).
    func waitForReports(_ client: RawClient, _ id: String, count: Int, timeout: TimeInterval = 15,
                        interval: TimeInterval = 0.05) throws {
        let deadline = Date().addingTimeInterval(timeout)
        var received = 0
        repeat {
            received = try client.call("device.test", params: ["id": id], id: 90).result["reports_received"] as? Int ?? 0
            if received >= count { return }
            usleep(useconds_t(interval * 1_000_000))
        } while Date() < deadline
        Issue.record("\(id) received \(received) reports, expected \(count)")
    }
}
