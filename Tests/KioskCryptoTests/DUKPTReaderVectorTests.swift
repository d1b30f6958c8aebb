import XCTest
import KioskCrypto

/// End-to-end decryption of whole reader outputs (research notes card-readers.md §3.10, §4.7 and
/// appendices A/B): MagTek MT-V5 Examples 11 and 12 ("HOGAN/PAUL"), the ID TECH MS246 device frame,
/// and the synthetic ID TECH enhanced frame. Offsets come from the layouts in §3.4, §4.4 and §4.5.
final class DUKPTReaderVectorTests: XCTestCase {
    private let bdk = DUKPT.ansiTestBDK

    // MARK: MagTek MagneSafe V5 (PIN variant, TDES-CBC, IV 0)

    /// MT-V5 Appendix D Example 11: the 856-byte HID report.
    private static let magTekExample11 = """
        00000040282000C25C1D1197D31CAA87285D59A892047426D9182EC11353C051
        ADD6D0F072A6CB3436560B3071FC1FD11D9F7E74886742D9BEE0CFD1EA1064C2
        13BB55278B2F1200000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000724C5DB7D6F901C7F0
        FEAE7908801093B3DBFE51CCF6D483E789D7D2C007D539499BAADCC8D16CA200
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000076BB013C0DFD8195F16F2FBC50A35171AA370131F87442313E
        E36457B87C87F900000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        000000000000000000000000000000000000000000000000A105000038470357
        6BC5C2CB20BC04C68B5CE1972AE89E087B1C4D47D5D0E31706106903E60B8203
        0792690A571DB02D0A88855A35ABB5549798006B420000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        000000000000000000000000000006FFFF9876543210E000083C251F25423534
        35323030303030303030373138395E484F47414E2F5041554C2020202020205E
        30383034303030303030303030303030303030303030303F0000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000003B353435323030303030303030373138393D3038
        303430303030303030303030303030303F000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        000000000000000000000000000000000000000000000000000000003B353136
        333030303035303030303434353D3030303030303030303030303F0000000000
        0000000000000000000000000000000000000000000000000000000000000000
        0000000000000000000000000000000000000000000000000000000000000000
        00000000000000000000000021685F158B5C6BE03C251F36
        """

    private static let hoganT1 = "%B5452300551227189^HOGAN/PAUL      ^08043210000000725000000?"
    private static let hoganT2 = ";5452300551227189=080432100000007250?"
    private static let hoganT3 = ";5163499080020445=000000000000?"

    func testMagTekExample11HIDReport() throws {
        let report = dukptBytes(Self.magTekExample11)
        XCTAssertEqual(report.count, 856)
        let ksn = try TDESDUKPT.KSN(Array(report[495..<505]))
        XCTAssertEqual(ksn.description, "FFFF9876543210E00008")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.ipek(bdk: bdk, ksn: ksn)), "6AC292FAA1315B4D858AB3A3D7D5933A")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .pin)), "27F66D5244FF621EAA6F6120EDEB427F")

        func field(_ offset: Int, _ length: Int) throws -> [UInt8] {
            try TDESDUKPT.decrypt(data: Array(report[offset..<offset + length]), bdk: bdk, ksn: ksn, variant: .pin)
        }
        // Encrypted lengths at 3/4/5, fields at 7/119/231, absolute lengths at 852/853/854.
        let t1 = try field(7, Int(report[3]))
        XCTAssertEqual(t1, Array(Self.hoganT1.utf8) + [0, 0, 0, 0])
        XCTAssertEqual(String(decoding: t1.prefix(Int(report[852])), as: UTF8.self), Self.hoganT1)
        let t2 = try field(119, Int(report[4]))
        XCTAssertEqual(String(decoding: t2.prefix(Int(report[853])), as: UTF8.self), Self.hoganT2)
        let t3 = try field(231, Int(report[5]))
        XCTAssertEqual(String(decoding: t3.prefix(Int(report[854])), as: UTF8.self), Self.hoganT3)

        // MagnePrint: length at 348, data at 349, absolute length at 855.
        XCTAssertEqual(Array(report[344..<349]), [0xA1, 0x05, 0x00, 0x00, 0x38])
        let magnePrint = try field(349, Int(report[348]))
        XCTAssertEqual(
            DUKPTHex.encode(Array(magnePrint.prefix(Int(report[855])))),
            "01000184EA10B939408C872A5C513C90C78B57A6F3FAA663CE0678B879D0D78B7FADBCE8591AE7E4BEA104C4EF584ED5CE07C0D55B81")

        // Session ID at 844 (the host never set one: zeros).
        XCTAssertEqual(try field(844, 8), [UInt8](repeating: 0, count: 8))
    }

    /// The famous "HOGAN/PAUL" track-1 vector on its own (Shopify, SoftwareVerde, MT-V5).
    func testHoganPaulTrack1() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E00008")
        let ciphertext = dukptBytes("""
            C25C1D1197D31CAA87285D59A892047426D9182EC11353C051ADD6D0F072A6CB\
            3436560B3071FC1FD11D9F7E74886742D9BEE0CFD1EA1064C213BB55278B2F12
            """)
        let clear = try TDESDUKPT.decrypt(data: ciphertext, bdk: bdk, ksn: ksn, variant: .pin)
        XCTAssertEqual(clear, Array(Self.hoganT1.utf8) + [0, 0, 0, 0])
        // Through the IPEK a reader is injected with, and re-encryption gives the same bytes back.
        XCTAssertEqual(try TDESDUKPT.encrypt(data: Array(Self.hoganT1.utf8), bdk: bdk, ksn: ksn, variant: .pin), ciphertext)
        let key = try TDESDUKPT.workingKey(ipek: dukptBytes("6AC292FAA1315B4D858AB3A3D7D5933A"), ksn: ksn, variant: .pin)
        XCTAssertEqual(try DUKPTCipher.tdesCBCDecrypt(key: key, data: ciphertext), clear)
    }

    /// MT-V5 Example 12: the keyboard-mode string; track 3 is encrypted with a `+` start sentinel.
    func testMagTekExample12KeyboardString() throws {
        let line = """
            %B5452000000007189^HOGAN/PAUL      ^08040000000000000000000?;5452000000007189=080400000000000000?+51\
            63000050000445=000000000000?|0600|C25C1D1197D31CAA87285D59A892047426D9182EC11353C051ADD6D0F072A6CB34\
            36560B3071FC1FD11D9F7E74886742D9BEE0CFD1EA1064C213BB55278B2F12|724C5DB7D6F901C7F0FEAE7908801093B3DBF\
            E51CCF6D483E789D7D2C007D539499BAADCC8D16CA2|E31234A91059A0FBFE627954EE21868AEE3979540B67FCC40F61CECA\
            54152D1E|A1050000|8628E664C59BBAA232BA90BFB3E6B41D6F4B691E633C311CBE6EE7466B81196EC07B12648DCAC4FD7F\
            D0E212B479C60BAD8C74F82F327667||21685F158B5C6BE0|FFFF9876543210E00008|B78F||0000
            """
        XCTAssertEqual(line.count, 580)
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let ksn = try TDESDUKPT.KSN(hex: fields[9])
        func decrypt(_ hex: String) throws -> String {
            let clear = try TDESDUKPT.decrypt(data: DUKPTHex.decode(hex), bdk: bdk, ksn: ksn, variant: .pin)
            // No absolute lengths in keyboard mode: cut after the end sentinel.
            let end = clear.firstIndex(of: UInt8(ascii: "?")).map { $0 + 1 } ?? clear.count
            return String(decoding: clear[..<end], as: UTF8.self)
        }
        XCTAssertEqual(try decrypt(fields[2]), Self.hoganT1)
        XCTAssertEqual(try decrypt(fields[3]), Self.hoganT2)
        XCTAssertEqual(try decrypt(fields[4]), "+5163499080020445=000000000000?")
        XCTAssertEqual(try TDESDUKPT.decrypt(data: DUKPTHex.decode(fields[8]), bdk: bdk, ksn: ksn, variant: .pin), [UInt8](repeating: 0, count: 8))
    }

    // MARK: ID TECH (data key: variant + one-way step)

    /// IDT-MS246 §8.6.1: original-format frame, T1‖T2 encrypted as one block.
    func testIDTechMS246OriginalFormatFrame() throws {
        let frame = dukptBytes("""
            027D01003F48236B252A343236362A2A2A2A2A2A2A2A393939395E4255534820\
            4A522F47454F52474520572E4D525E2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A\
            2A2A2A2A2A2A2A2A2A2A2A2A2A2A3F2A3B343236362A2A2A2A2A2A2A2A393939\
            393D2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A3F2A3B333333333333333333333736\
            3736373630373037303737363736373633333333333333333333373637363736\
            3037303730373736373637363333333333333333333337363736373630373037\
            303737363736373633333333333333333333373637363736303730373F32863E\
            9E3DA28E455B28F7736B77E47A64EDDA3BF03A06E44F31D1818C0BCD7A353FB1\
            AD70EFD30FFC3DA08A4FBC9372E57E8B40848BAEAA3FE724B3550E2F4B223E6B\
            F264BEAE9E39142B648CDB51FB8DAF8EA5B63913D29419B67582FCCCE9B37266\
            0F03668CC453216D9449C6B67EF33418AC88F65E1DB7ED4D10973F99DFC8463F\
            F6DF113B6226C4898A9D355057ECAF11A5598F02CA3162994901190000000001\
            399F03
            """)
        XCTAssertEqual(frame.count, 387)
        let (l1, l2, l3) = (Int(frame[5]), Int(frame[6]), Int(frame[7]))
        XCTAssertEqual([l1, l2, l3], [72, 35, 107])
        let encryptedStart = 8 + l1 + l2 + l3
        let encryptedLength = (l1 + l2 + 7) / 8 * 8
        let ksn = try TDESDUKPT.KSN(Array(frame[frame.count - 13..<frame.count - 3]))
        XCTAssertEqual(ksn.description, "62994901190000000001")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.ipek(bdk: bdk, ksn: ksn)), "18126D59ECFEF71D4D982B52DC7F15BA")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.derive(bdk: bdk, ksn: ksn)), "87670E7635FA008E51F8F9A4D5CA162E")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .dataRequestOWF)), "F82A7A0D7C6746F196189AFB542C65A3")

        let ciphertext = Array(frame[encryptedStart..<encryptedStart + encryptedLength])
        // §4.7 says the block starts `32863E9E…`; that 0x32 is T3's LRC character ('2'), the last
        // clear byte. The 112 encrypted bytes run from 222 up to the T1 hash at 334.
        XCTAssertEqual(frame[encryptedStart - 1], UInt8(ascii: "2"))
        XCTAssertEqual(DUKPTHex.encode(Array(ciphertext.prefix(8))), "863E9E3DA28E455B")
        XCTAssertEqual(DUKPTHex.encode(Array(frame[334..<338])), "3418AC88")
        let clear = try TDESDUKPT.decrypt(data: ciphertext, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        let t1 = "%B4266841088889999^BUSH JR/GEORGE W.MR^0809101100001100000000046000000?!"
        let t2 = ";4266841088889999=080910110000046?0"
        XCTAssertEqual(clear, Array(t1.utf8) + Array(t2.utf8) + [0, 0, 0, 0, 0])
        XCTAssertEqual(String(decoding: clear[0..<l1], as: UTF8.self), t1)
        XCTAssertEqual(String(decoding: clear[l1..<l1 + l2], as: UTF8.self), t2)

        // Negative: the PIN variant (MagTek's default) turns the same bytes into garbage.
        let wrong = try TDESDUKPT.decrypt(data: ciphertext, bdk: bdk, ksn: ksn, variant: .pin)
        XCTAssertNotEqual(wrong, clear)
        XCTAssertNotEqual(wrong.first, UInt8(ascii: "%"))
    }

    /// §4.7 synthetic enhanced frame (generated, not a capture): each track encrypted on its own.
    func testIDTechSyntheticEnhancedFrame() throws {
        let frame = dukptBytes("""
            02F000801F332400039B252A343131312A2A2A2A2A2A2A2A313131315E544553542F434152445E2A2A2A2A2A2A2A2A\
            2A2A2A2A2A2A2A2A2A2A2A2A3F2A3B343131312A2A2A2A2A2A2A2A313131313D2A2A2A2A2A2A2A2A2A2A2A2A2A2A2A\
            2A3F2A420C0B861C0E4F42930BA697B56D8C20DAA9EF9F92EB047418192F99E3FDDBCFA1073128AC615784B85F0919\
            04A99A7E8D1F0D8CA6D871690476E287AC9697B11B2CA44CF8130F04F152489F438ADD153C44808EE95F8127D2CF98\
            5189445E65E8E6DCA3CAE1DD2CD1E0A62BCA2FC4E61C479DEDC3C7504BE9975C2F847A236D84991FCBA3C35876FFFF\
            9876543210E00008433903
            """)
        XCTAssertEqual(frame.count, 246)
        XCTAssertEqual(Array(frame[3..<10]), [0x80, 0x1F, 0x33, 0x24, 0x00, 0x03, 0x9B])
        let (l1, l2) = (Int(frame[5]), Int(frame[6]))
        let t1Start = 10 + l1 + l2  // after the masked T1 and T2 (field 8 = 0x03)
        let t1Length = (l1 + 7) / 8 * 8
        let t2Length = (l2 + 7) / 8 * 8
        let ksn = try TDESDUKPT.KSN(Array(frame[frame.count - 13..<frame.count - 3]))
        XCTAssertEqual(ksn.description, "FFFF9876543210E00008")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .dataRequestOWF)), "C39B2778B058AC376FB18DC906F75CBA")

        let t1 = try TDESDUKPT.decrypt(
            data: Array(frame[t1Start..<t1Start + t1Length]), bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        XCTAssertEqual(String(decoding: t1.prefix(l1), as: UTF8.self), "%B4111111111111111^TEST/CARD^29121010000000000000?X")
        let t2Start = t1Start + t1Length
        let t2 = try TDESDUKPT.decrypt(
            data: Array(frame[t2Start..<t2Start + t2Length]), bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        XCTAssertEqual(String(decoding: t2.prefix(l2), as: UTF8.self), ";4111111111111111=2912101000000000?4")
        // Hashes (2 × 20) and the KSN fill the rest up to the 3-byte trailer.
        XCTAssertEqual(t2Start + t2Length + 40 + 10 + 3, frame.count)
    }

    /// An emulated ID TECH reader: encrypt as the head does, decrypt as the back office does.
    func testEmulatedIDTechReaderRoundTrip() throws {
        var ksn = try TDESDUKPT.KSN(DUKPT.ansiTestInitialKSN)
        let track = Array(";4111111111111111=2912101000000000?4".utf8)
        for _ in 0..<3 {
            ksn = try ksn.next()
            let sealed = try TDESDUKPT.encrypt(data: track, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
            XCTAssertEqual(sealed.count, 40)
            let opened = try TDESDUKPT.decrypt(data: sealed, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
            XCTAssertEqual(Array(opened.prefix(track.count)), track)
        }
    }
}
