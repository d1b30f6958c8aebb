/// What the capture pipeline needs from any signature pad's driver: the pen sample in an input
/// report, or nil for a report that carries none. The generic HID digitizer and the Wacom STU
/// driver both conform, so the device manager treats every pad alike. Mutating, because some
/// pads carry state from report to report (a Topaz pad sends pressure in packets of its own).
public protocol PadDecoder: Sendable {
    mutating func sample(from report: [UInt8]) -> PenSample?
}

/// The generic signature-pad driver's core: any HID digitizer, understood from its report
/// descriptor alone (X/Y plus tip switch or pressure), with no per-model tables.
public struct PenDecoder: PadDecoder {
    public static let driverName = "hid-digitizer"
    public let profile: DigitizerProfile

    /// nil when the descriptor describes no pen (no absolute X/Y with a tip or pressure).
    public init?(descriptor: [UInt8]) {
        guard let parsed = try? HIDReportDescriptor(descriptor), let profile = DigitizerProfile.detect(in: parsed) else { return nil }
        self.profile = profile
    }

    /// The pen sample in `report`, or nil when the report is not a pen report.
    public func sample(from report: [UInt8]) -> PenSample? {
        guard let hid = profile.sample(from: report) else { return nil }
        return PenSample(x: hid.x, y: hid.y, pressure: hid.pressure, tipDown: hid.tipDown)
    }
}

extension PenDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.signaturePad
    /// Pads listed by VID/PID; any other HID device whose descriptor describes a pen is taken too.
    public static let models = [DeviceModel(vendorID: 0x04df, productID: 0x0012, name: "ePadLink ePad")]
    public static let setup = DriverSetup.hidDigitizer
    public static let emulation = DriverEmulation.penReports
}
