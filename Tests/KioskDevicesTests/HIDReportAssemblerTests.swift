import Foundation
import Testing
@testable import KioskDevices

/// `HIDReportAssembler` against chunk sequences: what each interrupt transfer returns when the
/// device splits a report into max-packet-sized packets.
@Suite("HID report reassembly from packets")
struct HIDReportAssemblerTests {
    /// Pen report 2 (10 bytes with its ID) and vendor report 3 (192 bytes), 64-byte packets:
    /// the decoy scenario's layout (Tests/Fixtures/usb/decoy-long-report.json).
    static func decoyAssembler() -> HIDReportAssembler {
        HIDReportAssembler(reportSizes: [2: 10, 3: 192], maxPacketSize: 64)
    }

    /// A pen report of the decoy layout: ID, switches (tip, in range), X, Y, pressure, 2 spare bytes.
    static func pen(x: Int, y: Int) -> [UInt8] {
        [0x02, 0x03, UInt8(x & 0xFF), UInt8(x >> 8), UInt8(y & 0xFF), UInt8(y >> 8), 0x00, 0x02, 0x00, 0x00]
    }

    /// The 192-byte vendor report whose 2nd and 3rd packets begin like pen reports.
    static func decoy(_ n: Int) -> [UInt8] {
        var report = [UInt8](repeating: UInt8(n & 0xFF), count: 192)
        report[0] = 0x03
        report.replaceSubrange(64..<74, with: pen(x: 9000 + n, y: 9000))
        report.replaceSubrange(128..<138, with: pen(x: 100, y: 9100 + n))
        return report
    }

    /// The packets a device sends for `report`: max-packet pieces, the last one short (or full).
    static func packets(_ report: [UInt8], size: Int = 64) -> [[UInt8]] {
        stride(from: 0, to: report.count, by: size).map { Array(report[$0..<min($0 + size, report.count)]) }
    }

    @Test("pen, decoy, pen, decoy: the long report comes out whole and its pieces are never pen reports")
    func decoyBetweenPens() {
        var assembler = Self.decoyAssembler()
        var out: [[UInt8]] = []
        for k in 0..<4 {
            for packet in Self.packets(Self.pen(x: 1000 * k, y: 500)) { out += assembler.feed(packet) }
            let decoy = Self.decoy(k)
            #expect(Self.packets(decoy).map(\.count) == [64, 64, 64])
            #expect(Self.packets(decoy)[1].first == 0x02 && Self.packets(decoy)[2].first == 0x02)
            for packet in Self.packets(decoy) { out += assembler.feed(packet) }
        }
        #expect(out == (0..<4).flatMap { [Self.pen(x: 1000 * $0, y: 500), Self.decoy($0)] })
        #expect(assembler.drops.isEmpty && assembler.padded == 0 && !assembler.isPartial)
    }

    @Test("one transfer = one packet without assembly, as before: the decoy's pieces read as pen reports")
    func withoutAssemblyThePiecesLookLikePens() throws {
        // What the pad reader did before: each packet taken as a report. Two of the three pieces
        // of every decoy decode as pen-down samples at in-range coordinates.
        let descriptor = try #require(hidParse(hexBytes(Self.decoyDescriptorHex)))
        let profile = try #require(DigitizerProfile.detect(in: descriptor))
        let bogus = Self.packets(Self.decoy(1)).compactMap { profile.sample(from: $0) }.filter(\.tipDown)
        #expect(bogus.count == 2)
        // The assembler declared by the same descriptor knows both sizes.
        let assembler = try #require(HIDReportAssembler(descriptor: descriptor, maxPacketSize: 64))
        #expect(assembler.reportSizes == [2: 10, 3: 192])
    }

    @Test("a transfer cut short by a short packet: padded with zeros to the report's size, as the kernel does")
    func shortPacketPads() {
        var assembler = Self.decoyAssembler()
        let decoy = Self.decoy(7)
        #expect(assembler.feed(Array(decoy[0..<64])).isEmpty)
        #expect(assembler.isPartial)
        let out = assembler.feed(Array(decoy[64..<100]))  // 36 bytes: short, the transfer ends
        #expect(out == [Array(decoy[0..<100]) + [UInt8](repeating: 0, count: 92)])
        #expect(assembler.padded == 1 && !assembler.isPartial)
        // A pen report sent short (8 of its 10 bytes) is padded too.
        #expect(assembler.feed(Array(Self.pen(x: 5, y: 6).prefix(8))) == [Array(Self.pen(x: 5, y: 6).prefix(8)) + [0, 0]])
    }

    @Test("a zero-length packet ends a transfer of whole packets")
    func zeroLengthPacketEnds() {
        var assembler = HIDReportAssembler(reportSizes: [5: 200], maxPacketSize: 64)
        let report: [UInt8] = [5] + (1..<128).map { UInt8($0) }
        #expect(assembler.feed(Array(report[0..<64])).isEmpty)
        #expect(assembler.feed(Array(report[64..<128])).isEmpty)
        #expect(assembler.feed([]) == [report + [UInt8](repeating: 0, count: 72)])
        #expect(assembler.feed([]).isEmpty, "a zero-length packet with nothing pending gives nothing")
    }

    @Test("a transfer that ends after the report ID alone is dropped and counted, not padded")
    func idOnlyDropped() {
        var assembler = Self.decoyAssembler()
        #expect(assembler.feed([0x02]).isEmpty)
        #expect(assembler.drops == [.idOnly: 1] && assembler.padded == 0 && !assembler.isPartial)
        #expect(assembler.feed(Self.pen(x: 1, y: 2)) == [Self.pen(x: 1, y: 2)])
    }

    @Test("an unknown report ID drops that chunk and the partial state, counted; the next chunk starts afresh")
    func unknownIDDropped() {
        var assembler = Self.decoyAssembler()
        #expect(assembler.feed([0x07] + [UInt8](repeating: 0x02, count: 63)).isEmpty)
        #expect(assembler.feed([0x09, 1, 2]).isEmpty)
        #expect(assembler.drops == [.unknownReportID: 2] && !assembler.isPartial)
        #expect(assembler.feed(Self.pen(x: 3, y: 4)) == [Self.pen(x: 3, y: 4)])
        #expect(HIDReportAssembler.Drop.unknownReportID.description.contains("does not declare"))
    }

    @Test("a report padded to a full packet: the report is cut at its size, the rest counted as trailing")
    func trailingBytes() {
        var assembler = Self.decoyAssembler()
        let padded = Self.pen(x: 8, y: 9) + [UInt8](repeating: 0x02, count: 54)
        #expect(assembler.feed(padded) == [Self.pen(x: 8, y: 9)])
        #expect(assembler.drops == [.trailingBytes: 1] && !assembler.isPartial)
    }

    @Test("reports of exactly N packets complete without a short packet; no-ID devices use the one size")
    func exactMultiplesAndNoIDs() {
        var assembler = HIDReportAssembler(reportSizes: [1: 128], maxPacketSize: 64)
        let report: [UInt8] = [1] + [UInt8](repeating: 0xAA, count: 127)
        #expect(assembler.feed(Array(report[0..<64])).isEmpty)
        #expect(assembler.feed(Array(report[64...])) == [report])

        var plain = HIDReportAssembler(reportSize: 6, maxPacketSize: 8)
        #expect(!plain.usesReportIDs)
        #expect(plain.feed([0x41, 1, 2, 3, 4, 5]) == [[0x41, 1, 2, 3, 4, 5]])
        #expect(plain.feed([0x42, 1, 2]) == [[0x42, 1, 2, 0, 0, 0]])
        // A transfer larger than a packet (a reader with a bigger buffer) carries a whole report.
        var wide = Self.decoyAssembler()
        #expect(wide.feed(Self.decoy(2)) == [Self.decoy(2)])
    }

    @Test("any chunk sequence: never a trap, every report has a declared size and a declared ID")
    func robustness() {
        var random = SplitMix64(seed: 0x17)
        for packetSize in [0, 1, 8, 64] {
            var assembler = HIDReportAssembler(reportSizes: [2: 10, 3: 192, 0: 1, 9: 0], maxPacketSize: packetSize)
            for _ in 0..<3_000 {
                let length = Int.random(in: 0...200, using: &random)
                let chunk = (0..<length).map { _ in UInt8.random(in: 0...4, using: &random) }
                for report in assembler.feed(chunk) {
                    let id = report[0]
                    #expect(assembler.reportSizes[id] == report.count, "\(report.count) bytes for ID \(id)")
                }
            }
        }
        var empty = HIDReportAssembler(reportSize: 0, maxPacketSize: -5)
        #expect(empty.feed([1, 2, 3]).isEmpty && empty.drops == [.unknownReportID: 1])
    }

    /// The decoy scenario's descriptor: a pen (report 2: tip switch, in range, 6 spare bits,
    /// X and Y 0…10000, pressure 0…1023, 16 spare bits) and a vendor input report 3 of 191
    /// data bytes (192 on the wire).
    static let decoyDescriptorHex =
        "050d0902a10185020920a1000942093215002501750195028102950681030501093009311500261027751095028102050d093026ff039501810295018103c0c00642ff0901a10185030901150026ff00750895bf8102c0"
}
