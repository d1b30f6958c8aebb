/// USB receipt printers that speak ESC/POS: Epson's TM models by id, and any printer-class
/// device (interface class 7, subclass 1) whose IEEE 1284 device id names ESC/POS as its
/// command set. kioskd reads that id (printer class GET_DEVICE_ID) before it sends a byte, so
/// an office printer that udev's generic printer rule also gives to group kiosk is never
/// printed on.
///
/// Product ids, from Epson's technical reference guides ("USB descriptor" tables) where one
/// was found, otherwise from lsusb reports of the printers in the wild:
/// - 0202: every TM in the USB vendor-defined class (TM-T88IV, and the TM-T20III/TM-T88VI
///   when set to it) — TM-T20III and TM-T88VI TRGs;
/// - 0e02: TM-T88V, printer class (lsusb with its 1284 id "MFG:EPSON;CMD:ESC/POS;MDL:TM-T88V…");
/// - 0e03: TM-T20 (python-escpos users' device lists);
/// - 0e15: TM-T20II (lsusb reports, TM-T20II projects);
/// - 0e21: TM-T88VI, printer class — TM-T88VI TRG;
/// - 0e27: TM-T20IIIL, printer class — TM-T20IIIL TRG;
/// - 0e28: TM-T20III, printer class — TM-T20III TRG.
public struct ESCPOSPrinterDriver: DeviceDriver {
    public static let epsonVendorID: UInt16 = 0x04b8
    public static let driverName = "escpos-printer"
    public static let kind = SupportedDevice.Kind.receiptPrinter
    public static let models = [
        DeviceModel(vendorID: epsonVendorID, productID: 0x0202, name: "Epson TM printer, vendor class (TM-T88IV, TM-T20III, TM-T88VI)"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e02, name: "Epson TM-T88V"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e03, name: "Epson TM-T20"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e15, name: "Epson TM-T20II"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e21, name: "Epson TM-T88VI"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e27, name: "Epson TM-T20IIIL"),
        DeviceModel(vendorID: epsonVendorID, productID: 0x0e28, name: "Epson TM-T20III"),
    ]
    public static let setup = DriverSetup.receiptPrinter
    public static let emulation = DriverEmulation.receiptPrinter

    /// The USB printer class and its printer subclass: the devices taken by their 1284 id.
    public static let printerInterfaceClass: UInt8 = 7
    public static let printerInterfaceSubclass: UInt8 = 1

    /// Whether an IEEE 1284 device id ("MFG:EPSON;CMD:ESC/POS;MDL:TM-T20II;CLS:PRINTER;") names
    /// ESC/POS in its command set (CMD or COMMAND SET; "ESC/POS", "ESCPOS", any case). Epson's
    /// inkjet languages (ESC/P, ESC/P-R, ESC/P2) do not count.
    public static func speaksESCPOS(deviceID: String) -> Bool {
        IEEE1284DeviceID(deviceID).speaksESCPOS
    }

    /// The code page to print in: the one the id names (a field mentioning 1252 or 858), else
    /// PC858 (see `PrinterCodePage` for why).
    public static func codePage(deviceID: String?) -> PrinterCodePage {
        deviceID.map { IEEE1284DeviceID($0).codePage } ?? .cp858
    }
}

/// An IEEE 1284 device id: "KEY:value;KEY:value;…". Keys are matched without case and by their
/// long or short name (MANUFACTURER/MFG, MODEL/MDL, COMMAND SET/CMD, CLASS/CLS,
/// DESCRIPTION/DES). Anything that does not parse is skipped, never fatal.
public struct IEEE1284DeviceID: Sendable, Equatable {
    /// Every field, keys upper-cased and trimmed, short names spelled out.
    public let fields: [String: String]

    static let aliases = ["MFG": "MANUFACTURER", "MDL": "MODEL", "CMD": "COMMAND SET", "CLS": "CLASS", "DES": "DESCRIPTION"]

    public init(_ text: String) {
        var fields: [String: String] = [:]
        for field in text.split(separator: ";") {
            guard let colon = field.firstIndex(of: ":") else { continue }
            let key = field[..<colon].trimmingWhitespace.uppercased()
            let value = String(field[field.index(after: colon)...].trimmingWhitespace)
            guard !key.isEmpty else { continue }
            // The first of a repeated key wins, as in CUPS' backend.
            let name = Self.aliases[key] ?? key
            if fields[name] == nil { fields[name] = value }
        }
        self.fields = fields
    }

    public var manufacturer: String? { fields["MANUFACTURER"] }
    public var model: String? { fields["MODEL"] }
    /// The command set's entries ("ESC/POS", "PCL", …).
    public var commandSet: [String] {
        (fields["COMMAND SET"] ?? "").split(separator: ",").map { String($0.trimmingWhitespace) }.filter { !$0.isEmpty }
    }

    public var speaksESCPOS: Bool {
        commandSet.contains { entry in
            entry.uppercased().filter { $0.isLetter || $0.isNumber }.contains("ESCPOS")
        }
    }

    /// CP1252 when a field names Windows-1252/WPC1252 and none names 858; else CP858.
    public var codePage: PrinterCodePage {
        let values = fields.values.map { $0.uppercased() }
        if values.contains(where: { $0.contains("858") }) { return .cp858 }
        if values.contains(where: { $0.contains("1252") }) { return .cp1252 }
        return .cp858
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var s = self
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
