import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import KioskDevices

/// Collects the elements of an SVG document.
private final class SVGCollector: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var failure: String?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
    }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        failure = "\(parseError)"
    }

    static func parse(_ text: String) -> SVGCollector? {
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = collector
        return parser.parse() && collector.failure == nil ? collector : nil
    }
}

@Suite("Signature export")
struct SignatureExportTests {
    static let identity = "Wacom STU-540 serial 5JZQS00032"

    static func geometry540() throws -> SignatureRecording.Geometry {
        try SignatureRecording.Geometry(maxX: 10800, maxY: 6480, maxPressure: 1023, unitsPerMillimetre: 100)
    }

    static func sample(_ x: Int, _ y: Int, _ p: Int, down: Bool = true) -> PenSample {
        PenSample(x: Double(x) / 10800, y: Double(y) / 6480, pressure: Double(p) / 1023, tipDown: down)
    }

    /// Two strokes (3 points, then 1 point) with hover between them.
    static func twoStrokes() throws -> SignatureRecording {
        var r = SignatureRecording(deviceIdentity: identity, geometry: try geometry540())
        r.record(report: hexBytes("34 92 64 14 DB 0D C8 0D B9 00 01"), at: 0)
        r.record(sample(5339, 3528, 612), at: 0, deviceMilliseconds: 0)
        r.record(sample(5340, 3520, 600), at: 5_000)
        r.record(sample(5400, 3500, 500), at: 10_000)
        r.record(sample(5500, 3400, 0, down: false), at: 15_000)
        r.record(sample(6000, 3000, 300), at: 20_000)
        return r
    }

    // MARK: Recording

    @Test func strokesSplitByTip() throws {
        let r = try Self.twoStrokes()
        #expect(r.samples.count == 5)
        #expect(r.reports.count == 1 && r.reports[0].microseconds == 0)
        #expect(r.strokes.map(\.count) == [3, 1])
        #expect(r.samples[0].deviceMilliseconds == 0 && r.samples[1].deviceMilliseconds == nil)
    }

    @Test func geometryIsValidated() throws {
        #expect(throws: (any Error).self) { try SignatureRecording.Geometry(maxX: 40000, maxY: 10, maxPressure: 1, unitsPerMillimetre: 1) }
        #expect(throws: (any Error).self) { try SignatureRecording.Geometry(maxX: 10, maxY: 10, maxPressure: 0, unitsPerMillimetre: 1) }
        #expect(throws: (any Error).self) { try SignatureRecording.Geometry(maxX: 10, maxY: 10, maxPressure: 1, unitsPerMillimetre: .nan) }
        let cap = try WacomSTUCapability(report: hexBytes("09 25 80 17 70 03 FF 01 40 00 C8 C8 09 EC 03 00 00"))
        let g = try SignatureRecording.Geometry(stu: cap)
        #expect(g.maxX == 9600 && g.maxY == 6000 && g.maxPressure == 1023 && g.unitsPerMillimetre == 100)
    }

    // MARK: SVG

    @Test func svgParsesWithOnePathPerStroke() throws {
        let r = try Self.twoStrokes()
        let text = r.svg(width: 400, height: 240)
        let doc = try #require(SVGCollector.parse(text))
        #expect(doc.elements.first?.name == "svg")
        let root = doc.elements[0].attributes
        #expect(root["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(root["version"] == "1.1")
        #expect(root["width"] == "400" && root["height"] == "240" && root["viewBox"] == "0 0 400 240")
        let paths = doc.elements.filter { $0.name == "path" }
        #expect(paths.count == r.strokes.count)
        // First point of the first stroke: 5339/10800 × 400 = 197.74…, 3528/6480 × 240 = 130.67.
        #expect(paths[0].attributes["d"]?.hasPrefix("M197.74 130.67 L") == true)
        #expect(paths[1].attributes["d"]?.hasSuffix(" l0 0") == true)
        #expect(!text.contains("STU") && !text.contains("5JZQS"))
        #expect(!text.contains("<metadata") && !text.contains("<title") && !text.contains("<desc"))
    }

    @Test func svgPressureWidthAndEdgeCases() throws {
        let r = try Self.twoStrokes()
        let paths = try #require(SVGCollector.parse(r.svg(width: 100, height: 60, widthFollowsPressure: true)))
            .elements.filter { $0.name == "path" }
        let widths = paths.compactMap { $0.attributes["stroke-width"].flatMap(Double.init) }
        #expect(widths.count == 2 && widths[0] > widths[1])

        let empty = SignatureRecording(deviceIdentity: "x", geometry: try Self.geometry540())
        let emptyDoc = try #require(SVGCollector.parse(empty.svg(width: -5, height: .nan)))
        #expect(emptyDoc.elements.filter { $0.name == "path" }.isEmpty)
        #expect(emptyDoc.elements[0].attributes["width"] == "1")

        var hostile = SignatureRecording(deviceIdentity: "<&\"'>", geometry: try Self.geometry540())
        hostile.record(PenSample(x: .nan, y: .infinity, pressure: -3, tipDown: true), at: 0)
        hostile.record(PenSample(x: -1, y: 2, pressure: .nan, tipDown: true), at: 1)
        let text = hostile.svg(width: 10, height: 10, widthFollowsPressure: true)
        #expect(SVGCollector.parse(text) != nil)
        #expect(!text.lowercased().contains("nan") && !text.contains("inf"))
        #expect(try hostile.iso19794_7().count > 0)
    }

    // MARK: ISO/IEC 19794-7:2007

    /// The research's synthetic record (§6.2): X, Y (100/mm, min, max), DT constant 200/s,
    /// F (min 0, max 1023), two samples.
    @Test func isoMatchesResearchVector() throws {
        var r = SignatureRecording(deviceIdentity: Self.identity, geometry: try Self.geometry540())
        r.record(Self.sample(5339, 3528, 612), at: 0)
        r.record(Self.sample(5340, 3520, 600), at: 5_000)
        let expected = hexBytes("""
            53 44 49 00 20 31 30 00 C0 C0 E0 B4 80 80 00 AA
            30 E0 B4 80 80 00 99 50 84 BC 80 60 00 00 03 FF
            00 00 00 00 02 94 DB 8D C8 02 64 94 DC 8D C0 02
            58
            """)
        #expect(try r.iso19794_7(time: .constantRate(samplesPerSecond: 200)) == expected)
    }

    @Test func isoWithTimeChannelByteByByte() throws {
        let r = try Self.twoStrokes()
        let record = try r.iso19794_7()
        var expected = hexBytes("53 44 49 00  20 31 30 00")      // format identifier, version
        expected += hexBytes("C1 40")                               // X, Y, T, F
        expected += hexBytes("E0 B4 80 80 00 AA 30")                // X: 100/mm, min 0, max 10800
        expected += hexBytes("E0 B4 80 80 00 99 50")                // Y: 100/mm, min 0, max 6480
        expected += hexBytes("80 CF A0")                            // T: 1000 ticks/s
        expected += hexBytes("60 00 00 03 FF")                      // F: min 0, max 1023
        expected += hexBytes("00 00")                               // reserved, no extended data
        expected += hexBytes("00 00 05")                            // five samples
        expected += hexBytes("94 DB 8D C8 00 00 02 64")
        expected += hexBytes("94 DC 8D C0 00 05 02 58")
        expected += hexBytes("95 18 8D AC 00 0A 01 F4")
        expected += hexBytes("95 7C 8D 48 00 0F 00 00")
        expected += hexBytes("97 70 8B B8 00 14 01 2C")
        #expect(record == expected)
        try Self.checkStructure(record, channelsWithSamples: 4)
    }

    @Test func isoTimeScaleCoarsensForLongCaptures() throws {
        var r = SignatureRecording(deviceIdentity: "", geometry: try Self.geometry540())
        r.record(Self.sample(1, 1, 1), at: 0)
        r.record(Self.sample(2, 2, 2), at: 100_000_000)   // 100 s: 1000/s would overflow
        let record = try r.iso19794_7()
        #expect(Array(record[24..<27]) == [0x80, 0xC7, 0xA0])  // T: 500 ticks/s
        #expect(Array(record[record.count - 4..<record.count - 2]) == [0xC3, 0x50])  // 50000 ticks
        try Self.checkStructure(record, channelsWithSamples: 4)

        var tooLong = SignatureRecording(deviceIdentity: "", geometry: try Self.geometry540())
        tooLong.record(Self.sample(1, 1, 1), at: 70_000_000_000)
        #expect(throws: SignatureExportError.durationTooLong(microseconds: 70_000_000_000)) { try tooLong.iso19794_7() }
    }

    @Test func isoEmptyRecording() throws {
        let r = SignatureRecording(deviceIdentity: "", geometry: try Self.geometry540())
        let record = try r.iso19794_7()
        #expect(Array(record.suffix(5)) == [0, 0, 0, 0, 0])
        try Self.checkStructure(record, channelsWithSamples: 4)
    }

    @Test func scalingValues() throws {
        #expect(try ISO19794Channel.scalingValue(100) == 0xB480)
        #expect(try ISO19794Channel.scalingValue(200) == 0xBC80)
        #expect(try ISO19794Channel.scalingValue(1000) == 0xCFA0)
        #expect(try ISO19794Channel.scalingValue(1) == 0x8000)
        #expect(try ISO19794Channel.scalingValue(0.5) == 0x7800)
        for v in [100.0, 2540 / 25.4, 1000, 39.37, 0.01] {
            let raw = try ISO19794Channel.scalingValue(v)
            #expect(abs(ISO19794Channel.scalingDouble(raw) - v) / v < 1.0 / 2048)
        }
        for bad in [0.0, -1, .nan, .infinity, 1e6, 1e-6] {
            #expect(throws: SignatureExportError.self) { try ISO19794Channel.scalingValue(bad) }
        }
        for e: SignatureExportError in [.invalidGeometry("x"), .tooManySamples(1), .durationTooLong(microseconds: 1), .unrepresentableScaling(0)] {
            #expect(e.description.hasSuffix("."))
        }
    }

    /// Walks a record: identifiers, channel descriptions by preamble, reserved and extended
    /// flags, then checks that the sample count matches the bytes that follow exactly.
    static func checkStructure(_ record: [UInt8], channelsWithSamples: Int) throws {
        #expect(Array(record[0..<4]) == [0x53, 0x44, 0x49, 0x00])
        #expect(Array(record[4..<8]) == [0x20, 0x31, 0x30, 0x00])
        let inclusion = UInt16(record[8]) << 8 | UInt16(record[9])
        var offset = 10
        var withSamples = 0
        for bit in stride(from: 15, through: 0, by: -1) where inclusion & (1 << bit) != 0 {
            let preamble = record[offset]
            let values = [0x80, 0x40, 0x20, 0x10, 0x08].filter { preamble & UInt8($0) != 0 }.count
            if preamble & 0x04 == 0 { withSamples += 1 }
            offset += 1 + 2 * values
        }
        #expect(withSamples == channelsWithSamples)
        #expect(record[offset] == 0 && record[offset + 1] == 0)
        offset += 2
        let count = Int(record[offset]) << 16 | Int(record[offset + 1]) << 8 | Int(record[offset + 2])
        offset += 3
        #expect(record.count - offset == count * 2 * withSamples)
    }
}
