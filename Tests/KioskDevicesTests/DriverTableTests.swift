import Foundation
import Testing
@testable import KioskDevices

/// The drivers' declarations: every id table entry names a driver this build has, and the
/// table matches as the transport expects.
@Suite("driver table")
struct DriverTableTests {
    /// The Topaz defect: the id table named "topaz-hid" while the decoder is
    /// "topaz-hsb-experimental", so the daemon never used it. Failed before the table was built
    /// from the drivers' declarations.
    @Test("a Topaz pad (06a8) matches the Topaz decoder")
    func topazMatchesItsDecoder() {
        #expect(SupportedDevices.match(vendorID: 0x06a8, productID: 0x0043)?.driver == TopazHIDDecoder.driverName)
    }

    @Test("every id table entry names a driver of this build, with that driver's kind")
    func entriesResolve() {
        for entry in SupportedDevices.all {
            let driver = DeviceDrivers.named(entry.driver)
            #expect(driver != nil, "\(entry.name) names \(entry.driver), which no driver declares")
            #expect(driver?.kind == entry.kind, "\(entry.name)")
        }
    }

    @Test("driver names are unique, and no two drivers claim the same VID/PID")
    func unique() {
        let names = DeviceDrivers.all.map { $0.driverName }
        #expect(Set(names).count == names.count, "\(names)")
        let ids = SupportedDevices.all.map { "\($0.vendorID):\($0.productID.map(String.init) ?? "*")" }
        #expect(Set(ids).count == ids.count, "\(ids)")
        for entry in SupportedDevices.all where entry.productID != nil {
            #expect(!SupportedDevices.all.contains { $0.vendorID == entry.vendorID && $0.productID == nil },
                    "\(entry.name) is shadowed by a whole-vendor entry")
        }
    }

    @Test("each driver's setup fits its kind")
    func setupFitsKind() {
        for driver in DeviceDrivers.all {
            switch driver.setup {
            case .cardReader(let length, _, let decoder):
                #expect(driver.kind == .cardReader && length > 0, "\(driver.driverName)")
                #expect(type(of: decoder()).driverName == driver.driverName, "\(driver.driverName)'s setup makes another driver's decoder")
            case .fixedFormatPad, .hidDigitizer, .wacomSTUHost:
                #expect(driver.kind == .signaturePad, "\(driver.driverName)")
            }
        }
    }

    @Test("the table is the drivers' declarations, in order (matching takes the first entry)")
    func tableFromDeclarations() {
        #expect(SupportedDevices.all.map(\.driver) == DeviceDrivers.all.flatMap { d in d.models.map { _ in d.driverName } })
        #expect(SupportedDevices.match(vendorID: 0x056a, productID: 0x00a4)?.driver == WacomSTUDecoder.driverName)
        #expect(SupportedDevices.match(vendorID: 0x056a, productID: 0x0300) == nil, "Wacom tablets are not STU pads")
        #expect(SupportedDevices.match(vendorID: 0x0801, productID: 0x0001)?.driverType.setup.idleFlush == true)
        #expect(SupportedDevices.match(vendorID: 0x0801, productID: 0x0002)?.driverType.setup.idleFlush == false)
    }
}

extension DriverSetup {
    /// For the assertions above: whether a reader's swipe is finished on an idle gap.
    var idleFlush: Bool? {
        if case .cardReader(_, let idleFlush, _) = self { return idleFlush }
        return nil
    }
}
