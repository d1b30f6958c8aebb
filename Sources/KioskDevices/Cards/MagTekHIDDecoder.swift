import Foundation

/// Card encode type reported by MagTek readers (byte 6 of the 337-byte report).
public enum MagTekCardEncodeType: UInt8, Sendable, Hashable {
    case isoABA = 0
    case aamva = 1
    /// Obsolete California driver licence (reserved on MagneSafe V5).
    case cadl = 2
    case blank = 3
    case other = 4
    case undetermined = 5
    case none = 6
}

/// Decoder for MagTek non-encrypting HID swipe readers (VID 0x0801 PID 0x0002, and
/// MagTek-compatible readers such as ID TECH PID 0x2020): one 337-byte input report per swipe,
/// no report ID.
///
/// | Offset | Size | Field |
/// |---|---|---|
/// | 0, 1, 2 | 1 each | track 1/2/3 decode status (bit 0 = read error; bits 1–7 reserved) |
/// | 3, 4, 5 | 1 each | track 1/2/3 data length (0 if blank or error) |
/// | 6 | 1 | card encode type |
/// | 7, 117, 227 | 110 each | track 1/2/3 data, ASCII SS..ES, zero padded |
///
/// Everything the device sends is checked before use: report length, lengths ≤ 110, no NUL inside a
/// track's stated length. A report that fails these checks is a failed swipe (`.unreadable`), never a
/// crash or an out-of-bounds read. Reports of the 856/887-byte MagneSafe V5 layouts are encrypted and
/// belong to another driver (`.unsupported`).
public struct MagTekHIDDecoder: CardReaderDecoder, CustomStringConvertible {
    public static let driverName = "magtek-hid"
    public static let reportLength = 337
    static let trackFieldLength = 110
    static let trackOffsets = [7, 117, 227]

    /// Card encode type of the last report decoded (nil before the first, or for a rejected report).
    public private(set) var lastEncodeType: MagTekCardEncodeType?

    public init() {}

    public var description: String { "MagTekHIDDecoder" }

    public mutating func reset() { lastEncodeType = nil }

    public mutating func consume(report: [UInt8]) -> CardReaderEvent? {
        lastEncodeType = nil
        guard report.count == Self.reportLength else {
            // 856/887: MagneSafe V5 encrypted layouts. Anything else: a truncated or foreign report
            // (e.g. the first 8-byte packet lost), so the swipe has to be repeated.
            return .failed(report.count == 856 || report.count == 887 ? .unsupported : .unreadable)
        }
        return report.withUnsafeBytes { r -> CardReaderEvent in
            var inputs: [TrackInput] = []
            for t in 0..<3 {
                let status = r[t]
                let length = Int(r[3 + t])
                let offset = Self.trackOffsets[t]
                if status & 0x01 != 0 {
                    inputs.append(.readerError)
                } else if length == 0 {
                    inputs.append(.absent)
                } else if length > Self.trackFieldLength {
                    return .failed(.unreadable)
                } else {
                    let range = offset..<offset + length
                    if range.contains(where: { r[$0] == 0 }) { return .failed(.unreadable) }
                    inputs.append(.data(SensitiveBytes(copying: r, range: range)))
                }
            }
            let type = MagTekCardEncodeType(rawValue: r[6])
            lastEncodeType = type
            switch type {
            case .aamva?, .cadl?:
                return .failed(.notAPaymentCard)
            default:
                // ISO/ABA, Other, Blank, Undetermined, or an unknown value: the tracks decide.
                return CardSwipe.assemble(track1: inputs[0], track2: inputs[1], track3: inputs[2],
                                          driverName: Self.driverName)
            }
        }
    }
}

extension MagTekHIDDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.cardReader
    public static let models = [DeviceModel(vendorID: 0x0801, productID: 0x0002, name: "MagTek USB HID swipe reader")]
    /// One report per swipe.
    public static let setup = DriverSetup.cardReader(reportLength: reportLength, idleFlush: false, decoder: { MagTekHIDDecoder() })
    public static let emulation = DriverEmulation.none
}
