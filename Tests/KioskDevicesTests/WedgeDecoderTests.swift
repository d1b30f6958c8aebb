import Testing
@testable import KioskDevices

/// card-readers.md §2: boot keyboard reports → characters → tracks.
@Suite struct WedgeDecoderTests {
    /// §2.7 verbatim: `;12=0?` + CR, MagTek default (down report, then empty report, per char).
    static let vector27: [[UInt8]] = [
        [0x00, 0, 0x33, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [0x00, 0, 0x1E, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [0x00, 0, 0x1F, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [0x00, 0, 0x2E, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [0x00, 0, 0x27, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
        [0x02, 0, 0x38, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0],
    ]
    static let enter: [[UInt8]] = [[0x00, 0, 0x28, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0]]

    @Test func section27Vector() {
        var d = KeyboardWedgeDecoder()
        #expect(Wedge.feed(Self.vector27, into: &d).isEmpty)
        #expect(Wedge.pending(d) == ";12=0?")
        let events = Wedge.feed(Self.enter, into: &d)
        #expect(events.count == 1)
        // `;12=0?` is not a complete track 2 (one expiry digit): a failed read, not a crash.
        #expect(events.first?.failure == .unreadable)
        #expect(Wedge.pending(d) == "")
    }

    @Test func section27MinimisedKeyReports() {
        // Same stream with the empty reports removed (no equal neighbours in `;12=0?`).
        var d = KeyboardWedgeDecoder()
        let mkr = Self.vector27.enumerated().filter { $0.offset % 2 == 0 }.map(\.element) + [Wedge.up]
        _ = Wedge.feed(mkr, into: &d)
        #expect(Wedge.pending(d) == ";12=0?")
        // Equal neighbours (`11`, `00`) need the up report the reader inserts.
        var e = KeyboardWedgeDecoder()
        _ = Wedge.feed(Wedge.mkrReports(Vectors.testT2), into: &e)
        #expect(Wedge.pending(e) == Vectors.testT2)
    }

    @Test func section27RolloverReportIsIgnored() {
        var d = KeyboardWedgeDecoder()
        var reports = Self.vector27
        reports.insert([0x00, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01], at: 5)   // after '2' down
        reports.insert([0x02, 0, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01], at: 2)   // while ';' is up
        _ = Wedge.feed(reports, into: &d)
        #expect(Wedge.pending(d) == ";12=0?")
    }

    @Test func section27AltASCII() {
        var d = KeyboardWedgeDecoder()
        let alt: [[UInt8]] = [
            [0x04, 0, 0x62, 0, 0, 0, 0, 0], [0x04, 0, 0, 0, 0, 0, 0, 0],
            [0x04, 0, 0x5E, 0, 0, 0, 0, 0], [0x04, 0, 0, 0, 0, 0, 0, 0],
            [0x04, 0, 0x5B, 0, 0, 0, 0, 0], [0x00, 0, 0, 0, 0, 0, 0, 0],
        ]
        _ = Wedge.feed(alt, into: &d)
        #expect(Wedge.pending(d) == "?")
        // A whole track in ALT-ASCII mode, right Alt, ending with Alt+013 (CR).
        var e = KeyboardWedgeDecoder()
        var reports: [[UInt8]] = []
        for c in (Vectors.testT2 + "\r").utf8 {
            let digits = String(format: "%03d", Int(c)).utf8.map { $0 == 0x30 ? UInt8(0x62) : 0x58 + ($0 - 0x30) }
            for u in digits { reports += [[0x40, 0, u, 0, 0, 0, 0, 0], [0x40, 0, 0, 0, 0, 0, 0, 0]] }
            reports.append(Wedge.up)
        }
        let events = Wedge.feed(reports, into: &e)
        #expect(events.count == 1)
        #expect(events.first?.swipe?.card.last4 == "1111")
    }

    @Test func fullSwipeThreeTracks() throws {
        var d = KeyboardWedgeDecoder()
        let text = Vectors.hoganT1 + Vectors.hoganT2 + "+5163499080020445=000000000000?" + "\r"
        let events = Wedge.feed(Wedge.reports(text), into: &d)
        #expect(events.count == 1)
        let s = try #require(events.first?.swipe)
        #expect(s.pan.testString == Vectors.hoganPAN)
        #expect(s.track1?.testString == Vectors.hoganT1)
        #expect(s.track3?.testString == Vectors.hoganT3)      // `+` restored to `;`
        #expect(s.card.cardholderName?.givenNames == "PAUL")
        #expect(s.flags.luhnValid == false)
        #expect(s.flags.tracksRead == [.one, .two, .three])
        #expect(type(of: d).driverName == "keyboard-wedge")
    }

    @Test func shiftHandling() throws {
        #expect(KeyboardWedgeDecoder.character(usage: 0x22, shift: true) == UInt8(ascii: "%"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x23, shift: true) == UInt8(ascii: "^"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x38, shift: true) == UInt8(ascii: "?"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x38, shift: false) == UInt8(ascii: "/"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x2E, shift: true) == UInt8(ascii: "+"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x1F, shift: true) == UInt8(ascii: "@"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x04, shift: false) == UInt8(ascii: "a"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x1D, shift: true) == UInt8(ascii: "Z"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x62, shift: false) == UInt8(ascii: "0"))
        #expect(KeyboardWedgeDecoder.character(usage: 0x39, shift: false) == nil)  // Caps Lock
        // Right shift works like left shift.
        var d = KeyboardWedgeDecoder()
        let events = Wedge.feed(Wedge.reports(Vectors.testT1 + "\r", rightShift: true), into: &d)
        #expect(events.first?.swipe?.card.cardholderName?.surname == "TEST")
        // A reader sending lower case (letters without shift) still yields upper-case track 1.
        var e = KeyboardWedgeDecoder()
        var reports: [[UInt8]] = []
        for c in Vectors.testT1 + "\r" {
            let (u, s) = Wedge.key(for: c)!
            let letter = (0x04...0x1D).contains(u)
            reports += [Wedge.down(u, shift: s && !letter), Wedge.up]
        }
        let lower = Wedge.feed(reports, into: &e)
        #expect(lower.first?.swipe?.track1?.testString == Vectors.testT1)
        // Shift released while the key is still down does not retype it.
        var f = KeyboardWedgeDecoder()
        _ = Wedge.feed([[0x02, 0, 0x22, 0, 0, 0, 0, 0], [0x00, 0, 0x22, 0, 0, 0, 0, 0], Wedge.up], into: &f)
        #expect(Wedge.pending(f) == "%")
    }

    @Test func keyRollover() {
        var d = KeyboardWedgeDecoder()
        // `;` held while `4` goes down, then `;` up while `4` still down, then `1` added.
        _ = Wedge.feed([
            [0, 0, 0x33, 0, 0, 0, 0, 0],
            [0, 0, 0x33, 0x21, 0, 0, 0, 0],
            [0, 0, 0x21, 0, 0, 0, 0, 0],
            [0, 0, 0x21, 0x1E, 0, 0, 0, 0],
            [0, 0, 0x21, 0x1E, 0, 0, 0, 0],     // repeated identical report
            [0, 0, 0x1E, 0x21, 0, 0, 0, 0],     // same set, other order
            Wedge.up,
            [0, 0, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23],   // six new keys: array order
            [0, 0, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23],
            [0, 0, 0x1E, 0x1E, 0, 0, 0, 0],     // duplicate slot, nothing new
            Wedge.up,
        ], into: &d)
        #expect(Wedge.pending(d) == ";41123456")
    }

    @Test func ignoredReports() {
        var d = KeyboardWedgeDecoder()
        #expect(d.consume(report: []) == nil)
        #expect(d.consume(report: [0, 0, 0x33]) == nil)
        #expect(d.consume(report: [UInt8](repeating: 0x28, count: 9)) == nil)
        _ = Wedge.feed([[0x01, 0, 0x06, 0, 0, 0, 0, 0], Wedge.up], into: &d)   // Ctrl+C
        _ = Wedge.feed([[0x08, 0, 0x28, 0, 0, 0, 0, 0], Wedge.up], into: &d)   // GUI+Enter
        _ = Wedge.feed([[0, 0, 0x29, 0x2A, 0x2B, 0x39, 0x3A, 0x4F], Wedge.up], into: &d) // Esc, BS, Tab, Caps, F1, →
        #expect(Wedge.pending(d) == "")
        #expect(d.flush() == nil)
    }

    @Test func flushEndsASwipeWithoutEnter() throws {
        var d = KeyboardWedgeDecoder()
        #expect(d.flush() == nil)
        #expect(Wedge.feed(Wedge.reports(Vectors.testT1 + Vectors.testT2), into: &d).isEmpty)
        let s = try #require(d.flush()?.swipe)
        #expect(s.flags.tracksRead == [.one, .two])
        #expect(d.flush() == nil)
        // A key held across the idle gap counts again afterwards.
        _ = d.consume(report: [0, 0, 0x33, 0, 0, 0, 0, 0])
        _ = d.flush()
        _ = d.consume(report: [0, 0, 0x33, 0, 0, 0, 0, 0])
        #expect(Wedge.pending(d) == ";")
    }

    @Test func errorMarkersAndLRC() throws {
        var d = KeyboardWedgeDecoder()
        let partial = Wedge.feed(Wedge.reports("%E?" + Vectors.testT2 + "+E?\r"), into: &d)
        let s = try #require(partial.first?.swipe)
        #expect(s.flags.tracksRead == [.two] && s.flags.tracksFailed == [.one, .three])
        #expect(Wedge.feed(Wedge.reports("%E?;E?+E?\r"), into: &d).first?.failure == .unreadable)
        // Forwarded LRC characters are recognised and checked.
        let lrc = Wedge.feed(Wedge.reports(Vectors.testT1 + "X" + Vectors.testT2 + "4\r"), into: &d)
        #expect(lrc.first?.swipe?.flags.lrcChecked == true)
        let bad = Wedge.feed(Wedge.reports(Vectors.testT1 + "Y" + Vectors.testT2 + "5\r"), into: &d)
        #expect(bad.first?.failure == .unreadable)
    }

    @Test func sentinelAfterEndSentinelIsTheNextTrackUnlessItIsTheLRC() throws {
        // Find a track 1 whose LRC is `;` and one whose LRC is not.
        var matched = false
        for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ./()-" {
            let t1 = "%B4111111111111111^TEST/CAR\(c)^29121010000000000000?"
            let lrc = Array(t1.utf8).withUnsafeBytes { TrackParser.lrcCharacter(for: $0, sixBit: true) }
            guard lrc == UInt8(ascii: ";") || lrc == UInt8(ascii: "%") else { continue }
            matched = true
            var dec = KeyboardWedgeDecoder()
            let e = Wedge.feed(Wedge.reports(t1 + String(UnicodeScalar(lrc)) + Vectors.testT2 + "\r"), into: &dec)
            let s = try #require(e.first?.swipe)
            #expect(s.flags.tracksRead == [.one, .two])
            var dec2 = KeyboardWedgeDecoder()
            let e2 = Wedge.feed(Wedge.reports(t1 + Vectors.testT2 + "\r"), into: &dec2)
            #expect(e2.first?.swipe?.flags.tracksRead == [.one, .two])
        }
        #expect(matched)
    }

    @Test func corruptedStreams() {
        var d = KeyboardWedgeDecoder()
        // Lone Enter: the reader saw a swipe but sent nothing.
        #expect(Wedge.feed(Wedge.reports("\r"), into: &d).first?.failure == .unreadable)
        // Pre-card junk outside tracks is ignored.
        #expect(Wedge.feed(Wedge.reports("XYZ " + Vectors.testT2 + "\r"), into: &d).first?.swipe != nil)
        // A real keyboard typing into a track corrupts it.
        #expect(Wedge.feed(Wedge.reports(";41111hello11111111=2912101000000000?\r"), into: &d).first?.failure == .unreadable)
        // The same track twice (double swipe without Enter).
        #expect(Wedge.feed(Wedge.reports(Vectors.testT1 + Vectors.testT1 + "\r"), into: &d).first?.failure == .unreadable)
        // Missing end sentinel.
        #expect(Wedge.feed(Wedge.reports(";4111111111111111=2912101000000000\r"), into: &d).first?.failure == .unreadable)
        // Overflow: far more than three tracks.
        let flood = String(repeating: "1", count: 600)
        #expect(Wedge.feed(Wedge.reports(Vectors.testT2 + flood + "\r"), into: &d).first?.failure == .unreadable)
        // And the decoder is fine afterwards.
        #expect(Wedge.feed(Wedge.reports(Vectors.testT2 + "\r"), into: &d).first?.swipe?.card.brand == .visa)
    }

    @Test func copiesAreIndependent() {
        var a = KeyboardWedgeDecoder()
        _ = Wedge.feed(Wedge.reports(";41"), into: &a)
        var b = a
        _ = Wedge.feed(Wedge.reports("11"), into: &b)
        #expect(Wedge.pending(a) == ";41")
        #expect(Wedge.pending(b) == ";4111")
        a.reset()
        #expect(Wedge.pending(b) == ";4111")
    }

    @Test func randomReportsNeverCrash() {
        var rng = SplitMix64(seed: 0x77656467650001)
        var d = KeyboardWedgeDecoder()
        var events = 0
        for i in 0..<20_000 {
            var r = [UInt8](repeating: 0, count: 8)
            switch i % 4 {
            case 0:  // anything at all, any length
                r = (0..<Int.random(in: 0...12, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default: // plausible: a few keys from the track alphabet, random modifiers
                r[0] = [0, 0, 0x02, 0x20, 0x04, 0x40, 0x01, UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
                for slot in 2..<(2 + Int.random(in: 0...6, using: &rng)) {
                    r[slot] = [0x1E, 0x1F, 0x22, 0x23, 0x27, 0x28, 0x2E, 0x33, 0x38, 0x05, 0x08, 0x62, 0x5B, 0x01,
                               UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)!
                }
            }
            if d.consume(report: r) != nil { events += 1 }
            if i % 997 == 0, d.flush() != nil { events += 1 }
        }
        #expect(events > 0)
    }
}

import Foundation
