import Foundation

// EXPERIMENTAL — Topaz signature pads (VID 0x06A8).
//
// Topaz HSB pads are not plain HID digitizers: they tunnel the 5-byte packet protocol of
// the serial (BSB) pads through vendor HID reports, so `PenDecoder` cannot read them. Only
// reverse-engineered descriptions exist (signature-pads.md §4, confidence C); nothing here has
// been checked against hardware. Known and assumed:
//
// * Packet: byte 0 status — bit 7 sync (set in byte 0 only), bit 6 pen near, bits 4…2 type
//   (0/1/4 coordinates, 2 model/serial info, 7 pressure), bit 0 pen down; bytes 1…4 carry
//   X and Y as two 7-bit groups each (X = (b2 & 0x1F) << 7 | b1 & 0x7F, Y likewise from b3/b4).
// * X = Y = 0x0FFF is a filler packet. Type 7 carries pressure in the Y field (10 bits).
//   Type 2 carries a model number and serial whose bit split is not established: both raw
//   fields are exposed as they are.
// * HID model 06A8:0043 sends 6-byte input reports whose first byte is dropped (report ID);
//   the packet follows. Longer reports are read as several packets (assumption).
// * Raw counts do not start at 0: each model has a calibrated window (`TopazCalibration`).
// * The "format 1" LCD model with 6-bit groups and the SigPlus command set are not handled.

/// One Topaz packet.
public struct TopazPacket: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A position (types 0, 1, 4).
        case coordinates
        /// X = Y = 0x0FFF: carries nothing.
        case filler
        /// Pressure in the Y field (type 7), 0…1023.
        case pressure(UInt16)
        /// Model / serial information (type 2); the split of the two fields is unknown.
        case deviceInfo
        /// Types 3, 5 and 6: not described publicly.
        case unknown
    }

    public let status: UInt8
    /// Bits 4…2 of the status byte.
    public var type: UInt8 { (status >> 2) & 0x07 }
    /// Pen near the surface (bit 6).
    public var penNear: Bool { status & 0x40 != 0 }
    /// Pen touching (bit 0).
    public var penDown: Bool { status & 0x01 != 0 }
    /// 12-bit fields as sent.
    public let rawX: UInt16
    public let rawY: UInt16
    public let kind: Kind

    /// Decodes exactly five bytes.
    public init(_ bytes: ArraySlice<UInt8>) throws(TopazError) {
        guard bytes.count >= 5 else { throw .tooShort(needed: 5, got: bytes.count) }
        let b = Array(bytes.prefix(5))
        guard b[0] & 0x80 != 0 else { throw .missingSync(b[0]) }
        if let stray = b[1...].firstIndex(where: { $0 & 0x80 != 0 }) { throw .syncInPayload(offset: stray) }
        status = b[0]
        rawX = UInt16(b[2] & 0x1F) << 7 | UInt16(b[1] & 0x7F)
        rawY = UInt16(b[4] & 0x1F) << 7 | UInt16(b[3] & 0x7F)
        let type = (b[0] >> 2) & 0x07
        kind = switch type {
        case 0, 1, 4: (rawX == 0x0FFF && rawY == 0x0FFF) ? .filler : .coordinates
        case 7: .pressure(rawY & 0x3FF)
        case 2: .deviceInfo
        default: .unknown
        }
    }
}

/// Why a Topaz report or packet was refused.
public enum TopazError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooShort(needed: Int, got: Int)
    case missingSync(UInt8)
    case syncInPayload(offset: Int)

    public var description: String {
        switch self {
        case .tooShort(let needed, let got):
            "The Topaz report has \(got) bytes; at least \(needed) are needed."
        case .missingSync(let byte):
            "The Topaz packet starts with 0x\(String(byte, radix: 16, uppercase: true)), which lacks the sync bit; the stream is out of step."
        case .syncInPayload(let offset):
            "Byte \(offset) of the Topaz packet has the sync bit set, which only a packet's first byte may have."
        }
    }
}

/// A model's reachable raw window, used to normalize to 0…1.
public struct TopazCalibration: Sendable, Equatable {
    public let minX: UInt16, maxX: UInt16, minY: UInt16, maxY: UInt16
    public let maxPressure: UInt16

    /// nil when a window is empty or inverted.
    public init?(minX: UInt16, maxX: UInt16, minY: UInt16, maxY: UInt16, maxPressure: UInt16 = 1023) {
        guard minX < maxX, minY < maxY, maxPressure > 0 else { return nil }
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY; self.maxPressure = maxPressure
    }

    private init(_ minX: UInt16, _ maxX: UInt16, _ minY: UInt16, _ maxY: UInt16) {
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY; maxPressure = 1023
    }

    /// The whole 12-bit range: use until the model is known.
    public static let fullRange = TopazCalibration(0, 4095, 0, 4095)
    /// SignatureGem 1×5.
    public static let signatureGem1x5 = TopazCalibration(400, 2400, 350, 950)
    /// SigLite LCD 4×5.
    public static let sigLiteLCD4x5 = TopazCalibration(500, 2600, 500, 2100)
    /// HSB T-L462 (approximate).
    public static let tL462HSB = TopazCalibration(500, 2305, 450, 1000)

    func normalizedX(_ raw: UInt16) -> Double { Self.unit(raw, minX, maxX) }
    func normalizedY(_ raw: UInt16) -> Double { Self.unit(raw, minY, maxY) }

    private static func unit(_ v: UInt16, _ lo: UInt16, _ hi: UInt16) -> Double {
        min(max((Double(v) - Double(lo)) / Double(hi - lo), 0), 1)
    }
}

/// EXPERIMENTAL: decodes Topaz HID (HSB) input reports into pen samples.
///
/// Stateful only for pressure: pads that send type-7 packets get that pressure on the
/// following samples; pads that never do report 1 while down and 0 while up.
public struct TopazHIDDecoder: Sendable {
    public static let driverName = "topaz-hsb-experimental"
    public static let vendorID: UInt16 = 0x06A8
    /// The HID report: one dropped leading byte, then a 5-byte packet.
    public static let reportLength = 6

    public var calibration: TopazCalibration
    /// The last model/serial packet seen (raw X and Y fields).
    public private(set) var deviceInfo: (UInt16, UInt16)? = nil
    private var lastPressure: UInt16?

    public init(calibration: TopazCalibration = .fullRange) { self.calibration = calibration }

    /// Packets in one HID report (byte 0 dropped). All-zero padding groups are skipped.
    public static func packets(in report: [UInt8]) throws(TopazError) -> [TopazPacket] {
        guard report.count >= reportLength else { throw .tooShort(needed: reportLength, got: report.count) }
        var packets: [TopazPacket] = []
        var start = 1
        while start + 5 <= report.count {
            let group = report[start..<start + 5]
            if group.allSatisfy({ $0 == 0 }) { start += 5; continue }
            packets.append(try TopazPacket(group))
            start += 5
        }
        return packets
    }

    /// The pen samples in a report (none for filler, pressure and info packets).
    public mutating func decode(_ report: [UInt8]) throws(TopazError) -> [PenSample] {
        var samples: [PenSample] = []
        for packet in try Self.packets(in: report) {
            switch packet.kind {
            case .coordinates:
                let pressure: Double = packet.penDown
                    ? lastPressure.map { min(Double($0) / Double(calibration.maxPressure), 1) } ?? 1
                    : 0
                samples.append(PenSample(x: calibration.normalizedX(packet.rawX),
                                         y: calibration.normalizedY(packet.rawY),
                                         pressure: pressure, tipDown: packet.penDown))
            case .pressure(let value):
                lastPressure = value
            case .deviceInfo:
                deviceInfo = (packet.rawX, packet.rawY)
            case .filler, .unknown:
                break
            }
        }
        return samples
    }

    /// The first pen sample in `report`, or nil (not a pen report, or malformed).
    public mutating func sample(from report: [UInt8]) -> PenSample? {
        (try? decode(report))?.first
    }
}

/// EXPERIMENTAL: re-frames a Topaz byte stream (serial BSB pads, or HID payloads joined
/// together) into packets, resynchronising on the sync bit after garbage.
public struct TopazPacketStream: Sendable {
    private var pending: [UInt8] = []
    /// Bytes thrown away while looking for a sync byte.
    public private(set) var discardedBytes = 0

    public init() {}

    public mutating func feed(_ bytes: [UInt8]) -> [TopazPacket] {
        pending.append(contentsOf: bytes)
        var packets: [TopazPacket] = []
        var index = 0
        while index < pending.count {
            guard pending[index] & 0x80 != 0 else { index += 1; discardedBytes += 1; continue }
            guard index + 5 <= pending.count else { break }
            if let packet = try? TopazPacket(pending[index..<index + 5]) {
                packets.append(packet); index += 5
            } else {
                index += 1; discardedBytes += 1 // a sync bit inside: restart from the next byte
            }
        }
        pending.removeFirst(index)
        return packets
    }
}

extension TopazHIDDecoder: PadDecoder, DeviceDriver {
    public static let kind = SupportedDevice.Kind.signaturePad
    public static let models = [DeviceModel(vendorID: vendorID, productID: nil, name: "Topaz HID pad (experimental)")]
    /// Vendor HID reports in a fixed format: no descriptor tells where the pen is.
    public static let setup = DriverSetup.fixedFormatPad(decoder: { TopazHIDDecoder() })
    public static let emulation = DriverEmulation.none
}
