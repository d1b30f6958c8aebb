import Foundation
import Testing
@testable import KioskDevices

/// TV1–TV4 from signature-pads.md §2.8 / signature-pad-vectors.json.
@Suite("HID descriptor test vectors")
struct HIDVectorTests {
    static let vectors: [HIDVector] = (try? HIDFixtures.loadVectors()) ?? []

    @Test("fixture has the four vectors and matches the literal copies")
    func fixtureLoads() throws {
        let vectors = try HIDFixtures.loadVectors()
        #expect(vectors.count == 4)
        #expect(vectors.map(\.descriptor) == [HIDFixtures.tv1, HIDFixtures.tv2, HIDFixtures.tv3, HIDFixtures.tv4])
        #expect(vectors.map(\.descriptor.count) == [124, 84, 79, 133])
        #expect(vectors.flatMap(\.samples).count == 7)
    }

    @Test("each sample report decodes to exactly the expected values", arguments: vectors)
    func samplesDecode(_ vector: HIDVector) throws {
        let descriptor = try #require(hidParse(vector.descriptor))
        for sample in vector.samples {
            let layout = try #require(descriptor.layout(forReport: sample.report), "no layout for \(sample.report)")
            let decoded = try #require(layout.decode(sample.report))
            #expect(Int(decoded.reportID) == sample.expectedID)
            #expect(!decoded.isTruncated)
            #expect(layout.wireLength == sample.report.count)
            #expect(!sample.expected.isEmpty)
            #expect(HIDFixtures.render(decoded, layout: layout) == sample.expected)
        }
    }

    @Test("TV1 ePad layout: no IDs, 6-byte report, physical ranges and units")
    func tv1Layout() throws {
        let d = try #require(hidParse(HIDFixtures.tv1))
        #expect(!d.usesReportIDs)
        #expect(d.reports.count == 1)
        let r = try #require(d.report(.input, id: 0))
        #expect(r.bitLength == 48 && r.wireLength == 6 && !r.usesReportIDs)
        let table = r.fields.map { [$0.bitOffset, $0.bitSize, $0.count] }
        #expect(table == [[0, 1, 1], [1, 1, 1], [2, 3, 1], [5, 1, 1], [6, 1, 1], [7, 1, 1],
                          [8, 16, 1], [24, 16, 1], [40, 7, 1], [47, 1, 1]])
        let array = r.fields[2]
        #expect(array.isArray && array.logicalMinimum == 1 && array.logicalMaximum == 3)
        #expect(array.usages[0] == HIDUsage(page: 0xFF00, id: 1) && array.usages.count == 3)
        // The array sits in a Logical collection tagged Tablet Function Keys inside the vendor TLC.
        let path = r.collectionPath(of: array)
        #expect(path.map(\.type) == [.application, .logical])
        #expect(path.map(\.usage) == [HIDUsage(page: 0xFF00, id: 0xFF), HIDUsage(page: 0x0D, id: 0x39)])
        let x = r.fields[6], y = r.fields[7], p = r.fields[8]
        #expect(x.usages[0] == .x && x.logicalMaximum == 2896 && x.physicalMaximum == 8960)
        #expect(x.unitExponent == -3 && x.unit == .inch)
        #expect(y.usages[0] == .y && y.logicalMaximum == 1370 && y.physicalMaximum == 5120)
        #expect(abs((x.resolution ?? 0) - 2896.0 / 8.96) < 0.01)
        #expect(abs((x.physicalValue(2896) ?? 0) - 8.96) < 1e-9)
        #expect(p.usages[0] == .tipPressure && p.logicalMaximum == 127 && p.physicalMaximum == 127)
        #expect(p.unit == .none && p.unitExponent == 0 && p.flags.contains(.nonLinear))
        #expect(r.fields[9].isConstant && r.fields[5].isConstant)
    }

    @Test("TV2 Waltop: Push/Pop restores page and physical range; array of switches")
    func tv2Layout() throws {
        let d = try #require(hidParse(HIDFixtures.tv2))
        #expect(d.usesReportIDs)
        let r = try #require(d.report(.input, id: 0x10))
        #expect(r.bitLength == 56 && r.wireLength == 8)
        #expect(r.fields.map(\.bitOffset) == [0, 4, 5, 8, 24, 40])
        let array = r.fields[0]
        #expect(array.isArray && array.usages.ranges.map { $0.usage(at: 0) } == [.tipSwitch, .barrelSwitch, .tabletPick])
        #expect(array.usage(forArrayValue: 1) == .tipSwitch && array.usage(forArrayValue: 3) == .tabletPick)
        #expect(array.usage(forArrayValue: 0) == nil && array.usage(forArrayValue: 4) == nil)
        #expect(r.fields[3].usages[0] == .x && r.fields[3].physicalMaximum == 5000 && r.fields[3].unitExponent == -3)
        let pressure = r.fields[5]
        #expect(pressure.usages[0] == .tipPressure)
        #expect(pressure.physicalMinimum == 0 && pressure.physicalMaximum == 0 && pressure.unit == .none)
        #expect(pressure.unitExponent == 0 && pressure.logicalMaximum == 1023)
    }

    @Test("TV4: two report IDs, Push/Pop scoping across TLCs, relative signed mouse")
    func tv4Layout() throws {
        let d = try #require(hidParse(HIDFixtures.tv4))
        #expect(d.reports.map(\.reportID) == [9, 8])
        #expect(d.collections.filter { $0.depth == 0 }.map(\.usage) == [.digitizer, HIDUsage(page: 1, id: 2)])
        let mouse = try #require(d.report(.input, id: 8))
        #expect(mouse.bitLength == 40 && mouse.wireLength == 6)
        let buttons = mouse.fields[0]
        #expect(buttons.usages.count == 3 && buttons.usages[2] == HIDUsage(page: 9, id: 3))
        let xy = mouse.fields[2]
        #expect(xy.isRelative && xy.isSigned && xy.logicalMinimum == -127 && xy.logicalMaximum == 127)
        // The pen TLC set inch/10⁻³ between Push and Pop, so none of it leaks into the mouse TLC.
        #expect(xy.unitExponent == 0 && xy.unit == .none)
        #expect(d.report(.input, id: 9)?.fields[2].unit == .inch)
        #expect(mouse.fields[3].logicalMinimum == -1 && mouse.fields[3].logicalMaximum == 1)
        #expect(d.report(.input, id: 9)?.fields.map(\.bitOffset) == [0, 3, 8, 24, 40])
    }

    @Test("DigitizerProfile finds the pen report in every vector", arguments: vectors)
    func profileFound(_ vector: HIDVector) throws {
        let d = try #require(hidParse(vector.descriptor))
        let profile = try #require(DigitizerProfile.detect(in: d))
        #expect(profile.xField.usages.contains(.x) && profile.yField.usages.contains(.y))
        #expect(profile.tipPressure != nil)
        #expect(profile.tipSwitch != nil || profile.touch != nil)
    }

    @Test("TV1 ePad samples normalize (Touch as contact, no In Range)")
    func tv1Samples() throws {
        let profileDescriptor = try #require(hidParse(HIDFixtures.tv1))
        let profile = try #require(DigitizerProfile.detect(in: profileDescriptor))
        #expect(profile.reportID == 0 && profile.tipSwitch == nil && profile.touch != nil && profile.inRange == nil)
        let down = try #require(profile.sample(from: hexBytes("204804390240")))
        #expect(down.tipDown && down.inRange == nil)
        #expect(down.rawX == 1096 && down.rawY == 569 && down.rawPressure == 64)
        #expect(abs(down.x - 1096.0 / 2896) < 1e-12 && abs(down.y - 569.0 / 1370) < 1e-12)
        #expect(abs(down.pressure - 64.0 / 127) < 1e-12)
        let up = try #require(profile.sample(from: [UInt8](repeating: 0, count: 6)))
        #expect(!up.tipDown && up.x == 0 && up.y == 0 && up.pressure == 0)
    }

    @Test("TV2 Waltop samples: tip via array, hover")
    func tv2Samples() throws {
        let profileDescriptor = try #require(hidParse(HIDFixtures.tv2))
        let profile = try #require(DigitizerProfile.detect(in: profileDescriptor))
        #expect(profile.reportID == 0x10)
        if case .array = profile.tipSwitch {} else { Issue.record("tip switch should be an array choice") }
        let down = try #require(profile.sample(from: hexBytes("10118813b80bff03")))
        #expect(down.tipDown && down.inRange == true && !down.barrelSwitch)
        #expect(down.x == 0.5 && down.y == 0.5 && down.pressure == 1)
        let hover = try #require(profile.sample(from: hexBytes("10104c04d0070000")))
        #expect(!hover.tipDown && hover.inRange == true && hover.pressure == 0)
        #expect(abs(hover.x - 0.11) < 1e-12 && abs(hover.y - 2000.0 / 6000) < 1e-12)
        // Barrel selected through the array (value 2).
        let barrel = try #require(profile.sample(from: hexBytes("10124c04d0070000")))
        #expect(barrel.barrelSwitch && !barrel.tipDown)
        // Another report ID is not a pen report.
        #expect(profile.sample(from: hexBytes("11118813b80bff03")) == nil)
        #expect(profile.sample(from: []) == nil)
    }

    @Test("TV3 and TV4 pen samples; TV4 mouse report is not a pen report")
    func tv3tv4Samples() throws {
        let p3Descriptor = try #require(hidParse(HIDFixtures.tv3))
        let p3 = try #require(DigitizerProfile.detect(in: p3Descriptor))
        let s3 = try #require(p3.sample(from: hexBytes("098110270b1a0002")))
        #expect(s3.tipDown && s3.inRange == true && s3.x == 0.5)
        #expect(abs(s3.y - 6667.0 / 13166) < 1e-12 && abs(s3.pressure - 512.0 / 1023) < 1e-12)

        let d4 = try #require(hidParse(HIDFixtures.tv4))
        #expect(DigitizerProfile.candidates(in: d4).map(\.reportID) == [9])
        let p4 = try #require(DigitizerProfile.detect(in: d4))
        let s4 = try #require(p4.sample(from: hexBytes("0901ff7fff7fff03")))
        #expect(s4.tipDown && s4.x == 1 && s4.y == 1 && s4.pressure == 1 && s4.inRange == nil)
        #expect(p4.sample(from: hexBytes("0801fe05ff00")) == nil)
    }

    @Test("pressure-only pen: tip down means pressure above its minimum")
    func pressureOnly() throws {
        let d = try #require(hidParse(hexBytes("""
            05 0D 09 02 A1 01 05 01 09 30 09 31 15 00 26 FF 0F 75 10 95 02 81 02
            05 0D 09 30 26 FF 00 75 08 95 01 81 02 C0
            """)))
        let profile = try #require(DigitizerProfile.detect(in: d))
        #expect(profile.tipSwitch == nil && profile.touch == nil && profile.tipPressure != nil)
        let up = try #require(profile.sample(from: hexBytes("00 08 00 04 00")))
        #expect(!up.tipDown && up.pressure == 0 && abs(up.x - 2048.0 / 4095) < 1e-12)
        let down = try #require(profile.sample(from: hexBytes("00 08 00 04 0A")))
        #expect(down.tipDown && abs(down.pressure - 10.0 / 255) < 1e-12)
    }

    @Test("no pen in a mouse or a plain absolute pointer")
    func notAPen() throws {
        // TV4's mouse collection alone (relative X/Y).
        let mouse = try #require(hidParse(Array(HIDFixtures.tv4[73...])))
        #expect(mouse.report(.input, id: 8) != nil)
        #expect(DigitizerProfile.detect(in: mouse) == nil)
        // Absolute X/Y with a button, but nothing from the Digitizer page.
        let pointer = try #require(hidParse(hexBytes("""
            05 01 09 01 A1 01 05 09 09 01 15 00 25 01 75 01 95 01 81 02 75 07 81 01
            05 01 09 30 09 31 26 FF 7F 75 10 95 02 81 02 C0
            """)))
        #expect(DigitizerProfile.detect(in: pointer) == nil)
    }
}
