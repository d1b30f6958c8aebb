import Foundation
import Testing
@testable import KioskDevices

/// udev/70-kioskpay.rules gives group kiosk access to every supported device, and only that.
@Suite("udev rules")
struct UdevRulesTests {
    static var rulesURL: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("udev/70-kioskpay.rules")
    }

    static var rules: String { (try? String(contentsOf: rulesURL, encoding: .utf8)) ?? "" }

    /// The checked-in file is what the drivers' declarations generate, byte for byte.
    /// `make udev-rules` (KIOSK_WRITE_UDEV_RULES=1) writes it.
    @Test("udev/70-kioskpay.rules is generated from the driver table")
    func generated() throws {
        try expectGenerated(UdevRules.text, path: "udev/70-kioskpay.rules", variable: "KIOSK_WRITE_UDEV_RULES",
                            target: "udev-rules", suite: "UdevRulesTests")
    }

    /// (vendor pattern, product pattern or nil) from each matching line of one section.
    static func matches(attribute: String) -> [(String, String?)] {
        rules.split(separator: "\n").compactMap { line -> (String, String?)? in
            guard !line.hasPrefix("#"), let vendor = value(of: "\(attribute){idVendor}==", in: line) else { return nil }
            return (vendor, value(of: "\(attribute){idProduct}==", in: line))
        }
    }

    static func value(of key: String, in line: Substring) -> String? {
        guard let range = line.range(of: key) else { return nil }
        return line[range.upperBound...].split(separator: "\"", omittingEmptySubsequences: false).dropFirst().first.map(String.init)
    }

    /// udev's glob subset used in the file: alternatives with |, [a-b] classes, literal hex.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        pattern.split(separator: "|").contains { alternative in
            let p = Array(alternative), t = Array(text)
            var i = 0, j = 0
            while i < p.count && j < t.count {
                if p[i] == "[", let close = p[i...].firstIndex(of: "]") {
                    let set = p[(i + 1)..<close]
                    let ok = set.count == 3 && set[set.startIndex + 1] == "-"
                        ? (set.first!...set.last!).contains(t[j]) : set.contains(t[j])
                    guard ok else { return false }
                    i = close + 1; j += 1
                } else {
                    guard p[i] == t[j] else { return false }
                    i += 1; j += 1
                }
            }
            return i == p.count && j == t.count
        }
    }

    @Test("every supported VID/PID is covered, for the usb device and its hidraw/input nodes")
    func coverage() {
        #expect(!Self.rules.isEmpty)
        for attribute in ["ATTR", "ATTRS"] {
            let lines = Self.matches(attribute: attribute)
            #expect(!lines.isEmpty)
            for device in SupportedDevices.all {
                let vid = String(format: "%04x", device.vendorID)
                let pid = device.productID.map { String(format: "%04x", $0) }
                let covered = lines.contains { vendor, product in
                    Self.glob(vendor, matches: vid) && (product == nil || (pid != nil && Self.glob(product!, matches: pid!)))
                }
                #expect(covered, "\(attribute): \(device.name) \(vid):\(pid ?? "*") is not in udev/70-kioskpay.rules")
            }
        }
    }

    @Test("access goes to group kiosk, never the world; autosuspend off; probes kept away")
    func policy() {
        let rules = Self.rules
        #expect(rules.contains(#"GROUP="kiosk""#))
        #expect(!rules.contains(#"MODE="0666""#) && !rules.contains(#"MODE="0664""#))
        #expect(rules.contains(#"ATTR{power/control}="on""#))
        #expect(rules.contains(#"ENV{ID_MM_DEVICE_IGNORE}="1""#) && rules.contains(#"ENV{LIBINPUT_IGNORE_DEVICE}="1""#))
    }

    @Test("Epson: only the TM printer ids; any printer-class interface for other makers")
    func printers() throws {
        let epson = Self.matches(attribute: "ATTR").filter { $0.0 == "04b8" }
        #expect(epson.count == 1)
        let products = try #require(epson.first?.1).split(separator: "|").map(String.init)
        #expect(Set(products) == Set(ESCPOSPrinterDriver.models.compactMap(\.productID).map { String(format: "%04x", $0) }))
        let lines = Self.rules.split(separator: "\n")
        let epsonLine = try #require(lines.first { $0.contains(#"ATTR{idVendor}=="04b8""#) })
        #expect(epsonLine.hasSuffix(#"ENV{KIOSKPAY_DEVICE}="receipt-printer""#))
        // The generic rule is in the USB section (before the policy lines), matched on the
        // interface list usb_id imports, and explained.
        let generic = try #require(lines.firstIndex { $0.contains(#"ENV{ID_USB_INTERFACES}=="*:0701??:*""#) })
        #expect(lines[generic].contains(#"ENV{DEVTYPE}=="usb_device""#) && lines[generic].hasSuffix(#"ENV{KIOSKPAY_DEVICE}="receipt-printer""#))
        #expect(generic < lines.firstIndex(of: #"MODE="0660", GROUP="kiosk""#)!)
        #expect(lines[generic - 3].contains("IEEE 1284") || lines[generic - 2].contains("IEEE 1284"))
    }

    @Test("the glob helper itself")
    func globs() {
        #expect(Self.glob("00a[1-9]", matches: "00a5"))
        #expect(!Self.glob("00a[1-9]", matches: "00b5"))
        #expect(Self.glob("0001|0002", matches: "0002"))
        #expect(!Self.glob("0001|0002", matches: "0003"))
    }

    @Test("VID/PID matching finds drivers")
    func match() {
        #expect(SupportedDevices.match(vendorID: 0x0801, productID: 0x0002)?.driver == "magtek-hid")
        #expect(SupportedDevices.match(vendorID: 0x06a8, productID: 0x1234)?.kind == .signaturePad)
        #expect(SupportedDevices.match(vendorID: 0x1234, productID: 0x0001) == nil)
        #expect(SupportedDevices.match(vendorID: 0x04b8, productID: 0x0e28)?.driver == "escpos-printer")
    }
}
