import Foundation
import Testing
@testable import KioskDevices

/// No card data in any description, error or dump; clear bytes are zeroed.
@Suite struct CardSecurityTests {
    @Test func sensitiveBytesNeverShowContent() {
        let b = SensitiveBytes(Array(Vectors.testPAN.utf8))
        for r in renderings(b) {
            expectNoCardData(r)
            #expect(r.contains("<sensitive, 16 bytes>") || r.contains("SensitiveBytes"))
        }
        #expect(b.description == "<sensitive, 16 bytes>")
        #expect(b.debugDescription == "<sensitive, 16 bytes>")
        #expect(Mirror(reflecting: b).children.isEmpty)
    }

    @Test func wipeZeroesTheStorage() {
        let b = SensitiveBytes(Array(Vectors.hoganT1.utf8))
        #expect(b.testString == Vectors.hoganT1)
        #expect(!b.isWiped)
        b.wipe()
        #expect(b.isWiped)
        b.withUnsafeBytes { raw in
            #expect(raw.count == Vectors.hoganT1.utf8.count)
            #expect(raw.allSatisfy { $0 == 0 })
        }
    }

    @Test func swipeWipeZeroesEveryClearPart() throws {
        let r = MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, Vectors.hoganT3)
        var d = MagTekHIDDecoder()
        let e = d.consume(report: r)
        let s = try #require(e?.swipe)
        s.wipe()
        for part in [s.pan, s.track1!, s.track2!, s.track3!, s.discretionary!] {
            part.withUnsafeBytes { #expect($0.allSatisfy { $0 == 0 }) }
        }
        #expect(s.card.last4 == "7189")     // the masked view stays
    }

    @Test func constantTimeEquals() {
        let a = SensitiveBytes(Array("4111".utf8)), b = SensitiveBytes(Array("4111".utf8)), c = SensitiveBytes(Array("4112".utf8))
        #expect(a.constantTimeEquals(b) && !a.constantTimeEquals(c) && !a.constantTimeEquals(SensitiveBytes([])))
    }

    @Test func swipeMaskedCardAndEventRenderingsHaveNoPAN() throws {
        var d = MagTekHIDDecoder()
        let maybe = d.consume(report: MagTekReport.build(Vectors.hoganT1, Vectors.hoganT2, Vectors.hoganT3))
        let event = try #require(maybe)
        let s = try #require(event.swipe)
        for value: Any in [event, s, s.card, s.flags, s.pan, s.track1!, d] {
            for r in renderings(value) {
                expectNoCardData(r)
                #expect(!r.contains("0000000725000000") && !r.contains("HOGAN"))   // discretionary, name
            }
        }
        #expect(s.card.description == "mastercard 545230******7189 exp 2008-04")
        let parsed = try #require(TrackParser.parse(Vectors.bushT1 + "!", track: .one).value)
        for r in renderings(parsed) + renderings(TrackParser.parse(Vectors.bushT1, track: .one)) {
            expectNoCardData(r)
            #expect(!r.contains("BUSH"))
        }
    }

    /// Every failing input, through every path, renders without card data.
    @Test func errorPathsHaveNoCardData() {
        let bad: [(String, TrackNumber)] = [
            ("%E?", .one), (";E?", .two), ("+E?", .three),
            (Vectors.testT1.replacingOccurrences(of: "?", with: ""), .one),
            (String(Vectors.testT2.dropFirst()), .two),
            (Vectors.testT2 + "44", .two),
            ("%B41111111111111111111^TEST/CARD^2912101?", .one),
            (";41111111111111111111=2912101?", .two),
            ("%B4111111111111111^TEST/CARD^2913101?", .one),
            (";4111111111111111=2913101?", .two),
            (";4111111111111111=2912101000A00000?", .two),
            ("%B4111111111111111^\(String(repeating: "N", count: 27))^2912101?", .one),
            (Vectors.testT1 + String(repeating: "0", count: 40), .one),
            (";4111111111111111=2912101000000000000000000000?", .two),
            (Vectors.testT2 + "5", .two),   // LRC mismatch: a flag on the track, failure for the swipe
        ]
        for (input, track) in bad {
            let result = TrackParser.parse(input, track: track)
            for r in renderings(result) { expectNoCardData(r) }
            if let e = result.error {
                #expect(e.cardReadError == .unreadable)
                for r in renderings(e) + [e.cardReadError.description, e.cardReadError.localizedDescription] {
                    expectNoCardData(r)
                }
            }
            let event = CardSwipe.assemble(track1: track == .one ? .data(SensitiveBytes(Array(input.utf8))) : .absent,
                                           track2: track == .two ? .data(SensitiveBytes(Array(input.utf8))) : .absent,
                                           track3: track == .three ? .data(SensitiveBytes(Array(input.utf8))) : .absent,
                                           driverName: "test")
            #expect(event.failure == .unreadable, "\(input.count) chars on \(track)")
            for r in renderings(event) { expectNoCardData(r) }
        }
    }

    @Test func decoderRenderingsHaveNoPendingData() {
        var w = KeyboardWedgeDecoder()
        _ = Wedge.feed(Wedge.reports(Vectors.testT2), into: &w)   // no Enter yet: data pending
        #expect(Wedge.pending(w) == Vectors.testT2)
        for r in renderings(w) { expectNoCardData(r) }
        w.reset()
        #expect(Wedge.pending(w) == "")
    }
}
