import Foundation
import Testing
@testable import KioskDevices

// Vectors from signature-pads.md §4 (synthetic, built from reverse-engineered layouts).

@Suite("Topaz HID (experimental)")
struct TopazTests {
    @Test func packetVectors() throws {
        let down = try TopazPacket(hexBytes("C1 5C 0B 04 07")[...])
        #expect(down.penDown && down.penNear && down.type == 0 && down.kind == .coordinates)
        #expect(down.rawX == 1500 && down.rawY == 900)

        let up = try TopazPacket(hexBytes("C0 5C 0B 04 07")[...])
        #expect(!up.penDown && up.penNear && up.rawX == 1500 && up.rawY == 900)

        let type1 = try TopazPacket(hexBytes("E5 52 09 09 06")[...])
        #expect(type1.penDown && type1.penNear && type1.type == 1 && type1.kind == .coordinates)
        #expect(type1.rawX == 1234 && type1.rawY == 777)
    }

    @Test func hidReportDropsFirstByte() throws {
        var decoder = TopazHIDDecoder()
        let samples = try decoder.decode(hexBytes("00 E5 52 09 09 06"))
        #expect(samples.count == 1)
        #expect(samples[0].tipDown && samples[0].pressure == 1)
        #expect(abs(samples[0].x - 1234.0 / 4095) < 1e-12 && abs(samples[0].y - 777.0 / 4095) < 1e-12)
        let lifted = try decoder.decode(hexBytes("00 E4 52 09 09 06"))
        #expect(lifted.count == 1 && !lifted[0].tipDown && lifted[0].pressure == 0)
        #expect(decoder.sample(from: hexBytes("00 C1 5C 0B 04 07"))?.tipDown == true)
    }

    @Test func calibrationWindowNormalizes() throws {
        var decoder = TopazHIDDecoder(calibration: .signatureGem1x5)
        let s = try decoder.decode(hexBytes("00 C1 5C 0B 04 07"))[0]
        #expect(abs(s.x - (1500.0 - 400) / 2000) < 1e-12)
        #expect(abs(s.y - (900.0 - 350) / 600) < 1e-12)
        // Below the window clamps to 0.
        let low = try decoder.decode([0x00, 0xC1, 0x01, 0x00, 0x01, 0x00])[0]
        #expect(low.x == 0 && low.y == 0)
        #expect(TopazCalibration(minX: 5, maxX: 5, minY: 0, maxY: 1) == nil)
        #expect(TopazCalibration(minX: 0, maxX: 10, minY: 0, maxY: 1, maxPressure: 0) == nil)
    }

    @Test func fillerPressureAndInfoPackets() throws {
        var decoder = TopazHIDDecoder()
        // Filler: X = Y = 0x0FFF.
        #expect(try TopazPacket(hexBytes("C1 7F 1F 7F 1F")[...]).kind == .filler)
        #expect(try decoder.decode(hexBytes("00 C1 7F 1F 7F 1F")).isEmpty)
        // Type 7 (status bits 4..2 = 111 → 0xDC | down): pressure 512 in the Y field.
        let pressure = try TopazPacket(hexBytes("DD 00 00 00 04")[...])
        #expect(pressure.type == 7 && pressure.kind == .pressure(512))
        #expect(try decoder.decode(hexBytes("00 DD 00 00 00 04")).isEmpty)
        let s = try decoder.decode(hexBytes("00 C1 5C 0B 04 07"))[0]
        #expect(abs(s.pressure - 512.0 / 1023) < 1e-12)
        // Type 2: info, kept raw.
        let info = try TopazPacket(hexBytes("C8 05 00 10 00")[...])
        #expect(info.type == 2 && info.kind == .deviceInfo)
        _ = try decoder.decode(hexBytes("00 C8 05 00 10 00"))
        #expect(decoder.deviceInfo?.0 == 5 && decoder.deviceInfo?.1 == 16)
        // Types 3, 5, 6 are unknown.
        #expect(try TopazPacket(hexBytes("CC 00 00 00 00")[...]).kind == .unknown)
    }

    @Test func hostileReportsThrowSentences() throws {
        #expect(throws: TopazError.tooShort(needed: 6, got: 5)) { try TopazHIDDecoder.packets(in: [0, 0xC1, 0, 0, 0]) }
        #expect(throws: TopazError.missingSync(0x41)) { try TopazHIDDecoder.packets(in: hexBytes("00 41 5C 0B 04 07")) }
        #expect(throws: TopazError.syncInPayload(offset: 2)) { try TopazHIDDecoder.packets(in: hexBytes("00 C1 5C 8B 04 07")) }
        #expect(throws: TopazError.tooShort(needed: 5, got: 2)) { try TopazPacket([0xC1, 0][...]) }
        #expect(try TopazHIDDecoder.packets(in: [0, 0, 0, 0, 0, 0]).isEmpty)
        for e: TopazError in [.tooShort(needed: 6, got: 1), .missingSync(0), .syncInPayload(offset: 1)] {
            #expect(e.description.hasSuffix("."))
        }
    }

    @Test func longerReportsCarrySeveralPackets() throws {
        var decoder = TopazHIDDecoder()
        let samples = try decoder.decode(hexBytes("00 C1 5C 0B 04 07 E5 52 09 09 06 00 00"))
        #expect(samples.count == 2)
    }

    @Test func streamResynchronises() {
        var stream = TopazPacketStream()
        // Garbage, a packet split over two feeds, a broken packet, then a good one.
        var packets = stream.feed(hexBytes("12 34 C1 5C 0B"))
        #expect(packets.isEmpty)
        packets = stream.feed(hexBytes("04 07 C1 5C 8B E5 52 09 09 06"))
        #expect(packets.map(\.rawX) == [1500, 1234])
        #expect(stream.discardedBytes == 2 + 3)
    }

    @Test func twentyThousandRandomReportsNeverCrash() {
        var rng = SplitMix64(seed: 0x70_9A2)
        var decoder = TopazHIDDecoder(calibration: .tL462HSB)
        var stream = TopazPacketStream()
        var samples = 0, rejected = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...16, using: &rng)
            var report = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if report.count >= 6, Bool.random(using: &rng) {
                for start in stride(from: 1, through: report.count - 5, by: 5) {
                    report[start] |= 0x80
                    for i in start + 1..<start + 5 { report[i] &= 0x7F }
                }
            }
            do {
                for s in try decoder.decode(report) {
                    samples += 1
                    for v in [s.x, s.y, s.pressure] { #expect(v >= 0 && v <= 1) }
                }
            } catch {
                rejected += 1
                #expect(!error.description.isEmpty)
            }
            _ = stream.feed(report)
        }
        #expect(samples > 1000 && rejected > 1000)
    }
}
