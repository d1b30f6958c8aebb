import Foundation
import Testing
@testable import KioskDevices

/// The first field of the first report of a descriptor that must parse.
private func firstField(_ hex: String, sourceLocation: SourceLocation = #_sourceLocation) -> HIDField? {
    let field = hidParse(hexBytes(hex), sourceLocation: sourceLocation)?.reports.first?.fields.first
    if field == nil { Issue.record("no field", sourceLocation: sourceLocation) }
    return field
}

@Suite("HID descriptor parser quirks")
struct HIDParserTests {
    // MARK: Logical / physical sign rule

    @Test("Logical Maximum is unsigned unless Logical Minimum is negative (Linux rule)", arguments: [
        ("15 00 25 FF", 0, 255),
        ("25 FF", 0, 255),              // minimum defaults to 0
        ("15 80 25 FF", -128, -1),
        ("15 81 25 7F", -127, 127),
        ("15 FF 25 01", -1, 1),
        ("15 00 26 FF 00", 0, 255),
        ("16 00 80 26 FF 7F", -32768, 32767),
        ("15 00 27 FF FF FF FF", 0, 4_294_967_295),
        ("17 00 00 00 80 27 FF FF FF 7F", Int64(Int32.min), Int64(Int32.max)),
    ] as [(String, Int64, Int64)])
    func logicalSignRule(_ globals: String, _ minimum: Int64, _ maximum: Int64) throws {
        let field = try #require(firstField("05 01 09 30 \(globals) 75 08 95 01 81 02"))
        #expect(field.logicalMinimum == minimum && field.logicalMaximum == maximum)
        #expect(field.isSigned == (minimum < 0))
    }

    @Test("Physical Maximum follows the same rule keyed on Physical Minimum")
    func physicalSignRule() throws {
        let unsigned = try #require(firstField("05 01 09 30 35 00 45 FF 75 08 95 01 81 02"))
        #expect(unsigned.physicalMinimum == 0 && unsigned.physicalMaximum == 255)
        let signed = try #require(firstField("05 01 09 30 35 81 45 7F 75 08 95 01 81 02"))
        #expect(signed.physicalMinimum == -127 && signed.physicalMaximum == 127)
    }

    @Test("the same byte decodes unsigned or sign-extended depending on Logical Minimum")
    func signExtensionOnDecode() throws {
        let u = try #require(hidParse(hexBytes("05 01 09 30 15 00 25 FF 75 08 95 01 81 02")))
        #expect(u.decode([0xFF])?.values.first?.value == 255)
        let s = try #require(hidParse(hexBytes("05 01 09 30 15 80 25 7F 75 08 95 01 81 02")))
        #expect(s.decode([0xFF])?.values.first?.value == -1)
        #expect(s.decode([0x80])?.values.first?.value == -128)
        // 12-bit signed field spanning two bytes, after a 4-bit field.
        let n = try #require(hidParse(hexBytes("05 01 09 32 15 00 25 0F 75 04 95 01 81 02 09 30 16 00 F8 26 FF 07 75 0C 81 02")))
        let values = try #require(n.decode([0x3A, 0xFE]))
        #expect(values.values.map(\.value) == [0xA, Int64(0xFE3) - 0x1000])
    }

    @Test("Logical Maximum below Minimum is rejected with the Main item's offset")
    func invalidLogicalRange() {
        let error = hidError(hexBytes("05 01 09 30 15 05 25 01 75 08 95 01 81 02"))
        #expect(error == .invalidLogicalRange(offset: 12, minimum: 5, maximum: 1))
    }

    // MARK: Unit exponent

    @Test("Unit Exponent: nibble and full-byte encodings", arguments: [
        ("55 0D", -3), ("55 FD", -3), ("55 07", 7), ("55 08", -8), ("55 0F", -1), ("55 00", 0),
        ("54", 0), ("56 FD FF", -3), ("56 0D 00", -3), ("55 10", 16), ("55 F0", -16),
    ] as [(String, Int)])
    func unitExponent(_ item: String, _ exponent: Int) throws {
        let field = try #require(firstField("05 01 09 30 \(item) 65 13 75 08 95 01 81 02"))
        #expect(field.unitExponent == exponent)
        #expect(field.unit == .inch)
    }

    // MARK: Zero-width items

    @Test("Report Size 0 and Report Count 0 occupy no bits and add no field")
    func zeroWidth() throws {
        let d = try #require(hidParse(hexBytes("""
            05 01 09 30 15 00 25 01 75 00 95 04 81 02
            09 31 75 08 95 00 81 02
            09 32 95 01 81 02
            """)))
        let r = try #require(d.report(.input, id: 0))
        #expect(r.bitLength == 8 && r.fields.count == 1 && r.fields[0].usages[0] == HIDUsage(page: 1, id: 0x32))
        // A report made only of zero-width items still exists, with length 0.
        let empty = try #require(hidParse(hexBytes("85 03 75 00 95 08 B1 02")))
        let feature = try #require(empty.report(.feature, id: 3))
        #expect(feature.fields.isEmpty && feature.bitLength == 0 && feature.wireLength == 1)
        #expect(feature.decode([3])?.values.isEmpty == true)
    }

    // MARK: Usages

    @Test("a 4-byte Usage carries its own page and is not re-paged")
    func extendedUsage() throws {
        let f = try #require(firstField("05 01 0B 42 00 0D 00 09 30 15 00 25 01 75 08 95 02 81 02"))
        #expect(f.usage(ofElement: 0) == .tipSwitch && f.usage(ofElement: 1) == .x)
        let late = try #require(firstField("0B 42 00 0D 00 05 01 15 00 25 01 75 08 95 01 81 02"))
        #expect(late.usages[0] == .tipSwitch)
        // 4-byte Usage Minimum/Maximum.
        let range = try #require(firstField("05 01 1B 01 00 09 00 2B 03 00 09 00 15 00 25 01 75 01 95 03 81 02"))
        #expect(range.usages.count == 3 && range.usages[0] == HIDUsage(page: 9, id: 1) && range.usages[2] == HIDUsage(page: 9, id: 3))
    }

    @Test("a Usage Page after the usages applies to them (last declared page)")
    func trailingUsagePage() throws {
        let f = try #require(firstField("09 30 09 31 05 01 15 00 25 7F 75 08 95 02 81 02"))
        #expect(f.usage(ofElement: 0) == .x && f.usage(ofElement: 1) == .y)
    }

    @Test("genuinely mixed pages stay mixed")
    func mixedPages() throws {
        let f = try #require(firstField("05 01 09 30 05 0D 09 42 15 00 25 01 75 08 95 02 81 02"))
        #expect(f.usage(ofElement: 0) == .x && f.usage(ofElement: 1) == .tipSwitch)
    }

    @Test("extra elements repeat the last usage; ranges expand; Min > Max gives none")
    func usageAssignment() throws {
        let f = try #require(firstField("05 01 09 30 09 31 15 00 25 7F 75 08 95 03 81 02"))
        #expect(f.usage(ofElement: 2) == .y && f.usage(ofElement: 3) == nil)
        let b = try #require(firstField("05 09 19 01 29 05 15 00 25 01 75 01 95 05 81 02"))
        #expect((0..<5).map { b.usage(ofElement: $0)?.id } == [1, 2, 3, 4, 5])
        let none = try #require(firstField("05 09 19 05 29 01 15 00 25 01 75 01 95 02 81 02"))
        #expect(none.usages.isEmpty && none.isPadding)
        // Maximum without Minimum ranges from 0 (Linux); Minimum without Maximum declares nothing.
        let maxOnly = try #require(firstField("05 09 29 02 15 00 25 01 75 01 95 03 81 02"))
        #expect(maxOnly.usages.count == 3 && maxOnly.usages[0] == HIDUsage(page: 9, id: 0))
        let minOnly = try #require(firstField("05 09 19 02 15 00 25 01 75 01 95 03 81 02"))
        #expect(minOnly.usages.isEmpty)
    }

    @Test("a whole-page usage range costs no memory and indexes lazily")
    func hugeUsageRange() throws {
        let f = try #require(firstField("06 00 FF 19 00 2A FF FF 15 00 26 FF 00 75 08 95 02 81 00"))
        #expect(f.usages.count == 65536 && f.usages.ranges.count == 1)
        #expect(f.usage(forArrayValue: 0xFF) == HIDUsage(page: 0xFF00, id: 0xFF))
    }

    @Test("locals are cleared after each Main item; globals persist")
    func localsCleared() throws {
        let d = try #require(hidParse(hexBytes("05 01 09 30 15 00 25 7F 75 08 95 01 81 02 81 02 09 31 81 02")))
        let fields = try #require(d.reports.first?.fields)
        #expect(fields.count == 3)
        #expect(fields[0].usages[0] == .x && fields[1].usages.isEmpty && fields[2].usages[0] == .y)
        #expect(fields.allSatisfy { $0.logicalMaximum == 127 && $0.bitSize == 8 })
        // Usage-less data fields are padding: not decoded.
        #expect(d.decode([1, 2, 3])?.values.map(\.value) == [1, 3])
    }

    // MARK: Push / Pop

    @Test("Push/Pop save and restore the whole global table, including Report ID")
    func pushPop() throws {
        let d = try #require(hidParse(hexBytes("""
            05 0D 85 01 15 00 25 01 75 01 95 08 A4
            85 02 05 01 16 00 F0 26 FF 0F 75 10 95 01 09 30 81 02
            B4 09 42 81 02
            """)))
        let two = try #require(d.report(.input, id: 2))
        #expect(two.fields[0].usages[0] == .x && two.fields[0].logicalMinimum == -4096)
        let one = try #require(d.report(.input, id: 1))
        #expect(one.fields[0].usages[0] == .tipSwitch && one.fields[0].bitSize == 1 && one.fields[0].count == 8)
        #expect(one.fields[0].logicalMaximum == 1)
    }

    @Test("Push beyond depth 4 overflows; Pop without Push underflows")
    func pushPopErrors() {
        #expect(hidError(hexBytes("A4 A4 A4 A4 A4")) == .pushOverflow(offset: 4, limit: 4))
        #expect(hidError(hexBytes("A4 A4 A4 A4 B4 B4 B4 B4")) == nil)
        #expect(hidError(hexBytes("05 01 A4 B4 B4")) == .popUnderflow(offset: 4))
        #expect(hidError(hexBytes("05 01 A4 B4 B4"))?.description == "The Pop at byte 4 has no matching Push.")
    }

    // MARK: Collections

    @Test("End Collection without Collection, and unclosed collections, are errors")
    func collectionBalance() {
        #expect(hidError(hexBytes("05 01 C0")) == .endCollectionWithoutCollection(offset: 2))
        #expect(hidError(hexBytes("A1 01 C0 C0")) == .endCollectionWithoutCollection(offset: 3))
        #expect(hidError(hexBytes("A1 01 A1 00")) == .unclosedCollections(count: 2))
        var deep = [UInt8]()
        for _ in 0..<65 { deep += [0xA1, 0x00] }
        #expect(hidError(deep) == .collectionTooDeep(offset: 128, limit: 64))
    }

    @Test("collections record type, first usage, parent and depth")
    func collectionTree() throws {
        let d = try #require(hidParse(HIDFixtures.tv3))
        #expect(d.collections.map(\.type) == [.application, .physical])
        #expect(d.collections.map(\.usage) == [.digitizer, .stylus])
        #expect(d.collections.map(\.parent) == [nil, 0] && d.collections.map(\.depth) == [0, 1])
        let r = try #require(d.report(.input, id: 9))
        #expect(r.fields.allSatisfy { $0.collectionIndex == 1 && $0.applicationCollectionIndex == 0 })
        #expect(r.applicationUsage(of: r.fields[0]) == .digitizer)
    }

    // MARK: Report IDs

    @Test("report IDs: prefix byte, separate spaces per report type, invalid values")
    func reportIDs() throws {
        let d = try #require(hidParse(hexBytes("""
            05 01 15 00 26 FF 00 75 08 95 01
            85 05 09 30 81 02 09 31 81 02
            85 05 09 38 B1 02
            85 06 09 32 81 02
            """)))
        #expect(d.usesReportIDs)
        let input5 = try #require(d.report(.input, id: 5))
        let feature5 = try #require(d.report(.feature, id: 5))
        #expect(input5.bitLength == 16 && input5.wireLength == 3)
        #expect(feature5.bitLength == 8 && feature5.fields[0].bitOffset == 0)
        #expect(d.decode([5, 10, 20])?.values.map(\.value) == [10, 20])
        #expect(d.decode([6, 7])?.values.first?.usage == HIDUsage(page: 1, id: 0x32))
        #expect(d.decode([7, 1, 2]) == nil)
        #expect(d.decode([]) == nil)
        #expect(d.decode([5, 9], type: .feature)?.values.first?.value == 9)
        #expect(input5.decode([6, 1, 2]) == nil)
        #expect(d.report(.output, id: 5) == nil)

        #expect(hidError(hexBytes("85 00")) == .invalidReportID(offset: 0, value: 0))
        #expect(hidError(hexBytes("05 01 86 00 01")) == .invalidReportID(offset: 2, value: 256))
        #expect(hidError(hexBytes("85 FF")) == nil)
    }

    // MARK: Short reports

    @Test("reports shorter than the layout decode with incomplete values, never out of bounds")
    func shortReports() throws {
        let d = try #require(hidParse(HIDFixtures.tv2))
        let r = try #require(d.report(.input, id: 0x10))
        let cut = try #require(r.decode(hexBytes("10 11 88 13 B8")))
        #expect(cut.isTruncated && cut.receivedBits == 32 && cut.expectedBits == 56)
        #expect(cut.values.map(\.isComplete) == [true, true, true, false, false])
        #expect(cut.values[2].value == 5000 && cut.values[3].value == 0xB8)
        let idOnly = try #require(r.decode([0x10]))
        #expect(idOnly.values.allSatisfy { !$0.isComplete && $0.value == 0 })
        #expect(cut.isActive(.inRange))

        let profile = try #require(DigitizerProfile.detect(in: d))
        #expect(profile.sample(from: hexBytes("10 11 88 13 B8")) == nil)       // Y incomplete
        let noPressure = try #require(profile.sample(from: hexBytes("10 11 88 13 B8 0B")))
        #expect(noPressure.rawPressure == nil && noPressure.tipDown && noPressure.pressure == 1)
        // Longer than the layout: trailing bytes ignored.
        #expect(profile.sample(from: hexBytes("10 11 88 13 B8 0B FF 03 AA BB"))?.rawPressure == 1023)
    }

    // MARK: Arrays and null state

    @Test("array fields: several slots, values select usages, out-of-range means none")
    func arrays() throws {
        let d = try #require(hidParse(hexBytes("05 07 19 00 29 65 15 00 25 65 75 08 95 03 81 00")))
        let decoded = try #require(d.decode([0x04, 0x00, 0x70]))
        #expect(decoded.values.map(\.isArrayIndex) == [true, true, true])
        #expect(decoded.values.map(\.usage) == [HIDUsage(page: 7, id: 4), HIDUsage(page: 7, id: 0), nil])
        #expect(decoded.isActive(HIDUsage(page: 7, id: 4)) && !decoded.isActive(HIDUsage(page: 7, id: 5)))
    }

    @Test("null-state variable values outside the range are flagged")
    func nullState() throws {
        let d = try #require(hidParse(hexBytes("05 01 09 39 15 00 25 07 75 04 95 01 81 42 75 04 81 01")))
        #expect(d.decode([0x08])?.values.first?.isNull == true)
        #expect(d.decode([0x03])?.values.first?.isNull == false)
        #expect(d.reports.first?.fields.first?.hasNullState == true)
    }

    // MARK: Delimiters and odd items

    @Test("delimiters: first set used, nesting and imbalance rejected")
    func delimiters() throws {
        let f = try #require(firstField("05 01 A9 01 09 30 A9 00 A9 01 09 31 A9 00 15 00 25 7F 75 08 95 01 81 02"))
        #expect(f.usages.count == 1 && f.usages[0] == .x)
        #expect(hidError(hexBytes("A9 01 A9 01")) == .nestedDelimiter(offset: 2))
        #expect(hidError(hexBytes("A9 00")) == .unmatchedDelimiterClose(offset: 0))
        #expect(hidError(hexBytes("05 01 A9 01 09 30")) == .unclosedDelimiter(offset: 2))
    }

    @Test("unknown global tag is an error; reserved types, main and local tags are skipped")
    func unknownItems() throws {
        #expect(hidError(hexBytes("05 01 C5 00")) == .unknownGlobalItem(offset: 2, tag: 0xC))
        let d = try #require(hidParse(hexBytes("""
            0D 11 05 01 F9 22 09 30 39 01 79 02 15 00 25 7F 75 08 95 01 81 02 D0 00
            """)))
        let field = try #require(d.reports.first?.fields.first)
        #expect(field.usages[0] == .x && field.designatorIndices == 1...1 && field.stringIndices == 2...2)
        #expect(d.itemCount == 13)
        // Zero-length items all mean 0.
        let zero = try #require(firstField("05 01 09 30 14 25 7F 34 44 54 64 75 08 95 01 80"))
        #expect(zero.logicalMinimum == 0 && zero.isArray && zero.flags.rawValue == 0)
    }

    // MARK: Limits

    @Test("limits bound item count, sizes, report length and fields")
    func limits() {
        #expect(hidError([]) == .empty)
        #expect(hidError(hexBytes("75 FF 76 01 01")) == .reportSizeTooLarge(offset: 2, value: 257, limit: 256))
        #expect(hidError(hexBytes("75 FF 76 00 01")) == nil)
        #expect(hidError(hexBytes("96 01 30")) == .reportCountTooLarge(offset: 0, value: 12289, limit: 12288))
        // 256 bits × 12288 = 3,145,728 bits > 131,064.
        #expect(hidError(hexBytes("76 00 01 96 00 30 81 03")) == .reportTooLong(offset: 6, type: .input, reportID: 0,
                                                                               bits: 3_145_728, limitBits: 131_064))
        var tiny = HIDParserLimits()
        tiny.maxItems = 3
        #expect(hidError(hexBytes("05 01 05 01 05 01 05 01"), limits: tiny) == .tooManyItems(offset: 6, limit: 3))
        tiny = HIDParserLimits()
        tiny.maxDescriptorLength = 4
        #expect(hidError(hexBytes("05 01 05 01 05"), limits: tiny) == .descriptorTooLong(length: 5, limit: 4))
        var many = hexBytes("05 01 09 30 75 01 95 01")
        for _ in 0..<257 { many += [0x09, 0x30, 0x81, 0x02] }
        #expect(hidError(many) == .tooManyFields(offset: 8 + 256 * 4 + 2, limit: 256))
        var usages = hexBytes("05 01")
        for _ in 0..<12289 { usages += [0x09, 0x30] }
        #expect(hidError(usages) == .tooManyUsages(offset: 2 + 12288 * 2, limit: 12288))
    }

    @Test("every error reads as a sentence with its offset")
    func errorSentences() {
        let errors: [HIDDescriptorError] = [
            .empty, .descriptorTooLong(length: 9, limit: 8), .truncatedItem(offset: 3, needed: 2, available: 1),
            .tooManyItems(offset: 3, limit: 1), .unknownGlobalItem(offset: 3, tag: 12), .invalidReportID(offset: 3, value: 0),
            .reportSizeTooLarge(offset: 3, value: 300, limit: 256), .reportCountTooLarge(offset: 3, value: 1, limit: 0),
            .pushOverflow(offset: 3, limit: 4), .popUnderflow(offset: 3), .endCollectionWithoutCollection(offset: 3),
            .collectionTooDeep(offset: 3, limit: 64), .tooManyCollections(offset: 3, limit: 1), .unclosedCollections(count: 1),
            .nestedDelimiter(offset: 3), .unmatchedDelimiterClose(offset: 3), .unclosedDelimiter(offset: 3),
            .invalidLogicalRange(offset: 3, minimum: 2, maximum: 1),
            .reportTooLong(offset: 3, type: .feature, reportID: 2, bits: 9, limitBits: 8),
            .tooManyFields(offset: 3, limit: 256), .tooManyUsages(offset: 3, limit: 1),
        ]
        for error in errors {
            #expect(error.description.hasSuffix("."))
            #expect(error.description.first?.isUppercase == true)
            #expect(error.errorDescription == error.description)
            if let offset = error.offset { #expect(error.description.contains("byte \(offset)")) }
        }
    }
}
