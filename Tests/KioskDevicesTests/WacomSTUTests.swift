import Foundation
import Testing
@testable import KioskDevices

// Vectors are from signature-pads.md §3.11 (real STU-540 Information reply and synthetic
// reports built from the documented layouts with values of a real STU-430V trace).



@Suite("Wacom STU")
struct WacomSTUTests {
    static let capability430V = hexBytes("09 25 80 17 70 03 FF 01 40 00 C8 C8 09 EC 03 00 00")

    static func decoder() throws -> WacomSTUDecoder {
        WacomSTUDecoder(capability: try WacomSTUCapability(report: capability430V))
    }

    // MARK: Replies

    @Test func capabilityVector430V() throws {
        let c = try WacomSTUCapability(report: Self.capability430V)
        #expect(c.tabletMaxX == 9600)
        #expect(c.tabletMaxY == 6000)
        #expect(c.tabletMaxPressure == 1023)
        #expect(c.screenWidth == 320 && c.screenHeight == 200)
        #expect(c.maxReportRate == 200)
        #expect(c.resolution == 2540)
        #expect(c.encodingFlag == [.monochrome, .zlib])
        #expect(c.encodings(model: .stu430V) == [.monochrome, .zlib])
        #expect(c.unitsPerMillimetre == 100)
    }

    @Test func capabilityShortFormInfersEncodings() throws {
        let short = Array(Self.capability430V.prefix(11))
        let c = try WacomSTUCapability(report: short)
        #expect(c.resolution == nil && c.maxReportRate == nil && c.encodingFlag == nil)
        #expect(c.encodings(model: .stu500) == [.monochrome])
        #expect(c.encodings(model: .stu540) == [.color24, .color16, .monochrome, .zlib])
        #expect(c.encodings(model: .stu520A) == [.color16, .monochrome])
        #expect(c.encodings(model: nil) == [.monochrome])
    }

    @Test func capabilityRejectsZeroMaxima() {
        #expect(throws: WacomSTUError.invalidCapability("the maximum X is 0")) {
            try WacomSTUCapability(report: hexBytes("09 00 00 17 70 03 FF 01 40 00 C8"))
        }
        #expect(throws: WacomSTUError.invalidCapability("the maximum pressure is 0")) {
            try WacomSTUCapability(report: hexBytes("09 25 80 17 70 00 00 01 40 00 C8"))
        }
    }

    @Test func informationVectorSTU540() throws {
        let info = try WacomSTUInformation(report: hexBytes("08 53 54 55 2D 35 34 30 00 00 01 00 00 02 00 00 00"))
        #expect(info.modelName == "STU-540")
        #expect(info.firmwareMajor == 1 && info.firmwareMinor == 0)
        #expect(info.firmwareVersion == "1.0")
        #expect(info.secureIC == 0)
        #expect(info.secureICVersion == [2, 0, 0, 0])
    }

    @Test func statusAndIdentity() throws {
        let status = try WacomSTUStatus(report: [0x03, 0x01, 0x00, 0x12, 0x34])
        #expect(status.status == .image)
        #expect(status.lastCommandSucceeded)
        #expect(status.statusWord == 0x1234)
        #expect(try WacomSTUStatus(report: [0x03, 0x02, 0x02, 0, 0]).lastResultCode == 2)
        #expect(try WacomSTUStatus(report: [0x03, 0x42, 0, 0, 0]).status == .unknown(0x42))
        #expect(try WacomSTUIdentity.uid2(report: [0x0B] + Array("5JZQS00032".utf8)) == "5JZQS00032")
        #expect(try WacomSTUIdentity.uid(report: [0x0A, 0x00, 0xC0, 0xFF, 0xEE]) == 0x00C0FFEE)
        #expect(try WacomSTUIdentity.eserial(report: [0x0F] + Array("ABCDEFGHIJKLM".utf8)) == "ABCDEFGHIJKLM")
    }

    @Test func modelsByProductID() {
        #expect(WacomSTUModel(productID: 0xA4) == .stu430)
        #expect(WacomSTUModel(productID: 0xA8) == .stu540)
        #expect(WacomSTUModel(productID: 0xA9) == .stu541)
        #expect(WacomSTUModel(productID: 0x1234) == nil)
        #expect(WacomSTUModel.stu430.description == "STU-430")
        #expect(WacomSTUModel.stu430.supportsTimedPenData && !WacomSTUModel.stu520A.supportsTimedPenData)
        #expect(WacomSTUModel.vendorID == 0x056A)
    }

    // MARK: Pen data

    @Test func penDataVectors() throws {
        let d = try Self.decoder()
        let a = try d.decode(hexBytes("01 92 64 14 DB 0D C8"))
        #expect(a.inProximity && a.switchState == 1 && a.rawPressure == 612 && a.rawX == 5339 && a.rawY == 3528)
        #expect(a.timeCount == nil && a.sequence == nil && !a.outOfRange)
        #expect(a.sample == PenSample(x: 5339.0 / 9600, y: 3528.0 / 6000, pressure: 612.0 / 1023, tipDown: true))

        let t = try d.decode(hexBytes("34 92 64 14 DB 0D C8 0D B9 00 01"))
        #expect(t.reportID == 0x34 && t.rawPressure == 612 && t.rawX == 5339 && t.rawY == 3528)
        #expect(t.timeCount == 3513 && t.sequence == 1)

        let b = try d.decode(hexBytes("01 90 40 12 D3 0C 27"))
        #expect(b.inProximity && b.switchState == 1 && b.rawPressure == 64 && b.rawX == 4819 && b.rawY == 3111)

        let hover = try d.decode(hexBytes("01 80 00 12 38 0B 90"))
        #expect(hover.inProximity && hover.switchState == 0 && hover.rawPressure == 0)
        #expect(hover.rawX == 4664 && hover.rawY == 2960 && !hover.sample.tipDown)

        let away = try d.decode(hexBytes("34 00 00 00 00 00 00 0E 70 00 16"))
        #expect(!away.inProximity && away.switchState == 0 && away.rawX == 0 && away.rawY == 0)
        #expect(away.timeCount == 3696 && away.sequence == 22)
        #expect(d.sample(from: hexBytes("01 92 64 14 DB 0D C8"))?.tipDown == true)
    }

    @Test func outOfRangeValuesAreClampedAndFlagged() throws {
        let d = try Self.decoder()
        let r = try d.decode([0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(r.outOfRange)
        #expect(r.rawPressure == 0x0FFF && r.switchState == 7)
        #expect(r.sample.x == 1 && r.sample.y == 1 && r.sample.pressure == 1)
    }

    @Test func hostilePenReportsThrowSentences() throws {
        let d = try Self.decoder()
        #expect(throws: WacomSTUError.emptyReport) { try d.decode([]) }
        #expect(throws: WacomSTUError.reportTooShort(reportID: 0x01, needed: 7, got: 6)) { try d.decode([1, 0x92, 0x64, 0x14, 0xDB, 0x0D]) }
        #expect(throws: WacomSTUError.reportTooShort(reportID: 0x34, needed: 11, got: 7)) { try d.decode(hexBytes("34 92 64 14 DB 0D C8")) }
        #expect(throws: WacomSTUError.unexpectedReportID(found: 0x09, expected: [0x01, 0x34])) { try d.decode(Self.capability430V) }
        #expect(d.sample(from: [0x50]) == nil)
        for error: WacomSTUError in [.emptyReport, .unexpectedReportID(found: 2, expected: [1]),
                                     .reportTooShort(reportID: 1, needed: 7, got: 2), .invalidCapability("x"),
                                     .sessionMismatch(expected: 1, found: 2), .parameterOutOfRange("x"),
                                     .imageSizeMismatch(expectedWidth: 1, expectedHeight: 1, width: 2, height: 2),
                                     .pixelCountMismatch(expected: 1, got: 2), .encodingNotSupported("x")] {
            #expect(error.description.hasSuffix("."))
            #expect(error.description.first?.isUppercase == true)
        }
    }

    @Test func decryptedPayloads() throws {
        let d = try Self.decoder()
        let session: UInt32 = 0x00C0FFEE
        let two = hexBytes("00 C0 FF EE  92 64 14 DB 0D C8  90 40 12 D3 0C 27")
        let samples = try d.decodeDecrypted(reportID: 0x10, plaintext: two, session: session)
        #expect(samples.count == 2)
        #expect(samples[0].rawX == 5339 && samples[1].rawX == 4819 && samples[1].rawPressure == 64)
        #expect(throws: WacomSTUError.sessionMismatch(expected: 1, found: session)) {
            try d.decodeDecrypted(reportID: 0x10, plaintext: two, session: 1)
        }
        let timed = hexBytes("92 64 14 DB 0D C8  0D B9 00 01  00 00  00 C0 FF EE")
        let one = try d.decodeDecrypted(reportID: 0x33, plaintext: timed, session: session)
        #expect(one.count == 1 && one[0].timeCount == 3513 && one[0].sequence == 1 && one[0].rawY == 3528)
        #expect(throws: WacomSTUError.reportTooShort(reportID: 0x33, needed: 17, got: 5)) {
            try d.decodeDecrypted(reportID: 0x33, plaintext: [1, 2, 3, 4], session: session)
        }
        #expect(throws: (any Error).self) { try d.decodeDecrypted(reportID: 0x01, plaintext: timed, session: session) }
    }

    @Test func timelineUnwrapsAndCountsGaps() throws {
        let d = try Self.decoder()
        var line = WacomSTUTimeline()
        #expect(line.advance(with: try d.decode(hexBytes("01 92 64 14 DB 0D C8"))) == nil)
        #expect(line.advance(with: try d.decode(hexBytes("34 92 64 14 DB 0D C8 0D B9 00 01"))) == 0)
        // The real trace's last row: time 3696, sequence 22 → 183 ms later, 20 reports missed.
        #expect(line.advance(with: try d.decode(hexBytes("34 00 00 00 00 00 00 0E 70 00 16"))) == 183)
        #expect(line.droppedReports == 20)
        // Wrap of both counters.
        var wrap = WacomSTUTimeline()
        wrap.advance(with: try d.decode(hexBytes("34 92 64 14 DB 0D C8 FF FE FF FF")))
        #expect(wrap.advance(with: try d.decode(hexBytes("34 92 64 14 DB 0D C8 00 03 00 00"))) == 5)
        #expect(wrap.droppedReports == 0)
    }

    // MARK: Commands

    @Test func researchCommandVectors() throws {
        let area = try WacomSTURect.fullScreen(try WacomSTUCapability(report: Self.capability430V))
        #expect(WacomSTUCommands.handwritingDisplayArea(area) == hexBytes("2A 00 00 00 00 3F 01 C7 00"))
        #expect(try WacomSTUCommands.inkThreshold() == hexBytes("22 15 00 10 00"))
        #expect(WacomSTUCommands.startCapture(session: 0x00C0FFEE) == hexBytes("15 00 C0 FF EE"))
        #expect(WacomSTUCommands.setEncryptionType() == hexBytes("40 01 02 82") + [UInt8](repeating: 0, count: 64))
        let e = try WacomSTUCommands.setParameterBlock(.rsaE, bigEndian: [0x01, 0x00, 0x01])
        #expect(e == [hexBytes("40 02 00 03 01 00 01") + [UInt8](repeating: 0, count: 61)])
    }

    @Test func simpleCommands() throws {
        #expect(WacomSTUCommands.clearScreen() == [0x20, 0x00])
        #expect(WacomSTUCommands.inkingMode(true) == [0x21, 0x01])
        #expect(WacomSTUCommands.inkingMode(false) == [0x21, 0x00])
        #expect(WacomSTUCommands.reset() == [0x04, 0x00])
        #expect(WacomSTUCommands.reset(hard: true) == [0x04, 0x01])
        #expect(WacomSTUCommands.endCapture() == [0x16, 0x00])
        #expect(WacomSTUCommands.penDataOptionMode(.timeCountAndSequence) == [0x32, 0x03])
        #expect(WacomSTUCommands.endImageData() == [0x27, 0x00])
        #expect(WacomSTUCommands.endImageData(commit: false) == [0x27, 0x01])
        #expect(WacomSTUCommands.startImageData(.monochrome) == [0x25, 0x00])
        #expect(try WacomSTUCommands.handwritingThicknessColor24(rgb: 0xFF0000, thickness: 1) == [0x2D, 0x00, 0x00, 0xFF, 0x01])
        #expect(try WacomSTUCommands.backgroundColor24(rgb: 0x123456) == [0x2E, 0x56, 0x34, 0x12])
        let rect = try WacomSTURect(x1: 10, y1: 20, x2: 300, y2: 150)
        #expect(WacomSTUCommands.clearScreenArea(rect) == hexBytes("23 00 01 0A 00 14 00 2C 01 96 00"))
        #expect(WacomSTUCommands.startImageDataArea(.color24, area: rect) == hexBytes("24 04 01 0A 00 14 00 2C 01 96 00"))
        #expect(WacomSTUCommands.getCapability.wValue == 0x0309)
        #expect(WacomSTUCommands.getInformation.length == 17)
        #expect(WacomSTUCommands.generateSymmetricKey() == [0x40, 0x05, 0, 0] + [UInt8](repeating: 0, count: 64))
        #expect(WacomSTUCommands.getParameterBlock(.rsaC, chunk: 3) == [0x40, 0x04, 0x02, 0x03] + [UInt8](repeating: 0, count: 64))
    }

    @Test func commandParametersAreChecked() throws {
        #expect(throws: (any Error).self) { try WacomSTUCommands.inkThreshold(on: 1024, off: 0) }
        #expect(throws: (any Error).self) { try WacomSTUCommands.handwritingThicknessColor24(rgb: 0, thickness: 4) }
        #expect(throws: (any Error).self) { try WacomSTUCommands.backgroundColor24(rgb: 0x1000000) }
        #expect(throws: (any Error).self) { try WacomSTURect(x1: 5, y1: 0, x2: 4, y2: 0) }
        #expect(throws: (any Error).self) { try WacomSTUCommands.setParameterBlock(.rsaN, bigEndian: []) }
        #expect(throws: (any Error).self) { try WacomSTUCommands.imageDataBlock([1, 2, 3][...], reportLength: 5) }
    }

    @Test func modulusSplitsIntoChunks() throws {
        let modulus = (0..<256).map { UInt8($0) }
        let reports = try WacomSTUCommands.setParameterBlock(.rsaN, bigEndian: modulus)
        #expect(reports.count == 4)
        for (i, r) in reports.enumerated() {
            #expect(r.count == 68 && Array(r[0..<4]) == [0x40, 0x02, 0x01, 64])
            #expect(Array(r[4...]) == Array(modulus[i * 64..<(i + 1) * 64]))
        }
        let chunk = try WacomSTUCommands.parameterBlockChunk(report: [0x40, 0x04, 0x02, 0x00] + modulus.prefix(64))
        #expect(chunk == Array(modulus.prefix(64)))
    }

    @Test func encryptionStatusParses() throws {
        let s = try WacomSTUEncryptionStatus(report: hexBytes("50 02 82 00 00 00 FF 00 07 00 00 00 00 00 00 00 00"))
        #expect(s.symmetricKeyType == 2 && s.asymmetricPadding == 2 && s.asymmetricKeyType == 2)
        #expect(s.publicKeyAccepted && s.statusRSAc == 0xFF && s.capabilities == 7)
    }

    // MARK: Images

    @Test func monochromePacking() throws {
        // 10×2: row 0 inks x = 0 and x = 9; row 1 inks x = 8.
        var ink = [Bool](repeating: false, count: 20)
        ink[0] = true; ink[9] = true; ink[18] = true
        let image = try WacomSTUImage.monochrome(width: 10, height: 2, ink: ink)
        #expect(image.data == [0x7F, 0xBF, 0xFF, 0x7F])
        #expect(image.encoding == .monochrome)
    }

    @Test func colourPacking() throws {
        let c24 = try WacomSTUImage.color24(width: 2, height: 1, rgb: [0xFF0000, 0x0000FF])
        #expect(c24.data == [0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00])
        let c16 = try WacomSTUImage.color16(width: 1, height: 1, rgb565: [0xF800])
        #expect(c16.data == [0xF8, 0x00])
        let viaRGB = try WacomSTUImage.fromRGB(width: 1, height: 1, rgb: [0xFF0000], accepting: [.color16, .monochrome])
        #expect(viaRGB.encoding == .color16 && viaRGB.data == [0xF8, 0x00])
        let mono = try WacomSTUImage.fromRGB(width: 2, height: 1, rgb: [0x000000, 0xFFFFFF], accepting: [.monochrome])
        #expect(mono.data == [0x7F])
        #expect(throws: WacomSTUError.pixelCountMismatch(expected: 4, got: 3)) {
            try WacomSTUImage.color24(width: 2, height: 2, rgb: [0, 0, 0])
        }
        #expect(throws: (any Error).self) { try WacomSTUImage.monochrome(width: 0, height: 1, ink: []) }
    }

    @Test func fullScreenUploadFor430() throws {
        let cap = try WacomSTUCapability(report: Self.capability430V)
        // "Sign for $123.45" rendered elsewhere; here a diagonal stands in for the prompt pixels.
        let ink = (0..<(320 * 200)).map { i in i % 320 == (i / 320) }
        let image = try WacomSTUImage.monochrome(width: 320, height: 200, ink: ink)
        #expect(image.data.count == 8000)
        let reports = try WacomSTUImageUpload.reports(for: image, capability: cap, model: .stu430V)
        #expect(reports.first == [0x25, 0x00])
        #expect(reports.last == [0x27, 0x00])
        let blocks = reports.dropFirst().dropLast()
        #expect(blocks.count == 32)   // ceil(8000 / 253)
        var joined: [UInt8] = []
        for block in blocks {
            #expect(block.count == 256 && block[0] == 0x26)
            let length = Int(block[1]) | Int(block[2]) << 8
            #expect(length == 253 || block == blocks.last!)
            #expect(block[(3 + length)...].allSatisfy { $0 == 0 })
            joined += block[3..<(3 + length)]
        }
        #expect(joined == image.data)
        #expect(blocks.last.map { Int($0[1]) | Int($0[2]) << 8 } == 8000 - 31 * 253)
    }

    @Test func uploadChecksEncodingSizeAndArea() throws {
        let cap = try WacomSTUCapability(report: Self.capability430V)
        let colour = try WacomSTUImage.color24(width: 320, height: 200, rgb: [UInt32](repeating: 0xFFFFFF, count: 64000))
        #expect(throws: WacomSTUError.encodingNotSupported("24-bit colour")) {
            try WacomSTUImageUpload.reports(for: colour, capability: cap)
        }
        let small = try WacomSTUImage.monochrome(width: 8, height: 2, ink: [Bool](repeating: true, count: 16))
        #expect(throws: WacomSTUError.imageSizeMismatch(expectedWidth: 320, expectedHeight: 200, width: 8, height: 2)) {
            try WacomSTUImageUpload.reports(for: small, capability: cap)
        }
        let area = try WacomSTURect(x1: 8, y1: 10, x2: 15, y2: 11)
        let reports = try WacomSTUImageUpload.reports(for: small, capability: cap, area: area)
        #expect(reports == [hexBytes("24 00 01 08 00 0A 00 0F 00 0B 00"),
                            [0x26, 0x02, 0x00, 0x00, 0x00] + [UInt8](repeating: 0, count: 251),
                            [0x27, 0x00]])
        let offScreen = try WacomSTURect(x1: 316, y1: 0, x2: 323, y2: 1)
        #expect(throws: (any Error).self) { try WacomSTUImageUpload.reports(for: small, capability: cap, area: offScreen) }
        let zlib = try WacomSTUImage.monochromeZlib(width: 320, height: 200, compressed: [0x78, 0x9C, 0x03, 0x00])
        #expect(try WacomSTUImageUpload.reports(for: zlib, capability: cap).first == [0x25, 0x01])
    }

    @Test func colourUploadFor540UsesBigBlocksWhenAsked() throws {
        let cap = try WacomSTUCapability(tabletMaxX: 10800, tabletMaxY: 6480, tabletMaxPressure: 1023,
                                          screenWidth: 800, screenHeight: 480)
        let image = try WacomSTUImage.fromRGB(width: 800, height: 480, rgb: [UInt32](repeating: 0x102030, count: 384_000),
                                              accepting: cap.encodings(model: .stu540))
        #expect(image.encoding == .color24 && image.data.count == 1_152_000)
        let reports = try WacomSTUImageUpload.reports(for: image, capability: cap, model: .stu540, blockReportLength: 2560)
        #expect(reports.count == 2 + (1_152_000 + 2556) / 2557)
        #expect(reports[1].count == 2560 && reports[1][1] == 0xFD && reports[1][2] == 0x09)
    }

    // MARK: Robustness

    @Test func twentyThousandRandomReportsNeverCrash() throws {
        let d = try Self.decoder()
        var rng = SplitMix64(seed: 0x57A1_0430)
        let ids: [UInt8] = [0x01, 0x34, 0x03, 0x08, 0x09, 0x0A, 0x0B, 0x0F, 0x10, 0x33, 0x40, 0x50]
        var decoded = 0, rejected = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...24, using: &rng)
            var report = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if !report.isEmpty, Bool.random(using: &rng) { report[0] = ids.randomElement(using: &rng)! }
            do {
                let r = try d.decode(report)
                decoded += 1
                for v in [r.sample.x, r.sample.y, r.sample.pressure] { #expect(v >= 0 && v <= 1) }
            } catch {
                rejected += 1
                #expect(!error.description.isEmpty)
            }
            _ = try? WacomSTUCapability(report: report)
            _ = try? WacomSTUInformation(report: report)
            _ = try? WacomSTUStatus(report: report)
            _ = try? WacomSTUEncryptionStatus(report: report)
            _ = try? WacomSTUIdentity.uid2(report: report)
            _ = try? WacomSTUIdentity.eserial(report: report)
            _ = try? WacomSTUCommands.parameterBlockChunk(report: report)
            if report.count >= 1 {
                _ = try? d.decodeDecrypted(reportID: report[0], plaintext: Array(report.dropFirst()), session: 0)
            }
        }
        #expect(decoded > 1000 && rejected > 1000)
    }
}
