import Foundation
import KioskDevices
import Testing

/// What a driver's recorded scenario (Tests/Fixtures/usb/*.json, its `driver_test` block) must
/// produce in kioskd: the device attached with that driver, and one capture through it.
struct DriverScenario: CustomStringConvertible {
    let file: String
    let driver: String
    let device: String
    let kind: String
    let vendorID: Int
    let productID: Int
    /// "card", "signature", or "test_page" for a printer (`device.test` prints one).
    let capture: String
    /// Card: the masked card's last four digits.
    let last4: String?
    /// Signature: the reports the scenario sends for the capture, and the points they make.
    let reports: Int?
    let points: Int?

    var description: String { "\(driver) (\(file))" }

    /// Every scenario that declares a driver test.
    static func all() throws -> [DriverScenario] {
        let directory = FixtureFiles.root.appendingPathComponent("usb")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            let json = try FixtureFiles.json("usb/\(file)")
            guard let test = json["driver_test"] as? [String: Any] else { return nil }
            func string(_ key: String) -> String? { test[key] as? String }
            func hex(_ key: String) -> Int { Int(string(key) ?? "", radix: 16) ?? -1 }
            return DriverScenario(file: file, driver: string("driver") ?? "", device: string("device") ?? "", kind: string("kind") ?? "",
                                  vendorID: hex("vid"), productID: hex("pid"), capture: string("capture") ?? "",
                                  last4: string("last4"), reports: test["reports"] as? Int, points: test["points"] as? Int)
        }
    }
}

extension USBDaemonTests {
    /// libfprint's rule: every driver has one recorded scenario, replayed through the real
    /// harness and the real libusb paths. A driver added to the table without one fails here.
    @Test("every driver in the table: its recorded USB scenario attaches it and completes a capture",
          arguments: DeviceDrivers.all.map { $0.driverName })
    func driverScenario(_ driver: String) throws {
        let scenarios = try DriverScenario.all().filter { $0.driver == driver }
        let scenario = try #require(scenarios.first, "\(driver) has no scenario in Tests/Fixtures/usb with a driver_test block")
        #expect(scenarios.count == 1, "one scenario per driver: \(scenarios)")
        let declared = try #require(DeviceDrivers.named(driver))
        #expect(scenario.kind == declared.kind.rawValue, "\(scenario)")

        let daemon = try daemon("usb-driver-\(driver)", scenario: scenario.file)
        let tech = try daemon.client()
        let device = try waitFor(tech, scenario.device) { $0 != nil }
        #expect(device?["driver"] as? String == driver, "\(String(describing: device))")
        #expect(device?["kind"] as? String == scenario.kind)
        #expect(device?["vendor_id"] as? Int == scenario.vendorID && device?["product_id"] as? Int == scenario.productID)
        #expect(try tech.call("device.allow", params: ["id": scenario.device], id: 2).error == nil)

        if scenario.capture == "test_page" {
            // A printer has no captures: its one job through the driver is the technician's test page.
            let test = try tech.call("device.test", params: ["id": scenario.device], id: 3)
            #expect((test.result["verdict"] as? String)?.hasPrefix("printed a test page") == true, "\(test)")
            #expect(daemon.stop() == 0)
            #expect(!daemon.log.contains("USB device failed") && !daemon.log.contains("level=error"), "\(daemon.log)")
            return
        }
        let front = try daemon.client()
        let begin = try front.call("device.capture.begin", params: ["kind": scenario.capture, "device": scenario.device])
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        if scenario.capture == "card" {
            let done = try event(front, "capture.done", capture: capture)
            #expect((done["masked"] as? [String: Any])?["last4"] as? String == scenario.last4, "\(done)")
        } else {
            try waitForReports(tech, scenario.device, count: scenario.reports ?? 1)
            #expect(try front.call("device.capture.finish", params: ["capture": capture], id: 2).error == nil)
            let done = try event(front, "capture.done", capture: capture)
            #expect(done["points"] as? Int == scenario.points, "\(done)")
        }
        #expect(daemon.stop() == 0)
        let log = daemon.log
        #expect(!log.contains("USB device failed") && !log.contains("level=error"), "\(log)")
        #expect(!log.contains("has no driver in this build"), "\(log)")
    }
}
