/// What the capture pipeline needs from any signature pad's driver: the pen sample in an input
/// report, or nil for a report that carries none. The generic HID digitizer and the Wacom STU
/// driver both conform, so the device manager treats every pad alike.
public protocol PadDecoder: Sendable {
    func sample(from report: [UInt8]) -> PenSample?
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
