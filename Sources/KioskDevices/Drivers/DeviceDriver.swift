/// A reader, pad or printer driver, as libfprint's drivers declare themselves: its name, what it is,
/// the USB IDs it drives, how the transport sets a device up for it, and how an emulated
/// device speaks to it. `DeviceDrivers.all` lists the drivers; `SupportedDevices` (VID/PID
/// matching) and `udev/70-kioskpay.rules` (`UdevRules`) are built from these declarations, so a
/// new driver is its decoder, its declaration, its entry in `DeviceDrivers.all` and its recorded
/// USB scenario (docs/ARCHITECTURE.md, "How to add a device driver").
///
/// Declarations are data: the transport (in the daemon) reads `setup` and performs the steps,
/// so this module stays free of I/O and fuzzable alone.
public protocol DeviceDriver: Sendable {
    /// Stable name for `device.list`, configuration and logs, e.g. "keyboard-wedge".
    static var driverName: String { get }
    /// Card reader, signature pad or receipt printer.
    static var kind: SupportedDevice.Kind { get }
    /// The USB devices this driver is chosen for by VID/PID (its id table). May be empty for a
    /// driver chosen otherwise (the generic HID digitizer also takes any pen it finds).
    static var models: [DeviceModel] { get }
    /// What the transport does between opening the device and feeding its reports.
    static var setup: DriverSetup { get }
    /// How an emulated device produces this driver's reports.
    static var emulation: DriverEmulation { get }
}

/// One entry of a driver's id table.
public struct DeviceModel: Sendable, Equatable {
    public let vendorID: UInt16
    /// nil: every product of the vendor (Topaz makes only pads).
    public let productID: UInt16?
    /// The model as a person would name it ("MagTek MagneSafe (encrypting)").
    public let name: String

    public init(vendorID: UInt16, productID: UInt16?, name: String) {
        self.vendorID = vendorID; self.productID = productID; self.name = name
    }
}

/// The steps between opening a device and reading its reports, performed by the transport.
/// Every case claims interface 0 before reading (the kernel driver is detached then).
public enum DriverSetup: Sendable {
    /// A card reader: claim, then read reports of up to `reportLength` bytes (a shorter report
    /// ends its transfer with a short packet) into a fresh `decoder()`. `idleFlush`: a swipe
    /// spans several reports and is finished when the reader falls idle.
    case cardReader(reportLength: Int, idleFlush: Bool, decoder: @Sendable () -> any CardReaderDecoder)
    /// A pad whose pen reports have a fixed format: claim, then decode each report with a
    /// fresh `decoder()`. The HID report descriptor is read for diagnostics when the pad has one.
    case fixedFormatPad(decoder: @Sendable () -> any PadDecoder)
    /// Any HID digitizer: its report descriptor (usbhid's copy in sysfs while the kernel driver
    /// holds the interface, else a control request) must describe a pen, which `PenDecoder`
    /// then reads. Also the path for HID devices no id table lists.
    case hidDigitizer
    /// A Wacom STU: claim, then a `WacomSTUHost` session over feature reports sizes the decoder
    /// from the pad's capability and prepares the screen around every capture.
    case wacomSTUHost
    /// An ESC/POS receipt printer: claim interface 0, send `ESCPOSEncoder` bytes over its bulk
    /// OUT endpoint and read DLE EOT answers (`PrinterStatus`) from its bulk IN endpoint. A
    /// printer-class device no id table lists is taken only when its IEEE 1284 id says ESC/POS
    /// (`ESCPOSPrinterDriver.speaksESCPOS(deviceID:)`).
    case receiptPrinter
}

/// How an emulated device (`--demo`, tests) speaks to a driver.
public enum DriverEmulation: Sendable, Equatable {
    /// No emulation exists for this driver.
    case none
    /// Tracks typed as boot-keyboard reports (`WedgeKeystrokes`).
    case typedTracks
    /// Tracks encrypted by an emulated DUKPT reader, framed as this driver's reports
    /// (`MagneSafeReportEncoder`, `IDTechFrameEncoder`); the keys live with the emulator.
    case encryptedReports
    /// Strokes drawn as HID pen reports for a pad's descriptor (`PenReportEncoder`).
    case penReports
    /// A printer that records the ESC/POS bytes sent to it and answers DLE EOT with the status
    /// bytes its scenario sets (`PrinterStatus`).
    case receiptPrinter
}

/// Every driver in this build, in matching order: the first id table entry that matches a
/// device wins.
public enum DeviceDrivers {
    public static let all: [any DeviceDriver.Type] = [
        KeyboardWedgeDecoder.self,
        MagTekHIDDecoder.self,
        MagneSafeHIDDecoder.self,
        IDTechSecureMagDecoder.self,
        PenDecoder.self,
        TopazHIDDecoder.self,
        WacomSTUDecoder.self,
        ESCPOSPrinterDriver.self,
    ]

    /// The driver with that name, if this build has it.
    public static func named(_ name: String) -> (any DeviceDriver.Type)? {
        all.first { $0.driverName == name }
    }
}
