import Foundation
import Testing
@testable import KioskDevices

/// Hostile input: the parser must never trap or hang, and must either parse or throw.
/// Successful parses are pushed through decoding and pen detection as well, with the layout
/// invariants checked, because a descriptor that parses can still be weird.
@Suite("HID parser robustness")
struct HIDRobustnessTests {
    /// Outcome counters, so the test can show both paths were exercised.
    struct Tally {
        var parsed = 0
        var rejected = 0
    }

    /// Parses, then (on success) checks invariants and decodes a few random reports.
    static func exercise(_ bytes: [UInt8], rng: inout SplitMix64, tally: inout Tally) {
        let descriptor: HIDReportDescriptor
        do {
            descriptor = try HIDReportDescriptor(bytes)
        } catch {
            tally.rejected += 1
            #expect(!error.description.isEmpty)
            if let offset = error.offset { #expect(offset >= 0 && offset < max(bytes.count, 1)) }
            return
        }
        tally.parsed += 1
        let limits = HIDParserLimits.default
        for report in descriptor.reports {
            #expect(report.bitLength >= 0 && report.bitLength <= limits.maxReportBits)
            #expect(report.fields.count <= limits.maxFieldsPerReport)
            var cursor = 0
            for field in report.fields {
                #expect(field.bitOffset >= cursor)
                #expect(field.bitSize >= 1 && field.bitSize <= limits.maxReportSize && field.count >= 1)
                #expect(field.logicalMaximum >= field.logicalMinimum)
                cursor = field.bitOffset + field.totalBits
                _ = report.collectionPath(of: field)
                _ = field.physicalValue(field.logicalMaximum)
                _ = field.resolution
            }
            #expect(cursor <= report.bitLength)
            // Random reports of random length (shorter, exact, longer), plus the right ID byte.
            for _ in 0..<2 {
                let length = Int.random(in: 0...(report.wireLength + 2), using: &rng)
                var data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
                if report.usesReportIDs, !data.isEmpty { data[0] = report.reportID }
                if let decoded = report.decode(data) {
                    #expect(decoded.values.count <= report.bitLength)
                }
                _ = descriptor.decode(data, type: report.type)
            }
        }
        for profile in DigitizerProfile.candidates(in: descriptor) {
            let length = Int.random(in: 0...(profile.layout.wireLength + 1), using: &rng)
            var data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if profile.layout.usesReportIDs, !data.isEmpty { data[0] = profile.reportID }
            if let sample = profile.sample(from: data) {
                #expect((0...1).contains(sample.x) && (0...1).contains(sample.y) && (0...1).contains(sample.pressure))
            }
        }
    }

    @Test("20,000 random byte strings never crash")
    func randomBytes() {
        var rng = SplitMix64(seed: 0x4B10_5C9A_D5E5_0001)
        var tally = Tally()
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...160, using: &rng)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            // Bias a quarter of them towards plausible items so the parser gets past byte 3.
            if Int.random(in: 0..<4, using: &rng) == 0 {
                let plausible: [UInt8] = [0x05, 0x09, 0x15, 0x25, 0x75, 0x95, 0x81, 0xA1, 0xC0, 0x85, 0xA4, 0xB4, 0x19, 0x29]
                for index in stride(from: 0, to: bytes.count, by: 2) {
                    bytes[index] = plausible[Int.random(in: 0..<plausible.count, using: &rng)]
                }
            }
            Self.exercise(bytes, rng: &rng, tally: &tally)
        }
        print("HID random bytes: \(tally.parsed) parsed, \(tally.rejected) rejected")
        #expect(tally.parsed + tally.rejected == 20_000)
        #expect(tally.parsed > 0 && tally.rejected > 0)
    }

    @Test("5,000 mutations of the vector descriptors never crash")
    func mutations() {
        let seeds = [HIDFixtures.tv1, HIDFixtures.tv2, HIDFixtures.tv3, HIDFixtures.tv4]
        var rng = SplitMix64(seed: 0x4B10_5C9A_D5E5_0002)
        var tally = Tally()
        for _ in 0..<5_000 {
            var bytes = seeds[Int.random(in: 0..<seeds.count, using: &rng)]
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<6, using: &rng) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)                  // replace
                case 1: bytes[at] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng)       // bit flip
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)       // insert
                case 3: bytes.remove(at: at)                                                // delete
                case 4: bytes.removeSubrange(at...)                                         // truncate
                default:                                                                    // duplicate a run
                    let end = min(bytes.count, at + Int.random(in: 1...16, using: &rng))
                    bytes.insert(contentsOf: bytes[at..<end], at: at)
                }
            }
            Self.exercise(bytes, rng: &rng, tally: &tally)
        }
        print("HID mutations: \(tally.parsed) parsed, \(tally.rejected) rejected")
        #expect(tally.parsed + tally.rejected == 5_000)
        #expect(tally.parsed > 0 && tally.rejected > 0)
    }

    @Test("hand-built layouts with odd values are clamped and renumbered, not trusted")
    func handBuiltLayouts() {
        let odd = HIDField(index: 7, descriptorOffset: -1, bitOffset: -5, bitSize: -3, count: -2,
                           flags: [.variable], usages: HIDUsageList([HIDUsageRange(page: 1, minimum: 0x30, maximum: 0x31)]),
                           logicalMinimum: 0, logicalMaximum: 1, physicalMinimum: 0, physicalMaximum: 0,
                           unitExponent: 0, unit: .none, collectionIndex: 99, applicationCollectionIndex: -4)
        let huge = HIDField(index: 0, descriptorOffset: 0, bitOffset: Int.max, bitSize: Int.max, count: 3,
                            flags: [.variable], usages: HIDUsageList([HIDUsageRange(page: 1, minimum: 0x31, maximum: 0x31)]),
                            logicalMinimum: -1, logicalMaximum: 1, physicalMinimum: 0, physicalMaximum: 0,
                            unitExponent: 0, unit: .none, collectionIndex: nil, applicationCollectionIndex: nil)
        #expect(odd.bitOffset == 0 && odd.bitSize == 0 && odd.count == 0)
        let layout = HIDReportLayout(type: .input, reportID: 0, usesReportIDs: false, fields: [odd, huge],
                                     bitLength: 10, collections: [])
        #expect(layout.fields.map(\.index) == [0, 1])
        #expect(layout.collectionPath(of: layout.fields[0]).isEmpty && layout.applicationUsage(of: layout.fields[0]) == nil)
        let decoded = layout.decode([1, 2, 3])
        #expect(decoded?.values.count == 3 && decoded?.values.allSatisfy { !$0.isComplete } == true)
        _ = DigitizerProfile.profile(for: layout)
    }

    @Test("worst-case sizes stay bounded: maximal reports decode quickly")
    func maximalReports() throws {
        // 256-bit elements × 511 = 130,816 bits, just under the limit, as an input report.
        let d = try HIDReportDescriptor(hexBytes("05 01 09 30 15 00 25 01 76 00 01 96 FF 01 81 02"))
        let report = try #require(d.report(.input, id: 0))
        #expect(report.bitLength == 130_816)
        let decoded = try #require(report.decode([UInt8](repeating: 0xFF, count: report.wireLength)))
        #expect(decoded.values.count == 511 && decoded.values.allSatisfy { $0.rawBits == UInt64.max })
        // 1-bit elements up to the report limit across several items.
        var many = hexBytes("05 09 19 01 29 08 15 00 25 01 75 01 96 00 30")
        for _ in 0..<10 { many += [0x19, 0x01, 0x29, 0x08, 0x81, 0x02] }
        let big = try HIDReportDescriptor(many)
        #expect(big.reports.first?.bitLength == 122_880)
        let values = try #require(big.decode([UInt8](repeating: 0xAA, count: 15_360)))
        #expect(values.values.count == 122_880)
    }
}
