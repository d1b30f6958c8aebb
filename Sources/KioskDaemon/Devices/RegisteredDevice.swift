import Foundation
import KioskCore
import KioskDevices
import KioskProtocol

/// A device present on the kiosk: what `device.list` shows, its driver's decoder and what the
/// technician's `device.test` reports.
struct RegisteredDevice {
    var info: DeviceInfo
    var cardDecoder: (any CardReaderDecoder)?
    var pad: (any PadDecoder)?
    let emulated: Bool
    /// The capture running on it, if any.
    var capture: String?
    /// The HID report descriptor, when the device has one (pads; HID readers).
    let descriptor: [UInt8]?
    var reportsReceived = 0
    var decodeFailures = 0
    var lastReportAt: Date?
    /// Where capture begin/end is announced to the transport (pads with a screen).
    let signals: AsyncStream<CaptureSignal>.Continuation?
    /// A receipt printer's line to the device, and what it said when last asked.
    var printer: (any PrinterChannel)?
    var printerStatus: PrinterStatus?
    var printerCheckedAt: Date?
    var printing = false

    /// "card reader", "signature pad" or "receipt printer", for sentences.
    var noun: String { Self.noun(info.kind) }

    static func noun(_ kind: DeviceInfo.Kind) -> String {
        switch kind {
        case .cardReader: "card reader"
        case .signaturePad: "signature pad"
        case .receiptPrinter: "receipt printer"
        }
    }

    /// `device.describe`: the device's report descriptor as a technician reads it.
    func describe() throws -> DescriptorSummary {
        guard let bytes = descriptor else {
            throw RPCError.app(.notFound, "\(info.id.prefix(64)) (\(info.driver)) has no HID report descriptor to describe")
        }
        do { return DescriptorSummary(try HIDReportDescriptor(bytes)) } catch {
            throw RPCError.app(.deviceUnavailable, "the device's report descriptor cannot be parsed: \(error.description)")
        }
    }

    /// `device.test`: what has arrived from the device, and a verdict a technician can act on.
    func test() -> DeviceTestResult {
        let action = info.kind == .cardReader ? "swipe a card" : "draw on the pad"
        let verdict: String
        if !info.allowed {
            verdict = "present but not allowed: run kioskctl device allow \(info.id)"
        } else if reportsReceived == 0 {
            verdict = "allowed and ready, but no report has arrived yet: \(action), then run the test again"
        } else if decodeFailures > 0 {
            verdict = "reports arrive, but \(decodeFailures) could not be decoded: clean the reader head or try another card"
        } else {
            verdict = "working: \(reportsReceived) reports received and decoded"
        }
        return DeviceTestResult(device: info, reportsReceived: reportsReceived, decodeFailures: decodeFailures,
                                lastReportAt: lastReportAt.map { Instant($0).description }, verdict: verdict)
    }
}
