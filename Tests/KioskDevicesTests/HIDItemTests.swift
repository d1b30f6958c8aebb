import Foundation
import Testing
@testable import KioskDevices

@Suite("HID items and bit fields")
struct HIDItemTests {
    @Test("short items: size code 3 means 4 bytes; type and tag from the prefix")
    func shortItems() throws {
        let items = try HIDItem.items(in: hexBytes("05 0D 27 FF FF 00 00 A0 C0"))
        #expect(items.count == 4)
        #expect(items.map(\.offset) == [0, 2, 7, 8])
        #expect(items[0].type == .global && items[0].tag == 0 && items[0].unsignedValue == 0x0D)
        #expect(items[1].data.count == 4 && items[1].unsignedValue == 0xFFFF && items[1].tag == 2)
        #expect(items[2].type == .main && items[2].tag == 0xA && items[2].data.isEmpty && items[2].unsignedValue == 0)
        #expect(items[3].encodedLength == 1)
    }

    @Test("signed values use the item's own width")
    func signedWidths() throws {
        let items = try HIDItem.items(in: hexBytes("15 FF 16 FF 00 16 FF FF 17 FF FF FF FF 17 00 00 00 80 14"))
        #expect(items.map(\.signedValue) == [-1, 255, -1, -1, Int32.min, 0])
        #expect(items.map(\.unsignedValue) == [255, 255, 0xFFFF, 0xFFFF_FFFF, 0x8000_0000, 0])
    }

    @Test("long items are read whole and skipped by the parser")
    func longItems() throws {
        let items = try HIDItem.items(in: hexBytes("FE 03 10 AA BB CC 05 01"))
        #expect(items.count == 2)
        #expect(items[0].isLong && items[0].tag == 0x10 && items[0].data == [0xAA, 0xBB, 0xCC])
        #expect(items[0].encodedLength == 6 && items[1].offset == 6)
        let zero = try HIDItem.items(in: hexBytes("FE 00 01"))
        #expect(zero.count == 1 && zero[0].data.isEmpty)

        // Inserting long items anywhere in TV3 leaves the layout unchanged.
        var patched = HIDFixtures.tv3
        patched.insert(contentsOf: hexBytes("FE 02 77 09 42"), at: 10)
        patched.insert(contentsOf: hexBytes("FE 00 00"), at: 0)
        patched.append(contentsOf: hexBytes("FE 01 05 81"))
        let a = try #require(hidParse(HIDFixtures.tv3))
        let b = try #require(hidParse(patched))
        func shape(_ d: HIDReportDescriptor) -> [String] {
            d.reports.flatMap { r in r.fields.map { f in
                "\(r.reportID) \(f.bitOffset) \(f.bitSize) \(f.count) \(f.flags.rawValue) \(f.usages.ranges) \(f.logicalMinimum) \(f.logicalMaximum)"
            } }
        }
        #expect(shape(a) == shape(b))
        #expect(b.itemCount == a.itemCount + 3)
    }

    @Test("truncated items throw with the item's offset", arguments: [
        ("05", 0), ("05 01 26 FF", 2), ("05 01 27 00 00 00", 2), ("FE", 0), ("FE 05", 0), ("A0 FE 04 00 01 02", 1),
    ])
    func truncated(_ hex: String, _ offset: Int) {
        let error = hidError(hexBytes(hex))
        guard case .truncatedItem(let at, _, _)? = error else {
            Issue.record("expected truncatedItem, got \(String(describing: error))")
            return
        }
        #expect(at == offset)
        #expect(error?.offset == offset)
        #expect(error?.description.contains("byte \(offset)") == true)
    }

    @Test("bit fields spanning bytes are little-endian")
    func bitExtraction() {
        let bytes: [UInt8] = [0xAB, 0xCD, 0xEF]
        #expect(HIDBits.extract(bytes, bitOffset: 4, bitSize: 12).bits == 0xCDA)
        #expect(HIDBits.extract(bytes, bitOffset: 0, bitSize: 24).bits == 0xEFCDAB)
        #expect(HIDBits.extract(bytes, bitOffset: 3, bitSize: 1).bits == 1)
        #expect(HIDBits.extract(bytes, bitOffset: 7, bitSize: 10).bits == (0xEFCDAB >> 7) & 0x3FF)
        #expect(HIDBits.signExtend(0xCDA, bitSize: 12) == 0xCDA - 0x1000)
        #expect(HIDBits.signExtend(0x7F, bitSize: 8) == 127)
        #expect(HIDBits.signExtend(0x1, bitSize: 1) == -1)
        // Past the end: zeros, flagged incomplete, no trap.
        let short = HIDBits.extract(bytes, bitOffset: 16, bitSize: 16)
        #expect(short.bits == 0xEF && !short.complete)
        #expect(HIDBits.extract(bytes, bitOffset: 1000, bitSize: 256) == (0, false))
        #expect(HIDBits.extract(bytes[1...], bitOffset: 0, bitSize: 8).bits == 0xCD)
        // Wider than 64 bits: the low 64 bits.
        let wide = [UInt8](repeating: 0xFF, count: 10)
        #expect(HIDBits.extract(wide, bitOffset: 4, bitSize: 72) == (UInt64.max, true))
    }

    @Test("usage lists: ranges stay compact and index correctly")
    func usageLists() {
        let list = HIDUsageList([HIDUsageRange(page: 9, minimum: 1, maximum: 3),
                                 HIDUsageRange(page: 1, minimum: 0x30, maximum: 0x30),
                                 HIDUsageRange(page: 0xFF00, minimum: 0, maximum: 0xFFFF)])
        #expect(list.count == 3 + 1 + 65536)
        #expect(list[0] == HIDUsage(page: 9, id: 1) && list[2] == HIDUsage(page: 9, id: 3))
        #expect(list[3] == .x && list[4] == HIDUsage(page: 0xFF00, id: 0))
        #expect(list[list.count - 1] == HIDUsage(page: 0xFF00, id: 0xFFFF) && list[list.count] == nil && list[-1] == nil)
        #expect(list.firstIndex(of: .x) == 3 && list.firstIndex(of: .y) == nil)
        #expect(HIDUsage(extended: 0x000D_0042) == .tipSwitch && HIDUsage.tipSwitch.extended == 0x000D_0042)
    }

    @Test("unit nibbles")
    func units() {
        #expect(HIDUnit.inch.system == .englishLinear && HIDUnit.inch.exponent(of: .length) == 1)
        #expect(HIDUnit.centimeter.system == .siLinear)
        // cm·s⁻¹ (velocity): time nibble 0xF = −1.
        let velocity = HIDUnit(rawValue: 0xF011)
        #expect(velocity.exponent(of: .time) == -1 && velocity.exponent(of: .length) == 1 && velocity.exponent(of: .mass) == 0)
    }
}
