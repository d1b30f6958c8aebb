import KioskDevices
import KioskProtocol

/// The emulated signature pad: an ePadLink ePad's published report descriptor (VID 04df,
/// PID 0012), decoded by the generic HID-digitizer driver exactly as the real pad would be.
struct EmulatedPad {
    static let descriptorHex = "0600ff09ffa101150025010509090175019501810209028102050d0939a1020600ff1901290315012503950175038100c0050d093315002501750195018102093581027501810105010930350046002326500b651355fd751081020931460014265a058102050d0930457f257f6500550075078112750125018101c0"

    let info: DeviceInfo
    let descriptor: [UInt8]
    let decoder: PenDecoder
    let encoder: PenReportEncoder

    static func make() -> EmulatedPad? {
        guard let bytes = KioskProtocol.bytes(fromHex: descriptorHex), let decoder = PenDecoder(descriptor: bytes) else { return nil }
        let info = DeviceInfo(id: EmulatedDevices.padID, kind: .signaturePad, driver: "emulated-\(PenDecoder.driverName)",
                              vendorID: 0x04df, productID: 0x0012, serial: "EMU-PAD-1", allowed: false, state: .attached)
        return EmulatedPad(info: info, descriptor: bytes, decoder: decoder, encoder: PenReportEncoder(profile: decoder.profile))
    }

    func reports(drawing strokes: [[[Double]]]) -> [[UInt8]] { encoder.reports(drawing: strokes) }
}
