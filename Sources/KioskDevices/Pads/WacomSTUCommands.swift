import Foundation

// What the host sends to an STU pad: feature reports (SET_REPORT type 3, report ID in byte 0)
// and the GET requests for its replies, plus the chunked image upload for the prompt screen.
// Layouts per signature-pads.md §3.6–3.9. The state rules (most SETs only in Ready, image
// blocks only in Image, EndCapture only in Capture) are the transport's to honour: it should
// read Status after each SET and check `lastCommandSucceeded`.

/// A GET_REPORT the host issues: which feature report and how many bytes to ask for.
public struct WacomSTUGetRequest: Sendable, Equatable {
    public let reportID: UInt8
    /// Buffer length including the ID byte (the descriptor's size wins when it differs).
    public let length: Int
    /// wValue for the control transfer: report type Feature (3) in the high byte.
    public var wValue: UInt16 { 0x0300 | UInt16(reportID) }
}

/// An inclusive pixel rectangle on the pad's screen, sent little-endian.
public struct WacomSTURect: Sendable, Equatable {
    public let x1: UInt16, y1: UInt16, x2: UInt16, y2: UInt16

    public init(x1: UInt16, y1: UInt16, x2: UInt16, y2: UInt16) throws(WacomSTUError) {
        guard x1 <= x2, y1 <= y2 else {
            throw .parameterOutOfRange("the rectangle (\(x1),\(y1))–(\(x2),\(y2)) has its corners swapped")
        }
        self.x1 = x1; self.y1 = y1; self.x2 = x2; self.y2 = y2
    }

    /// The whole screen of a pad.
    public static func fullScreen(_ capability: WacomSTUCapability) throws(WacomSTUError) -> WacomSTURect {
        guard capability.screenWidth > 0, capability.screenHeight > 0 else {
            throw .parameterOutOfRange("the pad reports no screen")
        }
        return try WacomSTURect(x1: 0, y1: 0, x2: capability.screenWidth - 1, y2: capability.screenHeight - 1)
    }

    public var width: Int { Int(x2) - Int(x1) + 1 }
    public var height: Int { Int(y2) - Int(y1) + 1 }

    /// Throws unless the rectangle lies on the screen.
    public func check(on capability: WacomSTUCapability) throws(WacomSTUError) {
        guard Int(x2) < Int(capability.screenWidth), Int(y2) < Int(capability.screenHeight) else {
            throw .parameterOutOfRange("the rectangle (\(x1),\(y1))–(\(x2),\(y2)) leaves the \(capability.screenWidth)×\(capability.screenHeight) screen")
        }
    }

    var bytes: [UInt8] {
        WacomSTUWire.le16(x1) + WacomSTUWire.le16(y1) + WacomSTUWire.le16(x2) + WacomSTUWire.le16(y2)
    }
}

/// Which extra counters pen reports carry (PenDataOptionMode, 0x32).
public enum WacomSTUPenDataOption: UInt8, Sendable {
    /// Plain PenData 0x01.
    case none = 0
    /// Time count in 0x30 (STU-520A).
    case timeCount = 1
    /// Sequence in 0x30 (STU-520A).
    case sequence = 2
    /// Time count and sequence in 0x34 (430/530/540): what the daemon should ask for.
    case timeCountAndSequence = 3
}

/// Builders for every report the host sends. SET builders return the full report bytes.
public enum WacomSTUCommands {
    // MARK: GET requests

    public static let getStatus = WacomSTUGetRequest(reportID: WacomSTUReportID.status, length: 5)
    public static let getInformation = WacomSTUGetRequest(reportID: WacomSTUReportID.information, length: 17)
    public static let getCapability = WacomSTUGetRequest(reportID: WacomSTUReportID.capability, length: 17)
    public static let getUid = WacomSTUGetRequest(reportID: WacomSTUReportID.uid, length: 5)
    public static let getUid2 = WacomSTUGetRequest(reportID: WacomSTUReportID.uid2, length: 11)
    public static let getEserial = WacomSTUGetRequest(reportID: WacomSTUReportID.eserial, length: 14)
    public static let getInkingMode = WacomSTUGetRequest(reportID: WacomSTUReportID.inkingMode, length: 2)
    public static let getEncryptionStatus = WacomSTUGetRequest(reportID: WacomSTUReportID.encryptionStatus, length: 17)
    /// Reads back a parameter block chunk after `getParameterBlock` was SET.
    public static let getEncryptionCommand = WacomSTUGetRequest(reportID: WacomSTUReportID.encryptionCommand, length: 68)

    // MARK: Device control

    /// Reset (0x04): soft restores defaults (Ready, white, inking on, encryption and option
    /// mode off); hard re-enumerates the USB device.
    public static func reset(hard: Bool = false) -> [UInt8] { [WacomSTUReportID.reset, hard ? 1 : 0] }

    /// ClearScreen (0x20). Ready state only; asynchronous on the pad.
    public static func clearScreen() -> [UInt8] { [WacomSTUReportID.clearScreen, 0] }

    /// InkingMode (0x21): the pad draws the pen trail itself when on.
    public static func inkingMode(_ on: Bool) -> [UInt8] { [WacomSTUReportID.inkingMode, on ? 1 : 0] }

    /// InkThreshold (0x22): pressures at which ink starts and stops (0…1023; defaults 21/16).
    public static func inkThreshold(on: UInt16 = 21, off: UInt16 = 16) throws(WacomSTUError) -> [UInt8] {
        guard on <= 0x3FF, off <= 0x3FF else {
            throw .parameterOutOfRange("ink thresholds must be 0…1023, got on \(on), off \(off)")
        }
        return [WacomSTUReportID.inkThreshold] + WacomSTUWire.le16(on) + WacomSTUWire.le16(off)
    }

    /// HandwritingDisplayArea (0x2A): where ink is accepted, in screen pixels.
    public static func handwritingDisplayArea(_ area: WacomSTURect) -> [UInt8] {
        [WacomSTUReportID.handwritingDisplayArea] + area.bytes
    }

    /// ClearScreenArea (0x23, 430/530/540).
    public static func clearScreenArea(_ area: WacomSTURect) -> [UInt8] {
        [WacomSTUReportID.clearScreenArea, 0x00, 0x01] + area.bytes
    }

    /// HandwritingThicknessColor24 (0x2D): `rgb` as 0xRRGGBB, sent B, G, R; thickness 0…3
    /// (1, 3, 5, 7 px on the 540).
    public static func handwritingThicknessColor24(rgb: UInt32, thickness: UInt8) throws(WacomSTUError) -> [UInt8] {
        guard rgb <= 0xFF_FFFF else { throw .parameterOutOfRange("colour 0x\(String(rgb, radix: 16)) has more than 24 bits") }
        guard thickness <= 3 else { throw .parameterOutOfRange("pen thickness must be 0…3, got \(thickness)") }
        return [WacomSTUReportID.handwritingThicknessColor24] + bgr(rgb) + [thickness]
    }

    /// BackgroundColor24 (0x2E, NVRAM — avoid frequent writes): `rgb` as 0xRRGGBB.
    public static func backgroundColor24(rgb: UInt32) throws(WacomSTUError) -> [UInt8] {
        guard rgb <= 0xFF_FFFF else { throw .parameterOutOfRange("colour 0x\(String(rgb, radix: 16)) has more than 24 bits") }
        return [WacomSTUReportID.backgroundColor24] + bgr(rgb)
    }

    /// PenDataOptionMode (0x32).
    public static func penDataOptionMode(_ option: WacomSTUPenDataOption) -> [UInt8] {
        [WacomSTUReportID.penDataOptionMode, option.rawValue]
    }

    /// StartCapture (0x15): starts an encrypted capture session (Ready only).
    public static func startCapture(session: UInt32) -> [UInt8] {
        [WacomSTUReportID.startCapture] + WacomSTUWire.be32(session)
    }

    /// EndCapture (0x16, Capture only).
    public static func endCapture() -> [UInt8] { [WacomSTUReportID.endCapture, 0] }

    // MARK: Image upload pieces (see WacomSTUImageUpload for the whole sequence)

    /// StartImageData (0x25): full-screen upload in `encoding`.
    public static func startImageData(_ encoding: WacomSTUImage.Encoding) -> [UInt8] {
        [WacomSTUReportID.startImageData, encoding.rawValue]
    }

    /// StartImageDataArea (0x24): upload into `area` only (430/530/540).
    public static func startImageDataArea(_ encoding: WacomSTUImage.Encoding, area: WacomSTURect) -> [UInt8] {
        [WacomSTUReportID.startImageDataArea, encoding.rawValue, 0x01] + area.bytes
    }

    /// ImageDataBlock (0x26): length LE16 then the data, zero-padded to `reportLength`.
    public static func imageDataBlock(_ chunk: ArraySlice<UInt8>, reportLength: Int = 256) throws(WacomSTUError) -> [UInt8] {
        guard reportLength >= 4, chunk.count <= reportLength - 3, chunk.count <= Int(UInt16.max) else {
            throw .parameterOutOfRange("an image block of \(chunk.count) bytes does not fit a \(reportLength)-byte report")
        }
        var report = [WacomSTUReportID.imageDataBlock] + WacomSTUWire.le16(UInt16(chunk.count))
        report.reserveCapacity(reportLength)
        report.append(contentsOf: chunk)
        report.append(contentsOf: repeatElement(0, count: reportLength - report.count))
        return report
    }

    /// EndImageData (0x27): commit, or abandon (state recovery after a crash).
    public static func endImageData(commit: Bool = true) -> [UInt8] { [WacomSTUReportID.endImageData, commit ? 0 : 1] }

    // MARK: Encryption v2 (RSA key transport + AES), EncryptionCommand 0x40, 68 bytes

    public enum SymmetricKeyType: UInt8, Sendable { case aes128 = 0, aes192 = 1, aes256 = 2 }
    public enum AsymmetricPadding: UInt8, Sendable { case none = 0, pkcs1 = 1, oaep = 2 }
    public enum AsymmetricKeyType: UInt8, Sendable { case rsa1024 = 0, rsa1536 = 1, rsa2048 = 2 }
    public enum ParameterBlock: UInt8, Sendable { case rsaE = 0, rsaN = 1, rsaC = 2, rsaM = 3 }

    /// SetEncryptionType (command 0x01).
    public static func setEncryptionType(symmetric: SymmetricKeyType = .aes256, padding: AsymmetricPadding = .oaep,
                                         asymmetric: AsymmetricKeyType = .rsa2048) -> [UInt8] {
        encryptionCommand(0x01, parameter: symmetric.rawValue,
                          lengthOrIndex: padding.rawValue << 6 | asymmetric.rawValue, data: [])
    }

    /// SetParameterBlock (command 0x02) for a whole big-endian number, split into 64-byte chunks,
    /// most significant first (e.g. four reports for a 2048-bit modulus).
    public static func setParameterBlock(_ block: ParameterBlock, bigEndian number: [UInt8]) throws(WacomSTUError) -> [[UInt8]] {
        guard !number.isEmpty else { throw .parameterOutOfRange("an RSA parameter block cannot be empty") }
        guard number.count <= 64 * 8 else { throw .parameterOutOfRange("an RSA parameter of \(number.count) bytes is longer than 4096 bits") }
        return stride(from: 0, to: number.count, by: 64).map { start in
            let chunk = Array(number[start..<min(start + 64, number.count)])
            return encryptionCommand(0x02, parameter: block.rawValue, lengthOrIndex: UInt8(chunk.count), data: chunk)
        }
    }

    /// GetParameterBlock (command 0x04): asks for chunk `chunk`, then GET `getEncryptionCommand`.
    public static func getParameterBlock(_ block: ParameterBlock, chunk: UInt8) -> [UInt8] {
        encryptionCommand(0x04, parameter: block.rawValue, lengthOrIndex: chunk, data: [])
    }

    /// GenerateSymmetricKey (command 0x05); the pad answers with an EncryptionStatus input report.
    public static func generateSymmetricKey() -> [UInt8] {
        encryptionCommand(0x05, parameter: 0, lengthOrIndex: 0, data: [])
    }

    /// The 64 data bytes of a GET EncryptionCommand reply (one parameter-block chunk).
    public static func parameterBlockChunk(report: [UInt8]) throws(WacomSTUError) -> [UInt8] {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.encryptionCommand], length: 68)
        return Array(report[4..<68])
    }

    private static func encryptionCommand(_ command: UInt8, parameter: UInt8, lengthOrIndex: UInt8, data: [UInt8]) -> [UInt8] {
        var report = [WacomSTUReportID.encryptionCommand, command, parameter, lengthOrIndex] + data.prefix(64)
        report.append(contentsOf: repeatElement(0, count: 68 - report.count))
        return report
    }

    private static func bgr(_ rgb: UInt32) -> [UInt8] {
        [UInt8(rgb & 0xFF), UInt8((rgb >> 8) & 0xFF), UInt8((rgb >> 16) & 0xFF)]
    }
}

/// EncryptionStatus (0x50, 17 bytes; input report and feature).
public struct WacomSTUEncryptionStatus: Sendable, Equatable {
    public let symmetricKeyType: UInt8
    public let asymmetricPadding: UInt8
    public let asymmetricKeyType: UInt8
    /// Status of RSAe, RSAn, RSAc: 0x00 ready, 0xFA calculating, 0xFB even, 0xFC too long,
    /// 0xFD too short, 0xFE invalid, 0xFF not ready.
    public let statusRSAe: UInt8
    public let statusRSAn: UInt8
    public let statusRSAc: UInt8
    public let lastResult: UInt8
    /// 0x04 RNG, 0x02 SHA-1, 0x01 AES.
    public let capabilities: UInt8

    public init(report: [UInt8]) throws(WacomSTUError) {
        try WacomSTUWire.check(report, ids: [WacomSTUReportID.encryptionStatus], length: 17)
        symmetricKeyType = report[1]
        asymmetricPadding = report[2] >> 6
        asymmetricKeyType = report[2] & 0x3F
        statusRSAe = report[4]; statusRSAn = report[5]; statusRSAc = report[6]
        lastResult = report[7]
        capabilities = report[8]
    }

    /// Exponent and modulus were accepted (step 4 of the key exchange).
    public var publicKeyAccepted: Bool { statusRSAe == 0 && statusRSAn == 0 }
}

// MARK: - Images

/// A prompt image already in the pad's wire encoding. Rendering text to pixels is the
/// caller's; this takes pixel buffers.
public struct WacomSTUImage: Sendable, Equatable {
    /// Encoding mode byte of StartImageData (bulk variants 0x10+ are not supported).
    public enum Encoding: UInt8, Sendable {
        case monochrome = 0x00
        case monochromeZlib = 0x01
        case color16 = 0x02
        case color24 = 0x04
    }

    public let width: Int
    public let height: Int
    public let encoding: Encoding
    /// The bytes sent in ImageDataBlocks.
    public let data: [UInt8]

    /// 1-bit image: `ink` row-major, true = dark pixel. Packed MSB = leftmost, rows padded to
    /// whole bytes, bit 1 = background and bit 0 = ink.
    public static func monochrome(width: Int, height: Int, ink: [Bool]) throws(WacomSTUError) -> WacomSTUImage {
        try checkSize(width, height, count: ink.count)
        let rowBytes = (width + 7) / 8
        var data = [UInt8](repeating: 0xFF, count: rowBytes * height)
        for y in 0..<height {
            for x in 0..<width where ink[y * width + x] {
                data[y * rowBytes + x / 8] &= ~(0x80 >> UInt8(x % 8))
            }
        }
        return WacomSTUImage(width: width, height: height, encoding: .monochrome, data: data)
    }

    /// 1-bit image compressed by the caller: `compressed` is a zlib stream of exactly the bytes
    /// `monochrome` would produce (Foundation on Linux has no zlib encoder).
    public static func monochromeZlib(width: Int, height: Int, compressed: [UInt8]) throws(WacomSTUError) -> WacomSTUImage {
        try checkSize(width, height, count: width * height)
        guard !compressed.isEmpty else { throw .parameterOutOfRange("the zlib image data is empty") }
        return WacomSTUImage(width: width, height: height, encoding: .monochromeZlib, data: compressed)
    }

    /// 16-bit image: RGB565 pixels, sent big-endian.
    public static func color16(width: Int, height: Int, rgb565: [UInt16]) throws(WacomSTUError) -> WacomSTUImage {
        try checkSize(width, height, count: rgb565.count)
        var data = [UInt8](); data.reserveCapacity(rgb565.count * 2)
        for pixel in rgb565 { data.append(UInt8(pixel >> 8)); data.append(UInt8(pixel & 0xFF)) }
        return WacomSTUImage(width: width, height: height, encoding: .color16, data: data)
    }

    /// 24-bit image: pixels as 0xRRGGBB (higher bits ignored), sent B, G, R.
    public static func color24(width: Int, height: Int, rgb: [UInt32]) throws(WacomSTUError) -> WacomSTUImage {
        try checkSize(width, height, count: rgb.count)
        var data = [UInt8](); data.reserveCapacity(rgb.count * 3)
        for pixel in rgb {
            data.append(UInt8(pixel & 0xFF)); data.append(UInt8((pixel >> 8) & 0xFF)); data.append(UInt8((pixel >> 16) & 0xFF))
        }
        return WacomSTUImage(width: width, height: height, encoding: .color24, data: data)
    }

    /// The best raw encoding a pad accepts for an 0xRRGGBB buffer: 24-bit, else 16-bit, else
    /// 1-bit (ink where the pixel's luma is below 216, about where Wacom's SDK cuts).
    public static func fromRGB(width: Int, height: Int, rgb: [UInt32], accepting encodings: WacomSTUEncodings) throws(WacomSTUError) -> WacomSTUImage {
        if encodings.contains(.color24) { return try color24(width: width, height: height, rgb: rgb) }
        if encodings.contains(.color16) {
            try checkSize(width, height, count: rgb.count)
            return try color16(width: width, height: height, rgb565: rgb.map { p in
                let r = UInt16((p >> 16) & 0xFF), g = UInt16((p >> 8) & 0xFF), b = UInt16(p & 0xFF)
                return (r >> 3) << 11 | (g >> 2) << 5 | b >> 3
            })
        }
        try checkSize(width, height, count: rgb.count)
        return try monochrome(width: width, height: height, ink: rgb.map { p in
            let r = Int((p >> 16) & 0xFF), g = Int((p >> 8) & 0xFF), b = Int(p & 0xFF)
            return (299 * r + 587 * g + 114 * b) / 1000 < 216
        })
    }

    private static func checkSize(_ width: Int, _ height: Int, count: Int) throws(WacomSTUError) {
        guard width > 0, height > 0, width <= 4096, height <= 4096 else {
            throw .parameterOutOfRange("an image must be 1…4096 pixels on each side, got \(width)×\(height)")
        }
        guard count == width * height else { throw .pixelCountMismatch(expected: width * height, got: count) }
    }
}

/// The whole upload of a prompt image as the sequence of SET reports to send in order:
/// StartImageData (or StartImageDataArea), ImageDataBlocks, EndImageData(commit).
///
/// The transport waits for Ready before the first report and for Image before the blocks,
/// and reads Status after each. The upload replaces the screen; no ClearScreen is needed.
public enum WacomSTUImageUpload {
    /// Data bytes per ImageDataBlock over HID feature reports (256-byte report).
    public static let hidBlockReportLength = 256

    public static func reports(for image: WacomSTUImage, capability: WacomSTUCapability,
                               model: WacomSTUModel? = nil, area: WacomSTURect? = nil,
                               blockReportLength: Int = hidBlockReportLength) throws(WacomSTUError) -> [[UInt8]] {
        let accepted = capability.encodings(model: model)
        let needed: (WacomSTUEncodings, String) = switch image.encoding {
        case .monochrome: (.monochrome, "1-bit")
        case .monochromeZlib: ([.monochrome, .zlib], "zlib-compressed 1-bit")
        case .color16: (.color16, "16-bit colour")
        case .color24: (.color24, "24-bit colour")
        }
        guard accepted.isSuperset(of: needed.0) else { throw .encodingNotSupported(needed.1) }
        guard blockReportLength >= 4, blockReportLength <= 0xFFFF + 3 else {
            throw .parameterOutOfRange("an image block report must be 4…65538 bytes, got \(blockReportLength)")
        }
        let target: WacomSTURect
        if let area { target = area } else { target = try WacomSTURect.fullScreen(capability) }
        try target.check(on: capability)
        guard image.width == target.width, image.height == target.height else {
            throw .imageSizeMismatch(expectedWidth: target.width, expectedHeight: target.height,
                                     width: image.width, height: image.height)
        }
        var reports: [[UInt8]] = []
        reports.append(area.map { WacomSTUCommands.startImageDataArea(image.encoding, area: $0) }
                       ?? WacomSTUCommands.startImageData(image.encoding))
        let payload = blockReportLength - 3
        for start in stride(from: 0, to: image.data.count, by: payload) {
            let chunk = image.data[start..<min(start + payload, image.data.count)]
            reports.append(try WacomSTUCommands.imageDataBlock(chunk, reportLength: blockReportLength))
        }
        reports.append(WacomSTUCommands.endImageData(commit: true))
        return reports
    }
}
