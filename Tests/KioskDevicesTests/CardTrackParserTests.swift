import Testing
@testable import KioskDevices

/// card-readers.md §1.4, §1.5 and the parser test cases of §1.8.
@Suite struct CardTrackParserTests {
    func t1(_ s: String) -> Result<ParsedTrack, TrackParseError> { TrackParser.parse(s, track: .one) }
    func t2(_ s: String) -> Result<ParsedTrack, TrackParseError> { TrackParser.parse(s, track: .two) }
    func t3(_ s: String) -> Result<ParsedTrack, TrackParseError> { TrackParser.parse(s, track: .three) }

    // MARK: §1.8 table

    @Test func hoganTrack1() throws {
        let t = try #require(t1(Vectors.hoganT1).value)
        #expect(t.content == .financial)
        #expect(t.formatCode == UInt8(ascii: "B"))
        #expect(t.pan?.testString == Vectors.hoganPAN)
        #expect(t.luhnValid == false)              // MagTek ANSI test card is not Luhn-clean
        #expect(t.name?.raw == "HOGAN/PAUL")
        #expect(t.name?.surname == "HOGAN")
        #expect(t.name?.givenNames == "PAUL")
        #expect(t.name?.title == nil)
        #expect(t.expiry?.description == "2008-04")
        #expect(t.serviceCode?.description == "321")
        #expect(t.discretionary?.testString == "0000000725000000")
        #expect(t.lrc == .absent)
        #expect(t.raw.testString == Vectors.hoganT1)
    }

    @Test func hoganTrack2() throws {
        let t = try #require(t2(Vectors.hoganT2).value)
        #expect(t.content == .financial)
        #expect(t.pan?.testString == Vectors.hoganPAN)
        #expect(t.luhnValid == false)
        #expect(t.expiry == CardExpiry(year: 2008, month: 4))
        #expect(t.serviceCode?.description == "321")
        #expect(t.discretionary?.testString == "00000007250")
        #expect(t.name == nil)
    }

    @Test func bushTrack1WithLRC() throws {
        let t = try #require(t1(Vectors.bushT1 + "!").value)
        #expect(t.pan?.testString == Vectors.bushPAN)
        #expect(t.luhnValid == false)              // ID TECH / Unitech example card
        #expect(t.name?.surname == "BUSH JR")
        #expect(t.name?.givenNames == "GEORGE W")
        #expect(t.name?.title == "MR")
        #expect(t.name?.displayName == "GEORGE W BUSH JR")
        #expect(t.expiry?.description == "2008-09")
        #expect(t.serviceCode?.description == "101")
        #expect(t.discretionary?.testString == "100001100000000046000000")
        #expect(t.lrc == .valid)
        #expect(t.raw.testString == Vectors.bushT1)  // LRC is not part of the raw track
    }

    @Test func bushTrack2WithLRC() throws {
        let t = try #require(t2(Vectors.bushT2 + "0").value)
        #expect(t.expiry?.description == "2008-09")
        #expect(t.serviceCode?.description == "101")
        #expect(t.discretionary?.testString == "10000046")
        #expect(t.lrc == .valid)
    }

    @Test func badLRCIsFlagged() throws {
        let t = try #require(t2(Vectors.bushT2 + "1").value)
        #expect(t.lrc == .mismatch)
        let bad1 = try #require(t1(Vectors.bushT1 + "\"").value)
        #expect(bad1.lrc == .mismatch)
    }

    @Test(arguments: [("%E?", TrackNumber.one), (";E?", .two), (";E?", .three), ("+E?", .three), ("+E?", .two), ("%e?", .one)])
    func readerErrorMarkers(_ input: String, _ track: TrackNumber) {
        let r = TrackParser.parse(input, track: track)
        #expect(r.error == .readerReportedError)
        #expect(r.error?.cardReadError == .unreadable)
        #expect(r.error?.cardReadError.description == "the card could not be read, please swipe again")
    }

    @Test func magTekMaskedTrackParsesButIsNotAuthentic() throws {
        // Luhn-valid, yet a masked PAN: only the source can say so; parsing must not reject it.
        let t = try #require(t1(Vectors.hoganMaskedT1).value)
        #expect(t.content == .financial)
        #expect(t.pan?.testString == "5452000000007189")
        #expect(t.luhnValid == true)
        #expect(t.expiry?.description == "2008-04")
    }

    @Test func idTechMaskedDataIsMaskedNotAnError() throws {
        let tail = String(repeating: "*", count: "0809101100001100000000046000000".count)
        let t = try #require(t1("%*4266********9999^BUSH JR/GEORGE W.MR^\(tail)?*").value)
        #expect(t.content == .masked)
        #expect(t.lrc == .masked)
        #expect(t.luhnValid == nil)
        #expect(t.expiry == nil)
        #expect(t.name?.surname == "BUSH JR")
        let m2 = try #require(t2(";4266********9999=****************?*").value)
        #expect(m2.content == .masked)
    }

    @Test func overLongFieldsAndTracksAreMalformed() {
        #expect(t1("%B12345678901234567890^TEST/CARD^29121010000000000000?").error == .malformed(.pan))
        #expect(t2(";12345678901234567890=2912101000?").error == .malformed(.pan))
        #expect(t1("%B4111111111111111^\(String(repeating: "A", count: 27))^2912101?").error == .malformed(.name))
        #expect(t1("%B4111111111111111^\(String(repeating: "A", count: 26))^2912101?").value != nil)
        let head = "%B4111111111111111^TEST/CARD^2912101"
        let long1 = head + String(repeating: "0", count: 80 - head.count - 1) + "?"
        #expect(long1.count == 80)
        #expect(t1(long1).error == .tooLong(limit: 79))
        #expect(t1(String(long1.dropLast(2)) + "?").value != nil)      // 79 characters: fine
        #expect(t1(String(long1.dropLast(2)) + "?!").error == .tooLong(limit: 79))  // + LRC: 80
        let long2 = ";4111111111111111=2912101" + String(repeating: "0", count: 40 - 26) + "?"
        #expect(long2.count == 40)
        #expect(t2(long2).value != nil)
        #expect(t2(long2 + "?").error == .tooLong(limit: 40))
        #expect(t3(";" + String(repeating: "3", count: 105) + "?").value != nil)   // 107
        #expect(t3(";" + String(repeating: "3", count: 106) + "?").error == .tooLong(limit: 107))
    }

    // MARK: Framing errors

    @Test func sentinelsAndFraming() {
        #expect(t1("B4111111111111111^TEST/CARD^29121010000000000000?").error == .missingStartSentinel)
        #expect(t1(Vectors.testT2).error == .missingStartSentinel)
        #expect(t2(Vectors.testT1).error == .missingStartSentinel)
        #expect(t1("%B4111111111111111^TEST/CARD^29121010000000000000").error == .missingEndSentinel)
        #expect(t2(";4111111111111111=2912101000000000").error == .missingEndSentinel)
        #expect(t3(";5163499080020445=000000000000").error == .missingEndSentinel)
        #expect(t1(Vectors.testT1 + "XY").error == .dataAfterLRC)
        #expect(t2(Vectors.testT2 + "44").error == .dataAfterLRC)
        #expect(t1("").error == .empty)
        #expect(t1("%?").error == .malformed(.formatCode))
        #expect(t2(";?").error == .malformed(.pan))
        #expect(t2(";4111111111111111=2912101000A00000?").error == .invalidCharacter(offset: 28))
        #expect(t1("%B4111111111111111^TEST/CARD{^2912101?").error == .invalidCharacter(offset: 28))
        #expect(t2(";4111111111111111=2912;01000000000?").error == .invalidCharacter(offset: 22))
        #expect(t1("%B41111111111111%1^TEST/CARD^2912101?").error == .invalidCharacter(offset: 16))
    }

    @Test func fieldRules() throws {
        // Absent expiry and/or service code are signalled by an early separator.
        let a = try #require(t2(";4111111111111111==101123?").value)
        #expect(a.expiry == nil)
        #expect(a.serviceCode?.description == "101")
        #expect(a.discretionary?.testString == "123")
        let b = try #require(t2(";4111111111111111===123?").value)
        #expect(b.expiry == nil && b.serviceCode == nil)
        let c = try #require(t1("%B4111111111111111^TEST/CARD^^^123?").value)
        #expect(c.expiry == nil && c.serviceCode == nil && c.discretionary?.testString == "123")
        let d = try #require(t1("%B4111111111111111^TEST/CARD^2912^123?").value)
        #expect(d.expiry?.description == "2029-12" && d.serviceCode == nil)
        // Month outside 01–12, truncated fields.
        #expect(t2(";4111111111111111=2913101?").error == .malformed(.expiry))
        #expect(t2(";4111111111111111=2900101?").error == .malformed(.expiry))
        #expect(t2(";12=0?").error == .malformed(.expiry))
        #expect(t2(";4111111111111111=2912?").error == .malformed(.serviceCode))
        #expect(t2(";4111111111111111=291210?").error == .malformed(.serviceCode))
        #expect(t2(";4111111111111111=?").error == .malformed(.expiry))
        #expect(t1("%B4111111111111111^TEST/CARD?").error == .malformed(.name))
        #expect(t1("%B4111111111111111?").error == .malformed(.pan))
        #expect(t1("%B^TEST/CARD^2912101?").error == .malformed(.pan))
        #expect(t1("%B41111A1111111111^TEST/CARD^2912101?").error == .malformed(.pan))
        #expect(t2(";4111111111111111=2912101000=000?").error == .malformed(.discretionaryData))
    }

    @Test func nonFinancialTracks() throws {
        #expect(try #require(t1("%A1234^PROPRIETARY^?").value).content == .other)
        #expect(try #require(t1("%CAMODESTO^SMITH$JOHN^1234 MAIN ST^?").value).content == .other)
        #expect(t1("%1ABC?").error == .malformed(.formatCode))
        // AAMVA track 2 (IIN 636000–636062 or 604425).
        #expect(try #require(t2(";6360231234567890=2512199001011?").value).content == .aamva)
        #expect(try #require(t2(";6044251234567=2512199001011?").value).content == .aamva)
        // Digits without a separator: readable, not a bank layout.
        #expect(try #require(t2(";1234567890?").value).content == .other)
        // 7-bit data on track 2.
        #expect(try #require(t2("@HOTEL ROOM 12?").value).content == .other)
    }

    @Test func track3IsKeptRaw() throws {
        let t = try #require(t3(Vectors.hoganT3).value)
        #expect(t.content == .unparsed)
        #expect(t.pan == nil)
        #expect(t.raw.testString == Vectors.hoganT3)
        // MagTek keyboard output uses `+`; the ISO sentinel is restored.
        let k = try #require(t3("+5163499080020445=000000000000?").value)
        #expect(k.raw.testString == Vectors.hoganT3)
        #expect(t3(";5163499080020445=0000A0000000?").error == .invalidCharacter(offset: 22))
    }

    @Test func lowerCaseTrack1IsUpperCased() throws {
        let t = try #require(t1("%b4111111111111111^test/card^29121010000000000000?x").value)
        #expect(t.name?.surname == "TEST")
        #expect(t.raw.testString == Vectors.testT1)
        #expect(t.lrc == .valid)
    }

    // MARK: §1.5 LRC vectors

    @Test(arguments: [
        (Vectors.bushT1, true, "!"),
        (Vectors.bushT2, false, "0"),
        (";33333333337676760707077676763333333333767676070707767676333333333376767607070776767633333333337676760707?", false, "2"),
        (Vectors.testT1, true, "X"),
        (Vectors.testT2, false, "4"),
    ])
    func lrcVectors(_ track: String, _ sixBit: Bool, _ expected: String) {
        let bytes = Array(track.utf8)
        let lrc = bytes.withUnsafeBytes { TrackParser.lrcCharacter(for: $0, sixBit: sixBit) }
        #expect(lrc == Array(expected.utf8)[0])
        let number: TrackNumber = sixBit ? .one : (track.count > 40 ? .three : .two)
        #expect(TrackParser.parse(track + expected, track: number).value?.lrc == .valid)
    }

    @Test func lrcWithSubstitutedTrack3Sentinel() throws {
        let body = String(Vectors.hoganT3.dropFirst())
        let lrc = Array((";" + body).utf8).withUnsafeBytes { TrackParser.lrcCharacter(for: $0, sixBit: false) }
        let t = try #require(t3("+" + body + String(UnicodeScalar(lrc))).value)
        #expect(t.lrc == .valid)
    }

    // MARK: §1.4 Luhn

    @Test(arguments: [
        ("79927398713", true), ("4111111111111111", true), ("4012345678909", true),
        ("5452300551227189", false), ("5452000000007189", true), ("4266841088889999", false),
        ("5163499080020445", true), ("", false), ("4111a", false),
    ])
    func luhn(_ pan: String, _ valid: Bool) {
        #expect(Array(pan.utf8).withUnsafeBytes { TrackParser.luhnValid($0) } == valid)
    }

    // MARK: Names, expiry, service code, brands

    @Test func names() throws {
        let plain = try #require(CardholderName(field: "CARDHOLDER NAME      "))
        #expect(plain.surname == nil && plain.givenNames == nil && plain.displayName == "CARDHOLDER NAME")
        let slashOnly = try #require(CardholderName(field: "SMITH/"))
        #expect(slashOnly.surname == "SMITH" && slashOnly.givenNames == nil && slashOnly.displayName == "SMITH")
        #expect(CardholderName(field: "      ") == nil)
        #expect(CardholderName(field: " / ") == nil)
        let titled = try #require(CardholderName(field: "DOE/JANE.DR"))
        #expect(titled.title == "DR" && titled.givenNames == "JANE")
    }

    @Test func expiryAndServiceCode() throws {
        let e = try #require(CardExpiry(year: 2029, month: 12))
        #expect(e.description == "2029-12")
        #expect(CardExpiry("2029-12") == e)
        #expect(CardExpiry(year: 2029, month: 13) == nil)
        #expect(e.isExpired(currentYear: 2030, currentMonth: 1))
        #expect(!e.isExpired(currentYear: 2029, currentMonth: 12))
        let s = try #require(ServiceCode("201"))
        #expect(s.chipPresent && s.international && !s.pinRequired)
        #expect(try #require(ServiceCode("120")).pinRequired)
        #expect(ServiceCode("12") == nil && ServiceCode("12a") == nil)
    }

    @Test(arguments: [
        ("4111111111111111", CardBrand.visa), ("5452300551227189", .mastercard), ("2221000000000009", .mastercard),
        ("2720990000000007", .mastercard), ("378282246310005", .amex), ("341111111111111", .amex),
        ("6011111111111117", .discover), ("6441111111111111", .discover), ("6511111111111111", .discover),
        ("6221260000000000", .discover), ("3530111333300000", .jcb), ("30569309025904", .diners),
        ("36000000000008", .diners), ("6200000000000005", .unionpay), ("5018000000000009", .maestro),
        ("6759000000000000", .maestro), ("9999999999999999", .unknown), ("2720000000000000", .mastercard),
        ("2721000000000000", .unknown),
    ])
    func brands(_ pan: String, _ brand: CardBrand) {
        #expect(Array(pan.utf8).withUnsafeBytes { CardBrand.detect(panDigits: $0) } == brand)
    }

    // MARK: Robustness

    @Test func randomStringsNeverCrash() {
        var rng = SplitMix64(seed: 0x6B696F736B706179)
        let alphabet = Array("%;+?^=/ .*E#&!@0123456789ABZbz\u{0}\u{7F}é".unicodeScalars)
        let seeds = [Vectors.hoganT1, Vectors.hoganT2, Vectors.bushT1 + "!", Vectors.hoganT3, Vectors.testT2 + "4"]
        var parsed = 0
        for i in 0..<20_000 {
            var s: String
            if i % 2 == 0 {
                let n = Int.random(in: 0...130, using: &rng)
                s = String(String.UnicodeScalarView((0..<n).map { _ in alphabet.randomElement(using: &rng)! }))
            } else {
                // Mutate a valid track: replace, insert or delete a few characters.
                var u = Array(seeds.randomElement(using: &rng)!.unicodeScalars)
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let op = Int.random(in: 0..<3, using: &rng)
                    let at = Int.random(in: 0...u.count, using: &rng)
                    let c = alphabet.randomElement(using: &rng)!
                    switch op {
                    case 0 where at < u.count: u[at] = c
                    case 1: u.insert(c, at: at)
                    default: if at < u.count { u.remove(at: at) }
                    }
                }
                s = String(String.UnicodeScalarView(u))
            }
            for track in TrackNumber.allCases {
                if case .success(let t) = TrackParser.parse(s, track: track) {
                    parsed += 1
                    #expect(t.raw.count <= track.maxLength)
                    if let pan = t.pan { #expect((1...19).contains(pan.count)) }
                }
            }
        }
        #expect(parsed > 0)
    }
}
