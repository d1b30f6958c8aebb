import Foundation
import Testing
@testable import KioskDevices

/// docs/SUPPORTED-DEVICES.md is generated from the driver table, like the udev rules.
@Suite("supported devices doc")
struct SupportedDevicesDocTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `make supported-devices` (KIOSK_WRITE_SUPPORTED_DEVICES=1) writes it.
    @Test("docs/SUPPORTED-DEVICES.md is generated from the driver table")
    func generated() throws {
        try expectGenerated(SupportedDevicesTable.markdown, path: "docs/SUPPORTED-DEVICES.md", variable: "KIOSK_WRITE_SUPPORTED_DEVICES",
                            target: "supported-devices", suite: "SupportedDevicesDocTests")
    }

    @Test("one row per id table entry and access-only product, and the id-less printers and pens")
    func rows() {
        let rows = SupportedDevicesTable.markdown.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Kind") && !$0.hasPrefix("| ---") }
        #expect(rows.count == SupportedDevices.all.count + UdevRules.accessOnly.count + 2)
        #expect(rows.contains("| receipt printer | Epson (04b8) | 0e28 | Epson TM-T20III | `escpos-printer` |"))
        #expect(rows.contains("| card reader | MagTek (0801) | 0013 | insert | none (udev access only) |"))
        #expect(rows.contains { $0.contains("whose IEEE 1284 id names ESC/POS") && $0.hasSuffix("| `escpos-printer` |") })
        for device in SupportedDevices.all {
            #expect(rows.contains { $0.contains("| \(device.name) | `\(device.driver)` |") }, "\(device.name)")
        }
        #expect(SupportedDevicesTable.row(.cardReader, vendor: 0x1234, product: nil, model: "a|b", driver: "d")
                == "| card reader | 1234 | any | a\\|b | d |")
    }

    @Test("README and ARCHITECTURE link the table")
    func linked() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        let architecture = try String(contentsOf: Self.root.appendingPathComponent("docs/ARCHITECTURE.md"), encoding: .utf8)
        #expect(readme.contains("(docs/SUPPORTED-DEVICES.md)"))
        #expect(architecture.contains("(SUPPORTED-DEVICES.md)"))
    }
}
