import Foundation

// Wacom STU signature pads (VID 0x056A) in HID mode: models and pen-report decoding; the
// information/capability/status replies are in WacomSTUReplies.swift, the commands the host
// sends and the image upload
// in WacomSTUCommands.swift. No I/O here: a transport hands in report bytes (report ID first,
// as GET_REPORT returns them and as the interrupt endpoint delivers them).
//
// The STU does not describe its reports in the HID descriptor; the layouts below follow the
// project research (signature-pads.md §3), which read them from Wacom's public SDK code.
// Endianness is mixed on purpose: pen data, capability, session IDs and counters are
// big-endian; rectangles, thresholds, colours and the image-block length are little-endian.

// MARK: - Models

/// The STU models known by USB product ID.
public enum WacomSTUModel: UInt16, Sendable, CaseIterable, CustomStringConvertible {
    case stu500 = 0x00A1
    case stu300 = 0x00A2
    case stu520A = 0x00A3
    case stu430 = 0x00A4
    case stu530 = 0x00A5
    case stu430V = 0x00A6
    case stu530V = 0x00A7
    case stu540 = 0x00A8
    case stu541 = 0x00A9

    /// Wacom's USB vendor ID.
    public static let vendorID: UInt16 = 0x056A

    /// The model for a USB product ID, nil for any other product.
    public init?(productID: UInt16) { self.init(rawValue: productID) }

    public var productID: UInt16 { rawValue }

    public var description: String {
        switch self {
        case .stu500: "STU-500"
        case .stu300: "STU-300"
        case .stu520A: "STU-520A"
        case .stu430: "STU-430"
        case .stu530: "STU-530"
        case .stu430V: "STU-430V"
        case .stu530V: "STU-530V"
        case .stu540: "STU-540"
        case .stu541: "STU-541"
        }
    }

    /// Image encodings to assume when the capability reply does not say (an encoding flag of 0
    /// or the short capability of the 300/500), as Wacom's SDK infers them from the product.
    public var inferredEncodings: WacomSTUEncodings {
        switch self {
        case .stu530, .stu530V, .stu540, .stu541: [.color24, .color16, .monochrome, .zlib]
        case .stu520A: [.color16, .monochrome]
        case .stu500, .stu300, .stu430, .stu430V: [.monochrome]
        }
    }

    /// Whether the model takes StartImageDataArea (0x24) and ClearScreenArea (0x23), so a prompt
    /// can be uploaded as a small band instead of a whole screen.
    public var supportsImageArea: Bool {
        switch self {
        case .stu430, .stu430V, .stu530, .stu530V, .stu540, .stu541: true
        case .stu500, .stu300, .stu520A: false
        }
    }

    /// Whether the model sends timed pen data (report 0x34) once PenDataOptionMode is 3.
    public var supportsTimedPenData: Bool {
        switch self {
        case .stu430, .stu430V, .stu530, .stu530V, .stu540, .stu541: true
        case .stu500, .stu300, .stu520A: false
        }
    }
}

/// Image encodings a pad accepts (the capability reply's encoding flag).
public struct WacomSTUEncodings: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 1-bit images may be sent zlib-compressed (encoding mode 0x01).
    public static let zlib = WacomSTUEncodings(rawValue: 0x01)
    /// 1 bit per pixel (encoding mode 0x00).
    public static let monochrome = WacomSTUEncodings(rawValue: 0x02)
    /// RGB565, 2 bytes per pixel (encoding mode 0x02).
    public static let color16 = WacomSTUEncodings(rawValue: 0x04)
    /// 24-bit B,G,R, 3 bytes per pixel (encoding mode 0x04).
    public static let color24 = WacomSTUEncodings(rawValue: 0x08)
}

// MARK: - Report IDs

/// STU report IDs used by this driver (byte 0 of every STU report).
public enum WacomSTUReportID {
    public static let penData: UInt8 = 0x01
    public static let status: UInt8 = 0x03
    public static let reset: UInt8 = 0x04
    public static let information: UInt8 = 0x08
    public static let capability: UInt8 = 0x09
    public static let uid: UInt8 = 0x0A
    public static let uid2: UInt8 = 0x0B
    public static let eserial: UInt8 = 0x0F
    public static let penDataEncrypted: UInt8 = 0x10
    public static let startCapture: UInt8 = 0x15
    public static let endCapture: UInt8 = 0x16
    public static let clearScreen: UInt8 = 0x20
    public static let inkingMode: UInt8 = 0x21
    public static let inkThreshold: UInt8 = 0x22
    public static let clearScreenArea: UInt8 = 0x23
    public static let startImageDataArea: UInt8 = 0x24
    public static let startImageData: UInt8 = 0x25
    public static let imageDataBlock: UInt8 = 0x26
    public static let endImageData: UInt8 = 0x27
    public static let handwritingDisplayArea: UInt8 = 0x2A
    public static let handwritingThicknessColor24: UInt8 = 0x2D
    public static let backgroundColor24: UInt8 = 0x2E
    public static let penDataOptionMode: UInt8 = 0x32
    public static let penDataTimeCountSequenceEncrypted: UInt8 = 0x33
    public static let penDataTimeCountSequence: UInt8 = 0x34
    public static let encryptionCommand: UInt8 = 0x40
    public static let encryptionStatus: UInt8 = 0x50
}

// MARK: - Errors

/// Why an STU report was refused or a command could not be built.
public enum WacomSTUError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The report had no bytes at all.
    case emptyReport
    /// Byte 0 was not one of the report IDs the call accepts.
    case unexpectedReportID(found: UInt8, expected: [UInt8])
    /// The report is shorter than its layout.
    case reportTooShort(reportID: UInt8, needed: Int, got: Int)
    /// A capability reply carried a zero maximum, which would make normalization meaningless.
    case invalidCapability(String)
    /// A decrypted pen report carried a session ID other than the one the capture started with.
    case sessionMismatch(expected: UInt32, found: UInt32)
    /// A command parameter is outside what the pad accepts.
    case parameterOutOfRange(String)
    /// The image's size does not match the screen or the area it is uploaded to.
    case imageSizeMismatch(expectedWidth: Int, expectedHeight: Int, width: Int, height: Int)
    /// The pixel buffer does not hold width × height pixels.
    case pixelCountMismatch(expected: Int, got: Int)
    /// The pad does not accept this image encoding.
    case encodingNotSupported(String)
    /// The prompt text cannot be drawn (character outside the font, too long for the screen).
    case prompt(PromptBitmap.Failure)

    public var description: String {
        switch self {
        case .emptyReport:
            "The STU report is empty; every STU report starts with its report ID."
        case .unexpectedReportID(let found, let expected):
            "The STU report ID is 0x\(WacomSTUWire.hex(found)), but this call accepts only \(expected.map { "0x" + WacomSTUWire.hex($0) }.joined(separator: " or "))."
        case .reportTooShort(let id, let needed, let got):
            "STU report 0x\(WacomSTUWire.hex(id)) needs \(needed) bytes including its ID, but only \(got) arrived."
        case .invalidCapability(let why):
            "The STU capability reply is unusable: \(why)."
        case .sessionMismatch(let expected, let found):
            "The decrypted pen report belongs to session 0x\(String(found, radix: 16)), not to the capture's session 0x\(String(expected, radix: 16)); it was dropped."
        case .parameterOutOfRange(let why):
            "The STU command cannot be built: \(why)."
        case .imageSizeMismatch(let ew, let eh, let w, let h):
            "The image is \(w)×\(h) pixels, but the target area is \(ew)×\(eh)."
        case .pixelCountMismatch(let expected, let got):
            "The pixel buffer holds \(got) pixels, but its size calls for \(expected)."
        case .encodingNotSupported(let what):
            "The pad does not accept \(what) images."
        case .prompt(let failure):
            failure.description
        }
    }
}

/// Byte-level helpers shared by the STU files.
enum WacomSTUWire {
    static func be16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }
    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
    }
    /// Checks the report ID and length; returns the ID.
    @discardableResult
    static func check(_ report: [UInt8], ids: [UInt8], length: Int) throws(WacomSTUError) -> UInt8 {
        guard let id = report.first else { throw .emptyReport }
        guard ids.contains(id) else { throw .unexpectedReportID(found: id, expected: ids) }
        guard report.count >= length else { throw .reportTooShort(reportID: id, needed: length, got: report.count) }
        return id
    }
    /// ASCII text up to the first NUL, with non-printable bytes dropped.
    static func ascii(_ bytes: ArraySlice<UInt8>) -> String {
        let text = bytes.prefix { $0 != 0 }.filter { $0 >= 0x20 && $0 < 0x7F }
        return String(decoding: text, as: UTF8.self)
    }
}

// MARK: - Pen data

/// One decoded STU pen sample with the pad's raw values.
public struct WacomSTUPenReport: Sendable, Equatable {
    /// The report it came from (0x01, 0x34, or 0x10/0x33 after decryption).
    public let reportID: UInt8
    /// Pen in proximity (`rdy`).
    public let inProximity: Bool
    /// 3-bit contact state (`sw`); non-zero means the pen touches.
    public let switchState: UInt8
    /// Pressure in device units (12 bits on the wire).
    public let rawPressure: UInt16
    /// Position in tablet units.
    public let rawX: UInt16
    public let rawY: UInt16
    /// The pad's 1 ms tick counter (wraps at 0xFFFF), timed reports only.
    public let timeCount: UInt16?
    /// The pad's report sequence number, timed reports only; gaps mean dropped reports.
    public let sequence: UInt16?
    /// The sample normalized by the capability's maxima (clamped to 0…1).
    public let sample: PenSample

    /// Raw values beyond the capability's maxima (clamped in `sample`).
    public let outOfRange: Bool
}

/// Decodes STU pen input reports into `PenSample`s, normalized with the pad's capability.
///
/// Accepts PenData (0x01, 7 bytes) and PenDataTimeCountSequence (0x34, 11 bytes); encrypted
/// reports (0x10, 0x33) are decoded from their plaintext with `decodeDecrypted`. Values beyond
/// the capability's maxima are clamped in the normalized sample and flagged, never trusted.
public struct WacomSTUDecoder: PadDecoder {
    public static let driverName = "wacom-stu"
    public let capability: WacomSTUCapability

    public init(capability: WacomSTUCapability) { self.capability = capability }

    /// The report IDs `decode` accepts.
    public static let penReportIDs: [UInt8] = [WacomSTUReportID.penData, WacomSTUReportID.penDataTimeCountSequence]

    /// Decodes a clear pen report, or explains why it is not one.
    public func decode(_ report: [UInt8]) throws(WacomSTUError) -> WacomSTUPenReport {
        guard let id = report.first else { throw .emptyReport }
        switch id {
        case WacomSTUReportID.penData:
            try WacomSTUWire.check(report, ids: [id], length: 7)
            return core(report, at: 1, id: id, time: nil, sequence: nil)
        case WacomSTUReportID.penDataTimeCountSequence:
            try WacomSTUWire.check(report, ids: [id], length: 11)
            return core(report, at: 1, id: id,
                        time: WacomSTUWire.be16(report, 7), sequence: WacomSTUWire.be16(report, 9))
        default:
            throw .unexpectedReportID(found: id, expected: Self.penReportIDs)
        }
    }

    /// The pen sample in `report`, or nil when it is not a (well-formed) clear pen report.
    public func sample(from report: [UInt8]) -> PenSample? {
        (try? decode(report))?.sample
    }

    /// Decodes the 16 decrypted bytes of an encrypted pen report and checks its session ID.
    ///
    /// 0x10 carries session ID (BE32) then two samples; 0x33 carries one timed sample, two
    /// padding bytes and the session ID. Decryption (AES, single ECB block) is the caller's.
    public func decodeDecrypted(reportID: UInt8, plaintext: [UInt8],
                                session: UInt32) throws(WacomSTUError) -> [WacomSTUPenReport] {
        guard plaintext.count >= 16 else {
            throw .reportTooShort(reportID: reportID, needed: 17, got: plaintext.count + 1)
        }
        switch reportID {
        case WacomSTUReportID.penDataEncrypted:
            let found = WacomSTUWire.be32(plaintext, 0)
            guard found == session else { throw .sessionMismatch(expected: session, found: found) }
            return [core(plaintext, at: 4, id: reportID, time: nil, sequence: nil),
                    core(plaintext, at: 10, id: reportID, time: nil, sequence: nil)]
        case WacomSTUReportID.penDataTimeCountSequenceEncrypted:
            let found = WacomSTUWire.be32(plaintext, 12)
            guard found == session else { throw .sessionMismatch(expected: session, found: found) }
            return [core(plaintext, at: 0, id: reportID,
                         time: WacomSTUWire.be16(plaintext, 6), sequence: WacomSTUWire.be16(plaintext, 8))]
        default:
            throw .unexpectedReportID(found: reportID, expected: [WacomSTUReportID.penDataEncrypted,
                                                                  WacomSTUReportID.penDataTimeCountSequenceEncrypted])
        }
    }

    /// The 6-byte pen core at `offset`: rdy(1) sw(3) pressure(12), x BE16, y BE16.
    private func core(_ b: [UInt8], at o: Int, id: UInt8, time: UInt16?, sequence: UInt16?) -> WacomSTUPenReport {
        let rdy = b[o] & 0x80 != 0
        let sw = (b[o] >> 4) & 0x07
        let pressure = UInt16(b[o] & 0x0F) << 8 | UInt16(b[o + 1])
        let x = WacomSTUWire.be16(b, o + 2)
        let y = WacomSTUWire.be16(b, o + 4)
        let out = x > capability.tabletMaxX || y > capability.tabletMaxY || pressure > capability.tabletMaxPressure
        let sample = PenSample(x: Self.unit(x, capability.tabletMaxX),
                               y: Self.unit(y, capability.tabletMaxY),
                               pressure: Self.unit(pressure, capability.tabletMaxPressure),
                               tipDown: sw != 0)
        return WacomSTUPenReport(reportID: id, inProximity: rdy, switchState: sw, rawPressure: pressure,
                                 rawX: x, rawY: y, timeCount: time, sequence: sequence,
                                 sample: sample, outOfRange: out)
    }

    private static func unit(_ value: UInt16, _ maximum: UInt16) -> Double {
        min(Double(value) / Double(max(maximum, 1)), 1)
    }
}

/// Turns the pad's wrapping 16-bit time and sequence counters into a continuous timeline.
///
/// Feed timed reports in arrival order. Time is unwrapped assuming less than 65.5 s passes
/// between two reports; sequence gaps are counted as dropped reports.
public struct WacomSTUTimeline: Sendable, Equatable {
    /// Milliseconds since the first timed report seen.
    public private(set) var elapsedMilliseconds: UInt64 = 0
    /// Reports the pad numbered but the host never received.
    public private(set) var droppedReports: UInt64 = 0
    private var lastTime: UInt16?
    private var lastSequence: UInt16?

    public init() {}

    /// Advances with one report; returns the report's time in ms since the first, or nil
    /// for a report without the pad's counters.
    @discardableResult
    public mutating func advance(with report: WacomSTUPenReport) -> UInt64? {
        guard let time = report.timeCount else { return nil }
        if let last = lastTime { elapsedMilliseconds += UInt64(time &- last) }
        lastTime = time
        if let sequence = report.sequence {
            if let last = lastSequence {
                let step = sequence &- last
                if step > 1 { droppedReports += UInt64(step - 1) }
            }
            lastSequence = sequence
        }
        return elapsedMilliseconds
    }
}

extension WacomSTUDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.signaturePad
    /// Only the STU models: Wacom's other products (tablets) are deliberately not matched.
    public static let models = WacomSTUModel.allCases.map {
        DeviceModel(vendorID: WacomSTUModel.vendorID, productID: $0.productID, name: "Wacom \($0)")
    }
    public static let setup = DriverSetup.wacomSTUHost
    public static let emulation = DriverEmulation.none
}
