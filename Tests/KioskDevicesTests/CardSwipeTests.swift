import Testing
@testable import KioskDevices

@Suite struct CardSwipeTests {
    func data(_ s: String) -> TrackInput { .data(SensitiveBytes(Array(s.utf8))) }
    func assemble(_ t1: TrackInput = .absent, _ t2: TrackInput = .absent, _ t3: TrackInput = .absent) -> CardReaderEvent {
        CardSwipe.assemble(track1: t1, track2: t2, track3: t3, driverName: "test")
    }

    @Test func hoganThreeTracks() throws {
        let s = try #require(assemble(data(Vectors.hoganT1), data(Vectors.hoganT2), data(Vectors.hoganT3)).swipe)
        #expect(s.pan.testString == Vectors.hoganPAN)
        #expect(s.track1?.testString == Vectors.hoganT1)
        #expect(s.track2?.testString == Vectors.hoganT2)
        #expect(s.track3?.testString == Vectors.hoganT3)
        #expect(s.discretionary?.testString == "00000007250")
        #expect(s.card.brand == .mastercard)
        #expect(s.card.first6 == "545230" && s.card.last4 == "7189" && s.card.panLength == 16)
        #expect(s.card.maskedPAN == "545230******7189")
        #expect(s.card.expiry?.description == "2008-04")
        #expect(s.card.cardholderName?.surname == "HOGAN")
        #expect(s.serviceCode?.description == "321")
        #expect(s.flags.luhnValid == false)        // flag only: the vendor test card still reads
        #expect(s.flags.lrcChecked == false)
        #expect(s.flags.tracksRead == [.one, .two, .three])
        #expect(s.flags.tracksFailed == [])
        #expect(s.driverName == "test")
    }

    @Test func lrcCheckedWhenEveryKeptTrackHasAValidLRC() throws {
        let s = try #require(assemble(data(Vectors.testT1 + "X"), data(Vectors.testT2 + "4")).swipe)
        #expect(s.flags.lrcChecked && s.flags.luhnValid)
        #expect(s.card.brand == .visa)
        let partial = try #require(assemble(data(Vectors.testT1 + "X"), data(Vectors.testT2)).swipe)
        #expect(!partial.flags.lrcChecked)
    }

    @Test func badLRCDropsTheTrack() throws {
        let s = try #require(assemble(data(Vectors.bushT1 + "!"), data(Vectors.bushT2 + "1")).swipe)
        #expect(s.flags.tracksRead == [.one])
        #expect(s.flags.tracksFailed == [.two])
        #expect(s.track2 == nil)
        #expect(s.flags.lrcChecked)
        #expect(assemble(.absent, data(Vectors.bushT2 + "1")).failure == .unreadable)
    }

    @Test func oneGoodTrackIsEnough() throws {
        let s = try #require(assemble(.readerError, data(Vectors.hoganT2), .readerError).swipe)
        #expect(s.flags.tracksRead == [.two] && s.flags.tracksFailed == [.one, .three])
        #expect(s.card.cardholderName == nil)
        let t = try #require(assemble(data(Vectors.hoganT1), data("%E?")).swipe)
        #expect(t.flags.tracksFailed == [.two] && t.card.expiry?.description == "2008-04")
    }

    @Test func failures() {
        #expect(assemble().failure == .unreadable)
        #expect(assemble(.readerError, .readerError, .readerError).failure == .unreadable)
        #expect(assemble(data("%E?"), data(";E?"), data("+E?")).failure == .unreadable)
        #expect(assemble(.absent, .absent, data(Vectors.hoganT3)).failure == .unreadable)   // track 3 alone
        #expect(assemble(data("garbage"), data("junk")).failure == .unreadable)
        // Tracks that disagree: two cards, or a corrupted read.
        #expect(assemble(data(Vectors.hoganT1), data(Vectors.testT2)).failure == .unreadable)
        #expect(assemble(data(Vectors.testT1), data(";4111111111111111=3012101000000000?")).failure == .unreadable)
        // Not a payment card.
        #expect(assemble(data("%CAMODESTO^SMITH$JOHN^?"), data(";6360231234567890=2512199001011?")).failure == .notAPaymentCard)
        #expect(assemble(.absent, data(";1234567890?")).failure == .notAPaymentCard)
        #expect(assemble(.absent, data(";12345678901=2912101?")).failure == .notAPaymentCard)  // 11-digit PAN
        // Reader-masked copies only.
        #expect(assemble(.absent, data(";4266********9999=****************?*")).failure == .unsupported)
    }

    @Test func proprietaryTrack1NextToBankTrack2() throws {
        let s = try #require(assemble(data("%A1234^PROPRIETARY^?"), data(Vectors.testT2)).swipe)
        #expect(s.track1 == nil && s.flags.tracksRead == [.two])
    }

    @Test func errorSentences() {
        #expect(CardReadError.unreadable.description == "the card could not be read, please swipe again")
        #expect(CardReadError.unreadable.localizedDescription == "the card could not be read, please swipe again")
        for e in [CardReadError.unreadable, .notAPaymentCard, .unsupported] {
            #expect(e.description.hasSuffix(".") == false && e.description.count > 20)
            #expect(String(describing: e) == e.description)
        }
    }

    @Test func maskedCardCodableAndShortPANs() throws {
        let s = try #require(assemble(data(Vectors.testT1)).swipe)
        let json = try JSONEncoder().encode(s.card)
        let text = String(decoding: json, as: UTF8.self)
        #expect(text.contains("\"2029-12\""))
        #expect(try JSONDecoder().decode(MaskedCard.self, from: json) == s.card)
        let amex = try #require(assemble(.absent, data(";378282246310005=2912101?")).swipe)
        #expect(amex.card.maskedPAN == "378282*****0005" && amex.card.brand == .amex)
    }
}

import Foundation
