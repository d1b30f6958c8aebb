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
            case .receiptPrinter:
                #expect(driver.kind == .receiptPrinter && driver.emulation == .receiptPrinter, "\(driver.driverName)")
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

/// The receipt printer driver: Epson TM ids, and any printer whose IEEE 1284 id says ESC/POS.
@Suite("printer driver")
struct PrinterDriverTests {
    @Test("Epson TM printers match the ESC/POS driver; Epson's other products do not")
    func epsonIDs() {
        for pid: UInt16 in [0x0202, 0x0e02, 0x0e03, 0x0e15, 0x0e21, 0x0e27, 0x0e28] {
            let entry = SupportedDevices.match(vendorID: 0x04b8, productID: pid)
            #expect(entry?.driver == "escpos-printer" && entry?.kind == .receiptPrinter, "04b8:\(String(pid, radix: 16))")
        }
        // A Perfection scanner and an inkjet: Epson makes much more than TM printers.
        #expect(SupportedDevices.match(vendorID: 0x04b8, productID: 0x0131) == nil)
        #expect(SupportedDevices.match(vendorID: 0x04b8, productID: 0x1129) == nil)
        #expect(DeviceDrivers.named("escpos-printer") == ESCPOSPrinterDriver.self)
        #expect(SupportedDevice.Kind.receiptPrinter.rawValue == "receipt_printer")
    }

    @Test("IEEE 1284 ids that name ESC/POS, with short or long keys in any case")
    func speaksESCPOS() {
        for id in ["MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V-JPN;CLS:PRINTER;DES:EPSON TM-T88V;CID:EpsonTM00000101;",
                   "MFG:EPSON;CMD:ESCPOS;MDL:TM-T20II;CLS:PRINTER;",
                   "MANUFACTURER:Star Micronics;COMMAND SET:STAR,ESCPOS;MODEL:TSP143;",
                   "manufacturer: Xprinter ; command set : PCL, esc/pos ; model: XP-80C",
                   "cmd:Esc-Pos", "CMD:ESC/POS"] {
            #expect(ESCPOSPrinterDriver.speaksESCPOS(deviceID: id), "\(id)")
        }
        let parsed = IEEE1284DeviceID("MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V-JPN;CLS:PRINTER;")
        #expect(parsed.manufacturer == "EPSON" && parsed.model == "TM-T88V-JPN" && parsed.commandSet == ["ESC/POS"])
        #expect(IEEE1284DeviceID("MODEL:TSP143;MDL:other").model == "TSP143")
    }

    @Test("no ESC/POS: missing CMD, Epson's inkjet languages, the name elsewhere, garbage")
    func notESCPOS() {
        var rng = SplitMix64(seed: 1284)
        let random = (0..<200).map { _ in
            String(decoding: (0..<Int.random(in: 0...80, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, as: UTF8.self)
        }
        for id in ["MFG:HP;MDL:LaserJet 400;CLS:PRINTER;", "MFG:EPSON;CMD:ESCPL2,BDC,D4,D4PX,ESCPR7,END4;MDL:XP-4100;",
                   "CMD:ESC/P", "CMD:ESC/P2,ESC/P-R", "MFG:EPSON;DES:ESC/POS printer;MDL:TM;", "ESC/POS", "CMD ESC/POS",
                   "", ";;;", ":::", "CMD:", ":ESC/POS", "\u{0}\u{1B}CMD:\u{0}", String(repeating: "CMD:;", count: 10_000)] + random {
            #expect(!ESCPOSPrinterDriver.speaksESCPOS(deviceID: id), "\(id.prefix(60))")
        }
    }

    @Test("code page: from the id when it names one, else PC858")
    func codePage() {
        #expect(ESCPOSPrinterDriver.codePage(deviceID: nil) == .cp858)
        #expect(ESCPOSPrinterDriver.codePage(deviceID: "MFG:EPSON;CMD:ESC/POS;MDL:TM-T20III;") == .cp858)
        #expect(ESCPOSPrinterDriver.codePage(deviceID: "MFG:X;CMD:ESC/POS;CP:WPC1252;") == .cp1252)
        #expect(ESCPOSPrinterDriver.codePage(deviceID: "CMD:ESC/POS;CHARSET:WINDOWS-1252,PC858;") == .cp858)
        #expect(ESCPOSPrinterDriver.codePage(deviceID: "garbage") == .cp858)
        #expect(PrinterCodePage.cp858.escposTable == 19 && PrinterCodePage.cp1252.escposTable == 16)
    }
}

extension DriverSetup {
    /// For the assertions above: whether a reader's swipe is finished on an idle gap.
    var idleFlush: Bool? {
        if case .cardReader(_, let idleFlush, _) = self { return idleFlush }
        return nil
    }
}
