import Foundation
import KioskDevices
import KioskProtocol

/// Emulated devices: the real drivers fed from memory instead of USB, so a person can try
/// the whole kiosk without hardware (`--demo`) and tests can drive captures end to end.
/// They are listed with driver `emulated-*` and are allowed by default only in demo mode.
enum EmulatedDevices {
    static let readerID = "emulated-reader-1"
    static let padID = "emulated-pad-1"

    static var reader: DeviceInfo {
        DeviceInfo(id: readerID, kind: .cardReader, driver: "emulated-\(KeyboardWedgeDecoder.driverName)",
                   vendorID: 0, productID: 0, serial: "EMU-READER-1", allowed: false, state: .attached)
    }

    /// Puts a track between its sentinels unless the technician already typed them.
    static func framed(_ track: String, start: Character) -> String {
        var text = track
        if text.first != start { text.insert(start, at: text.startIndex) }
        if text.last != "?" { text.append("?") }
        return text
    }
}

extension DeviceManager {
    /// Attaches the emulated readers, pad and receipt printer (whose bytes go to `printerOutput`) at start-up.
    func attachEmulatedDevices(printerOutput: String? = nil) {
        attach(EmulatedDevices.reader, cardDecoder: KeyboardWedgeDecoder(), emulated: true)
        attach(EmulatedSecureReader.info, cardDecoder: MagneSafeHIDDecoder(), emulated: true)
        if let pad = EmulatedPad.make() {
            attach(pad.info, pad: pad.decoder, descriptor: pad.descriptor, emulated: true)
        }
        if let printerOutput {
            attach(EmulatedPrinter.info, printer: EmulatedPrinter(output: URL(fileURLWithPath: printerOutput)), emulated: true)
        }
    }

    /// `device.emulate.swipe`: types the tracks into the emulated wedge reader, as its keyboard
    /// reports; the keyboard-wedge driver decodes them like any real swipe.
    func emulateSwipe(_ params: EmulateSwipeParams) async throws {
        guard params.track1 != nil || params.track2 != nil else {
            throw RPCError.invalidParams("invalid params: give track1, track2 or both", path: "params.track1")
        }
        let id = try emulatedDevice(params.device, kind: .cardReader)
        if id == EmulatedSecureReader.id {
            for track in [params.track1, params.track2] {
                guard let track, !track.isEmpty else { continue }
                guard track.utf8.count <= 110, track.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) else {
                    throw RPCError.invalidParams("invalid params: the tracks hold characters a magnetic stripe cannot carry, or are too long", path: "params")
                }
            }
            let report = try await secureReader.report(track1: params.track1.map { EmulatedDevices.framed($0, start: "%") },
                                                       track2: params.track2.map { EmulatedDevices.framed($0, start: ";") })
            await feed(id, report: report)
            return
        }
        var text = ""
        if let track1 = params.track1 { text += EmulatedDevices.framed(track1, start: "%") }
        if let track2 = params.track2 { text += EmulatedDevices.framed(track2, start: ";") }
        guard text.utf8.count <= 256, let reports = WedgeKeystrokes.reports(typing: Array(text.utf8)) else {
            throw RPCError.invalidParams("invalid params: the tracks hold characters a magnetic stripe cannot carry, or are too long", path: "params")
        }
        for report in reports { await feed(id, report: report) }
    }

    /// `device.emulate.sign`: draws the strokes on the emulated pad as HID pen reports.
    func emulateSign(_ params: EmulateSignParams) async throws {
        let id = try emulatedDevice(params.device, kind: .signaturePad)
        guard let pad = EmulatedPad.make() else {
            throw RPCError.app(.deviceUnavailable, "the emulated signature pad could not be built")
        }
        guard params.strokes.count <= 1_000, params.strokes.reduce(0, { $0 + $1.count }) <= 100_000 else {
            throw RPCError.invalidParams("invalid params: at most 1,000 strokes and 100,000 points", path: "params.strokes")
        }
        for (s, stroke) in params.strokes.enumerated() {
            for (p, point) in stroke.enumerated() {
                guard point.count == 3, point.allSatisfy({ $0.isFinite && (0...1).contains($0) }) else {
                    throw RPCError.invalidParams("invalid params: strokes[\(s)][\(p)] must be [x, y, pressure], each from 0 to 1",
                                                 path: "params.strokes[\(s)][\(p)]")
                }
            }
        }
        for report in pad.reports(drawing: params.strokes) { await feed(id, report: report) }
    }
}
