import Testing
@testable import KioskDevices

/// card-readers.md §3.2 (337-byte report), §3.6 (encode type), §3.10 (MT-V5 Ex. 11 clear tracks).
@Suite struct MagTekDecoderTests {
    func decode(_ r: [UInt8]) -> CardReaderEvent? {
        var d = MagTekHIDDecoder()
        return d.consume(report: r)
    }

    @Test func example11ClearTracks() throws {
        let r = MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, Vectors.hoganT3)
        #expect(Array(r[0..<7]) == [0, 0, 0, 60, 37, 31, 0])     // §3.10 absolute lengths
        var d = MagTekHIDDecoder()
        let event = d.consume(report: r)
        let s = try #require(event?.swipe)
        #expect(d.lastEncodeType == .isoABA)
        #expect(s.driverName == "magtek-hid" && MagTekHIDDecoder.driverName == "magtek-hid")
        #expect(s.pan.testString == Vectors.hoganPAN)
        #expect(s.track1?.testString == Vectors.hoganT1)
        #expect(s.track2?.testString == Vectors.hoganT2)
        #expect(s.track3?.testString == Vectors.hoganT3)
        #expect(s.card.description == "mastercard 545230******7189 exp 2008-04")
        #expect(s.card.cardholderName?.surname == "HOGAN")
        #expect(s.flags.luhnValid == false)
        #expect(s.flags.tracksRead == [.one, .two, .three])
    }

    @Test func decodeStatusErrorBit() throws {
        let r = MagTekReport.build(nil, Vectors.hoganT2, nil, status: [1, 0, 1])
        let s = try #require(decode(r)?.swipe)
        #expect(s.flags.tracksRead == [.two] && s.flags.tracksFailed == [.one, .three])
        // Error bit wins even if the device also sends a length and data.
        let both = MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, nil, status: [1, 0, 0])
        #expect(decode(both)?.swipe?.flags.tracksFailed == [.one])
        // Reserved bits alone are not an error.
        let reserved = MagTekReport.build(Vectors.hoganT1, nil, nil, status: [0xFE, 0xFE, 0xFE])
        #expect(decode(reserved)?.swipe?.flags.tracksRead == [.one])
        #expect(decode(MagTekReport.build(nil, nil, nil, status: [1, 1, 1], encodeType: 5))?.failure == .unreadable)
    }

    @Test func encodeTypes() {
        #expect(decode(MagTekReport.build(nil, nil, nil, encodeType: 3))?.failure == .unreadable)          // blank
        #expect(decode(MagTekReport.build("%CAMODESTO^SMITH^?", ";6360231234567890=2512199001011?", nil,
                                          encodeType: 1))?.failure == .notAPaymentCard)                    // AAMVA
        #expect(decode(MagTekReport.build(nil, Vectors.testT2, nil, encodeType: 2))?.failure == .notAPaymentCard)
        #expect(decode(MagTekReport.build(nil, Vectors.testT2, nil, encodeType: 4))?.swipe != nil)         // other: tracks decide
        #expect(decode(MagTekReport.build(nil, Vectors.testT2, nil, encodeType: 0xEE))?.swipe != nil)
        var d = MagTekHIDDecoder()
        _ = d.consume(report: MagTekReport.build(nil, Vectors.testT2, nil, encodeType: 4))
        #expect(d.lastEncodeType == .other)
        d.reset()
        #expect(d.lastEncodeType == nil)
    }

    @Test func hostileLengthsAndContent() {
        var r = MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, nil)
        r[3] = 111
        #expect(decode(r)?.failure == .unreadable)
        r[3] = 255
        #expect(decode(r)?.failure == .unreadable)
        // Length longer than the data: NULs inside the stated length.
        var n = MagTekReport.build(Vectors.hoganT1, nil, nil)
        n[3] = 70
        #expect(decode(n)?.failure == .unreadable)
        // Length shorter than the data: cuts off the end sentinel.
        var s = MagTekReport.build(nil, Vectors.hoganT2, nil)
        s[4] = 20
        #expect(decode(s)?.failure == .unreadable)
        // Full 110-byte field of non-NUL junk.
        var j = MagTekReport.build(nil, nil, nil)
        j[5] = 110
        for i in 227..<337 { j[i] = 0x33 }
        #expect(decode(j)?.failure == .unreadable)
        // Non-zero padding after the stated length is ignored.
        var p = MagTekReport.build(nil, Vectors.hoganT2, nil)
        for i in (117 + 37)..<227 { p[i] = 0x41 }
        #expect(decode(p)?.swipe != nil)
    }

    @Test func wrongReportLengths() {
        #expect(decode([])?.failure == .unreadable)
        #expect(decode(Array(MagTekReport.build(nil, Vectors.hoganT2, nil).dropFirst(8)))?.failure == .unreadable)  // 329
        #expect(decode([UInt8](repeating: 0, count: 338))?.failure == .unreadable)
        #expect(decode([UInt8](repeating: 0, count: 856))?.failure == .unsupported)   // MagneSafe V5
        #expect(decode([UInt8](repeating: 0, count: 887))?.failure == .unsupported)
    }

    @Test func randomReportsNeverCrash() {
        var rng = SplitMix64(seed: 0x6D616774656B0002)
        var d = MagTekHIDDecoder()
        var swipes = 0
        for i in 0..<20_000 {
            var r: [UInt8]
            switch i % 3 {
            case 0:
                r = (0..<Int.random(in: 0...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                r = (0..<337).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default:
                // Plausible header, random lengths ≤ 110 over mutated real tracks.
                r = MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, Vectors.hoganT3,
                                       status: (0..<3).map { _ in UInt8.random(in: 0...1, using: &rng) },
                                       encodeType: UInt8.random(in: 0...7, using: &rng))
                for t in 0..<3 where Bool.random(using: &rng) { r[3 + t] = UInt8.random(in: 0...110, using: &rng) }
                for _ in 0..<Int.random(in: 0...3, using: &rng) {
                    r[Int.random(in: 7..<337, using: &rng)] = UInt8.random(in: 0x20...0x5F, using: &rng)
                }
            }
            if case .swipe(let s)? = d.consume(report: r) {
                swipes += 1
                #expect((12...19).contains(s.pan.count))
            }
        }
        #expect(swipes > 0)
    }
}
