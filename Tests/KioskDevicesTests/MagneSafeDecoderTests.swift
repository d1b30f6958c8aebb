import Foundation
import Testing
@testable import KioskDevices

// MARK: - Shared helpers for the encrypting-reader tests (MagneSafe*, IDTech*)

/// Published examples (card-readers.md §3.10, §4.7, appendices A and B) kept as files in
/// Tests/Fixtures/cards, found from this file's real location so symlinked test folders work.
enum CardFixtures {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/cards")
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// A `.hex` fixture: hex digits, any whitespace.
    static func bytes(_ name: String) throws -> [UInt8] { hexBytes(try text(name)) }
}

extension CardReaderEvent {
    var encrypted: EncryptedSwipe? { if case .encryptedSwipe(let s) = self { return s } else { return nil } }
}

func hexString(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

enum MagneSafeVectors {
    static let t1Cipher = "C25C1D1197D31CAA87285D59A892047426D9182EC11353C051ADD6D0F072A6CB3436560B3071FC1FD11D9F7E74886742D9BEE0CFD1EA1064C213BB55278B2F12"
    static let t2Cipher = "724C5DB7D6F901C7F0FEAE7908801093B3DBFE51CCF6D483E789D7D2C007D539499BAADCC8D16CA2"
    static let t3Cipher = "76BB013C0DFD8195F16F2FBC50A35171AA370131F87442313EE36457B87C87F9"
    static let magnePrint = "4703576BC5C2CB20BC04C68B5CE1972AE89E087B1C4D47D5D0E31706106903E60B82030792690A571DB02D0A88855A35ABB5549798006B42"
    static let maskedT2 = ";5452000000007189=080400000000000000?"
    static let maskedT3 = ";5163000050000445=000000000000?"
    static let ksn = "FFFF9876543210E00008"
    static let session = "21685F158B5C6BE0"

    static func example11() throws -> [UInt8] { try CardFixtures.bytes("magtek-magnesafe-ex11-856.hex") }

    /// The Example 11 swipe as encoder fields.
    static func fields() -> MagneSafeReportEncoder.Fields {
        .init(track1: .init(masked: Array(Vectors.hoganMaskedT1.utf8), ciphertext: hexBytes(t1Cipher), clearLength: 60),
              track2: .init(masked: Array(maskedT2.utf8), ciphertext: hexBytes(t2Cipher), clearLength: 37),
              track3: .init(masked: Array(maskedT3.utf8), ciphertext: hexBytes(t3Cipher), clearLength: 31),
              magnePrintStatus: 0x0000_05A1, magnePrint: hexBytes(magnePrint), magnePrintClearLength: 54,
              encryptionStatus: 0x0006, ksn: hexBytes(ksn), encryptedSessionID: hexBytes(session))
    }
}

/// card-readers.md §3.4–3.10: MagneSafe V5 856/887-byte encrypted HID reports.
@Suite struct MagneSafeDecoderTests {
    func decode(_ r: [UInt8], _ d: MagneSafeHIDDecoder = MagneSafeHIDDecoder()) -> CardReaderEvent? {
        var d = d
        return d.consume(report: r)
    }

    func report(_ edit: (inout MagneSafeReportEncoder.Fields) -> Void, layout: MagneSafeReportEncoder.Layout = .v887) throws -> [UInt8] {
        var f = MagneSafeVectors.fields()
        edit(&f)
        return try MagneSafeReportEncoder.report(f, layout: layout)
    }

    @Test func example11EveryField() throws {
        let r = try MagneSafeVectors.example11()
        #expect(r.count == 856)
        var d = MagneSafeHIDDecoder()
        let s = try #require(d.consume(report: r)?.encrypted)
        #expect(d.lastEncodeType == .isoABA)
        #expect(d.lastEncryptionStatus == [.initialKeyInjected, .encryptionEnabled])
        #expect(s.driverName == "magtek-magnesafe")
        // Masked view: MagTek default `04040Y` trusts the first 4 digits only.
        #expect(s.card.description == "mastercard 5452********7189 exp 2008-04")
        #expect(s.card.first6 == "5452**" && s.card.last4 == "7189" && s.card.panLength == 16)
        #expect(s.card.brand == .mastercard)
        #expect(s.card.expiry == CardExpiry(year: 2008, month: 4))
        #expect(s.card.cardholderName?.surname == "HOGAN" && s.card.cardholderName?.givenNames == "PAUL")
        // KSN and scheme.
        #expect(s.ksn.hex == MagneSafeVectors.ksn && s.ksn.transactionCounter == 8 && !s.ksn.isAES)
        #expect(s.scheme == EncryptionScheme(cipher: .tdes, keyManagement: .dukpt, variant: .pin, variantDeclared: false))
        #expect(s.scheme.description == "TDES DUKPT PIN variant (default)")
        // Ciphertext, one block per track, with encrypted and absolute lengths 64/60, 40/37, 32/31.
        #expect(s.blocks.map(\.tracks) == [[.one], [.two], [.three]])
        #expect(s.blocks.map(\.ciphertext.count) == [64, 40, 32])
        #expect(s.blocks.map(\.clearLengths) == [[60], [37], [31]])
        #expect(hexString(try #require(s.block(covering: .one)).ciphertext) == MagneSafeVectors.t1Cipher)
        #expect(hexString(try #require(s.block(covering: .two)).ciphertext) == MagneSafeVectors.t2Cipher)
        #expect(hexString(try #require(s.block(covering: .three)).ciphertext) == MagneSafeVectors.t3Cipher)
        // Masked tracks as sent.
        #expect(s.track(.one)?.unencrypted?.testString == Vectors.hoganMaskedT1)
        #expect(s.track(.two)?.unencrypted?.testString == MagneSafeVectors.maskedT2)
        #expect(s.track(.three)?.unencrypted?.testString == MagneSafeVectors.maskedT3)
        #expect(s.tracks.map(\.status) == [.read, .read, .read])
        #expect(s.tracks.allSatisfy { $0.hash == nil })
        // MagnePrint, session, serial, 887-only fields.
        let mp = try #require(s.magnePrint)
        #expect(mp.status == 0x0000_05A1 && mp.clearLength == 54 && hexString(mp.ciphertext) == MagneSafeVectors.magnePrint)
        #expect(s.encryptedSessionID.map(hexString) == MagneSafeVectors.session)
        #expect(s.deviceSerial == nil && s.encryptionCounter == nil && s.readerVersion == nil)
        #expect(s.cardEncodeType == 0)
        #expect(s.flags == .init(tracksRead: [.one, .two, .three], tracksFailed: [], tracksEncrypted: [.one, .two, .three],
                                 chipCardHint: nil))
    }

    /// Example 12 is the keyboard-mode output of the same swipe: tracks 1 and 2 carry the same
    /// ciphertext (track 3 differs: its sentinel is `+` in KB mode), the same KSN and session ID,
    /// and the status word printed least significant byte first.
    @Test func example12KeyboardStringAgreesWithTheHIDReport() throws {
        let kb = try CardFixtures.text("magtek-magnesafe-ex12-kb.txt").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(kb.count == 580)
        let fields = kb.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        #expect(fields[0] == Vectors.hoganMaskedT1 + MagneSafeVectors.maskedT2 + "+5163000050000445=000000000000?")
        let s = try #require(decode(try MagneSafeVectors.example11())?.encrypted)
        #expect(fields[1] == "0600")
        #expect(fields[2] == hexString(s.block(covering: .one)!.ciphertext))
        #expect(fields[3] == hexString(s.block(covering: .two)!.ciphertext))
        #expect(fields[4] != hexString(s.block(covering: .three)!.ciphertext) && fields[4].count == 64)
        #expect(fields[5] == "A1050000")
        #expect(fields[7] == "")                                  // no device serial
        #expect(fields[8] == MagneSafeVectors.session && fields[9] == s.ksn.hex)
        #expect(fields[10] == "B78F" && fields[12] == "0000")
    }

    @Test func encoderReproducesExample11ByteForByte() throws {
        let r = try MagneSafeVectors.example11()
        #expect(try MagneSafeReportEncoder.report(MagneSafeVectors.fields(), layout: .v856) == r)
    }

    @Test func roundTrip887() throws {
        let r = try report { f in
            f.deviceSerial = Array("B1234567".utf8)
            f.encryptionCounter = 0x0F_4240
            f.version = Array("V05".utf8)
            f.track2Hash = [UInt8](repeating: 0xAB, count: 20)
        }
        #expect(r.count == 887)
        let s = try #require(decode(r)?.encrypted)
        #expect(s.card.description == "mastercard 5452********7189 exp 2008-04")
        #expect(s.deviceSerial == "B1234567" && s.encryptionCounter == 1_000_000 && s.readerVersion == "V05")
        #expect(s.track(.two)?.hash == [UInt8](repeating: 0xAB, count: 20) && s.track(.one)?.hash == nil)
        #expect(hexString(s.block(covering: .one)!.ciphertext) == MagneSafeVectors.t1Cipher)
        #expect(s.ksn.hex == MagneSafeVectors.ksn)
        // Newer SCRA lengths and a report ID are accepted.
        #expect(decode(r + [1] + [UInt8](repeating: 0, count: 43))?.encrypted != nil)          // 931
        #expect(decode([1] + r, MagneSafeHIDDecoder(reportID: 1))?.encrypted != nil)
        #expect(decode([2] + r, MagneSafeHIDDecoder(reportID: 1))?.failure == .unreadable)
        #expect(decode(r, MagneSafeHIDDecoder(reportID: 1))?.failure == .unreadable)
    }

    @Test func dataVariantBitIsDeclared() throws {
        let s = try #require(decode(try report { $0.encryptionStatus = 0x0806 })?.encrypted)
        #expect(s.scheme.variant == .data && s.scheme.variantDeclared)
    }

    @Test func readerStatusFailures() throws {
        let cases: [(UInt16, ReaderServiceReason)] = [
            (0x0007, .keysExhausted), (0x0004, .noEncryptionKeys), (0x0002, .encryptionDisabled),
            (0x0106, .transactionLimitReached), (0x0086, .encryptionFault), (0x0026, .encryptionFault), (0x0000, .noEncryptionKeys),
        ]
        for (status, reason) in cases {
            let event = decode(try report { $0.encryptionStatus = status })
            #expect(event?.failure == .readerNeedsService(reason), "status \(status)")
        }
        #expect(decode(try report { $0.ksn = [] })?.failure == .readerNeedsService(.noEncryptionKeys))
        #expect(CardReadError.readerNeedsService(.noEncryptionKeys).description
                == "this card reader has no encryption keys; please call a technician")
        for reason in ReaderServiceReason.allCases {
            #expect(CardReadError.readerNeedsService(reason).localizedDescription.contains("technician"))
        }
        // Timed out waiting for a swipe: not an event at all.
        let timeout = try MagneSafeReportEncoder.report(.init(encryptionStatus: 0x0016, ksn: hexBytes(MagneSafeVectors.ksn)))
        #expect(decode(timeout) == nil)
    }

    @Test func trackStatusesAndEncodeTypes() throws {
        // Track 1 errored: the masked view comes from track 2 (no name then).
        let s = try #require(decode(try report { $0.track1 = .init(decodeError: true) })?.encrypted)
        #expect(s.flags.tracksFailed == [.one] && s.flags.tracksRead == [.two, .three])
        #expect(s.card.cardholderName == nil && s.card.last4 == "7189")
        #expect(s.track(.one)?.status == .readerError && s.block(covering: .one) == nil)
        #expect(decode(try report { $0.cardEncodeType = 1 })?.failure == .notAPaymentCard)      // AAMVA
        #expect(decode(try report { $0.cardEncodeType = 2 })?.failure == .notAPaymentCard)      // CADL
        #expect(decode(try report { $0.cardEncodeType = 4 })?.encrypted != nil)                  // other: tracks decide
        let licence = try report { f in
            f.track1 = .init(masked: Array("%CAMODESTO^SMITH^?".utf8), ciphertext: [UInt8](repeating: 1, count: 24), clearLength: 18)
            f.track2 = .init(masked: Array(";6360231234567890=2512199001011?".utf8), ciphertext: [UInt8](repeating: 2, count: 32), clearLength: 31)
        }
        #expect(decode(licence)?.failure == .notAPaymentCard)
        // Nothing readable at all; masked data but no ciphertext of tracks 1/2.
        #expect(decode(try report { $0.track1 = .absent; $0.track2 = .absent; $0.track3 = .absent })?.failure == .unreadable)
        #expect(decode(try report { $0.track1.ciphertext = []; $0.track1.clearLength = 0
                                    $0.track2.ciphertext = []; $0.track2.clearLength = 0 })?.failure == .unreadable)
    }

    @Test func hostileLengthsAreRejected() throws {
        let good = try MagneSafeReportEncoder.report(MagneSafeVectors.fields())
        let edits: [(String, (inout [UInt8]) -> Void)] = [
            ("enc length past field", { $0[3] = 120; $0[852] = 118 }),
            ("enc length 255", { $0[3] = 255 }),
            ("enc length not a multiple of 8", { $0[4] = 41 }),
            ("clear length over enc", { $0[852] = 65 }),
            ("clear length far under enc", { $0[853] = 30 }),
            ("masked length past field", { $0[505] = 113 }),
            ("masked length over data (NULs)", { $0[506] = 60 }),
            ("MagnePrint length past field", { $0[348] = 136 }),
            ("MagnePrint not multiple of 8", { $0[348] = 57 }),
            ("MagnePrint clear over length", { $0[855] = 57 }),
            ("masked PANs disagree", { $0[620 + 5] = 0x39 }),
        ]
        for (name, edit) in edits {
            var r = good
            edit(&r)
            #expect(decode(r)?.failure == .unreadable, "\(name)")
        }
    }

    @Test func wrongReportLengths() throws {
        let r = try MagneSafeReportEncoder.report(MagneSafeVectors.fields())
        #expect(decode([])?.failure == .unreadable)
        #expect(decode([UInt8](repeating: 0, count: 337))?.failure == .unsupported)
        for n in [8, 855, 857, 886] { #expect(decode(Array(r.prefix(n)))?.failure == .unreadable, "\(n)") }
        #expect(decode(Array(r.dropFirst(8)))?.failure == .unreadable)                    // lost first packet
        #expect(decode(r + [UInt8](repeating: 0, count: 45))?.failure == .unreadable)     // 932
        #expect(decode([UInt8](repeating: 0, count: 856))?.failure == .readerNeedsService(.noEncryptionKeys))
    }

    @Test func encoderRejectsFieldsThatDoNotFit() {
        let bad: [(inout MagneSafeReportEncoder.Fields) -> Void] = [
            { $0.track1.ciphertext = [UInt8](repeating: 0, count: 120); $0.track1.clearLength = 115 },
            { $0.track1.ciphertext = [1, 2, 3] },
            { $0.track2.clearLength = 41 },
            { $0.track3.masked = [UInt8](repeating: 0x30, count: 113) },
            { $0.track3.masked = [0x3B, 0, 0x3F] },
            { $0.ksn = [1, 2, 3] },
            { $0.encryptedSessionID = [1] },
            { $0.deviceSerial = [UInt8](repeating: 0x41, count: 16) },
            { $0.magnePrint = [UInt8](repeating: 0, count: 136) },
            { $0.encryptionCounter = 0x100_0000 },
            { $0.track2Hash = [1] },
        ]
        for edit in bad {
            var f = MagneSafeVectors.fields()
            edit(&f)
            #expect(throws: MagneSafeReportEncoder.EncodeError.self) { try MagneSafeReportEncoder.report(f) }
        }
    }

    @Test func maskPolicy() throws {
        let r = try MagneSafeVectors.example11()
        let six = try #require(decode(r, MagneSafeHIDDecoder(maskPolicy: .init(leadingClearDigits: 6)))?.encrypted)
        #expect(six.card.first6 == "545200" && six.card.maskedPAN == "545200******7189")
        let none = try #require(decode(r, MagneSafeHIDDecoder(maskPolicy: .init(leadingClearDigits: 0)))?.encrypted)
        #expect(none.card.first6 == "******" && none.card.brand == .unknown)
        #expect(MaskedPANPolicy(leadingClearDigits: 9).leadingClearDigits == 6)
        #expect(MaskedTrackView.brand(leadingDigits: Array("4".utf8)) == .visa)
        #expect(MaskedTrackView.brand(leadingDigits: Array("37".utf8)) == .amex)
        #expect(MaskedTrackView.brand(leadingDigits: Array("6011".utf8)) == .discover)
    }

    @Test func renderingsShowOnlyTheMaskedView() throws {
        var d = MagneSafeHIDDecoder()
        let event = try #require(d.consume(report: try MagneSafeVectors.example11()))
        let s = try #require(event.encrypted)
        for value: Any in [event, s, s.tracks[0], s.card, s.flags, d] {
            for text in renderings(value) {
                expectNoCardData(text)
                #expect(!text.contains("HOGAN") && !text.contains(MagneSafeVectors.ksn) && !text.contains("C25C1D"))
            }
        }
        #expect(event.description == "encrypted swipe: EncryptedSwipe(magtek-magnesafe, mastercard 5452********7189 exp 2008-04, "
                + "TDES DUKPT PIN variant (default), read [1, 2, 3], failed [], encrypted [1, 2, 3])")
        s.wipe()
        for t in s.tracks { t.unencrypted?.withUnsafeBytes { #expect($0.allSatisfy { $0 == 0 }) } }
        #expect(s.card.last4 == "7189")
    }

    @Test func diagnosticsAndSupportedDevices() throws {
        let result = try #require(DiagnosticDecode.run(driver: "magtek-magnesafe", reports: [try MagneSafeVectors.example11()],
                                                       descriptor: nil))
        #expect(result.outcome == "swipe" && result.masked?.last4 == "7189")
        #expect(result.message == "encrypted by the reader: TDES DUKPT PIN variant (default), KSN FFFF9876543210E00008")
        #expect(DiagnosticDecode.drivers.contains(MagneSafeHIDDecoder.driverName))
        #expect(SupportedDevices.match(vendorID: 0x0801, productID: 0x0011)?.driver == MagneSafeHIDDecoder.driverName)
        #expect(SupportedDevices.match(vendorID: 0x0ACD, productID: 0x2010)?.driver == IDTechSecureMagDecoder.driverName)
    }

    @Test func randomReportsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x4D41_4753_4146_4535)
        let base = try MagneSafeReportEncoder.report(MagneSafeVectors.fields())
        var d = MagneSafeHIDDecoder()
        var swipes = 0, failures = 0
        for i in 0..<6_000 {
            var r: [UInt8]
            switch i % 3 {
            case 0:
                r = (0..<Int.random(in: 0...1000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            case 1:
                r = (0..<(Bool.random(using: &rng) ? 856 : 887)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                r[493] = 0; r[494] = 6
            default:
                // A real report with a few length or status bytes changed.
                r = base
                let hot = [0, 1, 2, 3, 4, 5, 6, 348, 493, 494, 505, 506, 507, 852, 853, 854, 855]
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    r[hot.randomElement(using: &rng)!] = UInt8.random(in: 0...255, using: &rng)
                }
            }
            switch d.consume(report: r) {
            case .encryptedSwipe(let s)?:
                swipes += 1
                #expect((12...19).contains(s.card.panLength) && s.blocks.allSatisfy { $0.ciphertext.count % 8 == 0 })
            case .failed?: failures += 1
            default: break
            }
        }
        #expect(swipes > 0 && failures > 0)
    }
}
