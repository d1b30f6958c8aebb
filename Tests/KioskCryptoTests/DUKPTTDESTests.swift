import XCTest
import KioskCrypto

/// TDES DUKPT against the published vectors (research notes card-readers.md §5.5): ANSI X9.24-1:2009
/// A.4.2 and A.4.3, libdukpt, SoftwareVerde, Shopify, and the MagTek MAC-variant cross-check.
final class DUKPTTDESTests: XCTestCase {
    private let bdk = dukptBytes("0123456789ABCDEFFEDCBA9876543210")
    private let ansiIPEK = dukptBytes("6AC292FAA1315B4D858AB3A3D7D5933A")
    /// ISO 9564 format 0 block of PIN 1234, PAN 4012345678909, as used by A.4.
    private let ansiPINBlock = dukptBytes("041274EDCBA9876F")

    func testTestKeyConstantsAreTheANSIOnes() throws {
        XCTAssertEqual(DUKPT.ansiTestBDK, bdk)
        XCTAssertEqual(DUKPT.ansiTestInitialKSN, dukptBytes("FFFF9876543210E00000"))
    }

    func testA42InitialKey() throws {
        let initialKSN = try TDESDUKPT.KSN(hex: "FFFF9876543210E00000")
        XCTAssertEqual(try TDESDUKPT.ipek(bdk: bdk, ksn: initialKSN), ansiIPEK)
        // Any KSN of the same reader gives the same IPEK: the counter is ignored.
        let later = try TDESDUKPT.KSN(hex: "FFFF9876543210E00015")
        XCTAssertEqual(try TDESDUKPT.ipek(bdk: bdk, ksn: later), ansiIPEK)
    }

    /// A.4.2: all 21 KSNs of the initial sequence, their transaction keys and encrypted PIN blocks.
    func testA42InitialSequenceTransactionKeysAndPINBlocks() throws {
        let keys = [
            "042666B49184CFA368DE9628D0397BC9", "C46551CEF9FD24B0AA9AD834130D3BC7", "0DF3D9422ACA56E547676D07AD6BADFA",
            "279C0F6AEED0BE652B2C733E1383AE91", "5F8DC6D2C845C125508DDC048093B83F", "5E415CB0BAF9F03CD0C14B63FB62FF43",
            "0C8F780B7C8B49D0AE84A9EB2A6CE660", "27F66D5244FF62E1AA6F6120EDEB4280", "27E31064FDC565698900E2057F658E7E",
            "6CF2500A22507C7CC776CEADC1E33014", "3E8260BA04B2D620C01482B3819A18B7", "B716E1E11CF53D80726CAEE75C3A624F",
            "E072EDF95340535FB6C581C58FBF2533", "A80046087F5B8F245AAD95E18429084F", "93DD5B956C4878472E453AAEFD32A5AA",
            "59598DCBD9BD94C094165CE453585F57", "2B5F01F4F0CC05EA639D523231BF1BA2", "9CF640F279C2AEE615F725EEEAC2CBAF",
            "C3DF489FDF1153B4F03DE97C27DC4C2F", "658488507721B3F14737FA93F923CBD2", "E161D1956A61F6D2F37AFD7F9CC3699A",
        ]
        let pinBlocks = [
            "1B9C1845EB993A7A", "10A01C8D02C69107", "18DC07B94797B466", "0BC79509D5645DF7", "5BC0AF22AD87B327",
            "A16DF70AE36158D8", "27711C16CB257F8E", "50E55547A5027551", "536CF7F678ACFC8D", "EDABBA23221833FE",
            "2328981C57B4BDBA", "038D03CC926CF286", "6C8AA97088B62C68", "F17C9E1D72CD4950", "B170F6E7F7F2F64A",
            "D5D9638559EF53D6", "D544F8CDD292C863", "7A21BD10F36DC41D", "78649BD17D0DFA60", "7E7E16EA0C31AD56",
            "72105C22EBC791E6",
        ]
        var ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E00000")
        for (index, (key, pinBlock)) in zip(keys, pinBlocks).enumerated() {
            ksn = try ksn.next()
            XCTAssertEqual(ksn.counter, UInt32(index + 1))
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.currentKey(ipek: ansiIPEK, ksn: ksn)), key, "counter \(index + 1)")
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.derive(bdk: bdk, ksn: ksn)), key, "counter \(index + 1)")
            let encrypted = try TDESDUKPT.encryptPINBlock(ansiPINBlock, bdk: bdk, ksn: ksn)
            XCTAssertEqual(DUKPTHex.encode(encrypted), pinBlock, "counter \(index + 1)")
            XCTAssertEqual(try TDESDUKPT.decryptPINBlock(encrypted, bdk: bdk, ksn: ksn), ansiPINBlock)
        }
        XCTAssertEqual(ksn.description, "FFFF9876543210E00015")
    }

    /// §5.5 table: PIN-variant and data (variant + one-way step) keys of the initial sequence.
    func testA42WorkingKeys() throws {
        let rows: [(ksn: String, pin: String, data: String)] = [
            ("FFFF9876543210E00001", "042666B49184CF5C68DE9628D0397B36", "448D3F076D8304036A55A3D7E0055A78"),
            ("FFFF9876543210E00002", "C46551CEF9FD244FAA9AD834130D3B38", "F1BE73B36135C5C26CF937D50ABBE5AF"),
            ("FFFF9876543210E00003", "0DF3D9422ACA561A47676D07AD6BAD05", "EEEEF522C67239E4A2A65FEBF4C511F4"),
            ("FFFF9876543210E00004", "279C0F6AEED0BE9A2B2C733E1383AE6E", "BCF2610997C3AC3C5F13AE965A1B773B"),
            ("FFFF9876543210E00005", "5F8DC6D2C845C1DA508DDC048093B8C0", "F3054D8B7471284BDB4EE18AFC3B091B"),
            ("FFFF9876543210E00006", "5E415CB0BAF9F0C3D0C14B63FB62FFBC", "BAF444BBC5D02752D6CEC9C51226AF53"),
            ("FFFF9876543210E00007", "0C8F780B7C8B492FAE84A9EB2A6CE69F", "E613858B288B6ACAA7AE454931B21C56"),
            ("FFFF9876543210E00008", "27F66D5244FF621EAA6F6120EDEB427F", "C39B2778B058AC376FB18DC906F75CBA"),
            ("FFFF9876543210E00009", "27E31064FDC565968900E2057F658E81", "BC6612B3A4FAB5B165AC928BBD9DB6F0"),
            ("FFFF9876543210E0000A", "6CF2500A22507C83C776CEADC1E330EB", "BC9C848366B1F9997656DD8004C5C43B"),
            ("FFFF9876543210E00010", "59598DCBD9BD943F94165CE453585FA8", "82D613B1742B19C55F653616A47DF1A0"),
            ("FFFF9876543210E00015", "E161D1956A61F62DF37AFD7F9CC36965", "D9AE3E62F5E3CA2C357E37F500D9F314"),
        ]
        for row in rows {
            let ksn = try TDESDUKPT.KSN(hex: row.ksn)
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .pin)), row.pin, row.ksn)
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .dataRequestOWF)), row.data, row.ksn)
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(ipek: ansiIPEK, ksn: ksn, variant: .dataRequestOWF)), row.data, row.ksn)
        }
    }

    /// A.4.3: the rollover sequence, whose counters skip values with more than ten one-bits.
    func testA43RolloverSequence() throws {
        let expected: [(ksn: String, key: String, pinBlock: String)] = [
            ("FFFF9876543210EFF800", "F9CDFEBF4F5B1D9EB3EC12454527E176", "33365F5CC6F23C35"),
            ("FFFF9876543210EFF801", "5BEE92627E97825C911BF619DF72CA3B", "3A86BF003F835C9D"),
            ("FFFF9876543210EFF802", "64CA2F8AB93F61B01620B00BF77C7301", "3DB977D05C36DF3F"),
            ("FFFF9876543210EFF804", "35A168695B3BA83307E871C42021DD37", "BA83243305712099"),
            ("FFFF9876543210EFF808", "12C380FCB72ED3C26FC6079AF63F4787", "B0DA04AC90A36D85"),
            ("FFFF9876543210EFF810", "D8007C833A1E3C49C6889B97A68C54FF", "2CF02BD9C309EEDA"),
            ("FFFF9876543210EFF820", "A9C9FF9B735FDD49591F296B0BF0FD70", "9D1E2F77AEEE81C6"),
            ("FFFF9876543210EFF840", "0E3E221062CB5E03A384602783A004FA", "40870B0F8BA2011C"),
            ("FFFF9876543210EFF880", "CA8225C587124DFBB87F279C0BE29727", "22E340D6ABB40981"),
            ("FFFF9876543210EFF900", "906AAC1751D4971A144D52C76C6E1F97", "1A4C10AFBA03A430"),
            ("FFFF9876543210EFFA00", "2B9E2CE7C2750337E10B54D2989EA6AF", "849763B43E5F9CFF"),
            ("FFFF9876543210EFFC00", "F9430DF975082491C77BE4EF4FDB91EE", "DEFC6F09F8927B71"),
            ("FFFF9876543210F00000", "AA4D58DB653EC74A48C75F2F047DD2B5", "73EC88AD0AC5830E"),
        ]
        var ksn = try TDESDUKPT.KSN(hex: expected[0].ksn)
        for (index, row) in expected.enumerated() {
            if index > 0 { ksn = try ksn.next() }
            XCTAssertEqual(ksn.description, row.ksn)
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.currentKey(ipek: ansiIPEK, ksn: ksn)), row.key, row.ksn)
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.encryptPINBlock(ansiPINBlock, bdk: bdk, ksn: ksn)), row.pinBlock, row.ksn)
        }
        // §5.5 PIN-variant column; the second is SoftwareVerde's testTransactionCounterMsb.
        XCTAssertEqual(
            DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: TDESDUKPT.KSN(hex: "FFFF9876543210EFF800"), variant: .pin)),
            "F9CDFEBF4F5B1D61B3EC12454527E189")
        XCTAssertEqual(
            DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: TDESDUKPT.KSN(hex: "FFFF9876543210F00000"), variant: .pin)),
            "AA4D58DB653EC7B548C75F2F047DD24A")
    }

    /// A.4.2 "encrypted transaction request": proves the 2009 data key includes the one-way step.
    func testA42EncryptedTransactionRequest() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E00001")
        let request = Array("4012345678909D987".utf8) + [0]  // NUL-terminated; encrypt zero-pads to 24
        let encrypted = try TDESDUKPT.encrypt(data: request, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        XCTAssertEqual(DUKPTHex.encode(encrypted), "FC0D53B7EA1FDA9EE68AAF2E70D9B9506229BE2AA993F04F")
        let decrypted = try TDESDUKPT.decrypt(data: encrypted, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        XCTAssertEqual(decrypted, request + [UInt8](repeating: 0, count: 6))
    }

    /// libdukpt test/dukpt-test.c and SoftwareVerde testGetIpek.
    func testLibdukptVectors() throws {
        let first = try TDESDUKPT.KSN(hex: "62994900000000000001")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.ipek(bdk: bdk, ksn: first)), "B5610650EBC24CA3CACDD08DDAFE8CE3")

        let ksn = try TDESDUKPT.KSN(hex: "629949012C0000000003")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.ipek(bdk: bdk, ksn: ksn)), "D2943CCF80F42E88E23C12D1162FD547")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.derive(bdk: bdk, ksn: ksn)), "841AB7B94ED086EBC2B8A8385DA7DFCA")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .pin)), "841AB7B94ED08614C2B8A8385DA7DF35")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .mac)), "841AB7B94ED079EBC2B8A8385DA720CA")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .dataRequestOWF)), "F739AEF595D3877F731782D28BB6AC4F")
    }

    /// The variant masks on one known key: each flips exactly its byte in both halves.
    func testVariantMasks() throws {
        let current = dukptBytes("27F66D5244FF62E1AA6F6120EDEB4280")
        let expected: [TDESDUKPT.Variant: String] = [
            .pin: "27F66D5244FF621EAA6F6120EDEB427F",
            .mac: "27F66D5244FF9DE1AA6F6120EDEBBD80",
            .macResponse: "27F66D52BBFF62E1AA6F612012EB4280",
            .dataRequest: "27F66D52440062E1AA6F6120ED144280",
            .dataResponse: "27F66DAD44FF62E1AA6F61DFEDEB4280",
        ]
        for (variant, key) in expected {
            XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(currentKey: current, variant: variant)), key, "\(variant)")
        }
        // The OWF variants are the masked key encrypted under itself, so they differ from the mask alone.
        let requestOWF = try TDESDUKPT.workingKey(currentKey: current, variant: .dataRequestOWF)
        XCTAssertEqual(DUKPTHex.encode(requestOWF), "C39B2778B058AC376FB18DC906F75CBA")  // SV testToDataKey
        let masked = try TDESDUKPT.workingKey(currentKey: current, variant: .dataResponse)
        let responseOWF = try TDESDUKPT.workingKey(currentKey: current, variant: .dataResponseOWF)
        XCTAssertEqual(
            responseOWF,
            try DUKPTCipher.tdesECBEncrypt(key: masked, block: Array(masked[0..<8]))
                + DUKPTCipher.tdesECBEncrypt(key: masked, block: Array(masked[8..<16])))
    }

    /// MT-V5 App. D Set-Property MAC example: counter 0x13 key and its MAC-request variant.
    func testMagTekMACVariantCounter13() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E00013")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.derive(bdk: bdk, ksn: ksn)), "C3DF489FDF1153B4F03DE97C27DC4C2F")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .mac)), "C3DF489FDF11ACB4F03DE97C27DCB32F")
    }

    /// Shopify test_decrypt_pin and test_decrypt_pin_with_padded_pan (ISO 9564 format 0, ANSI BDK).
    func testShopifyPINBlocks() throws {
        let cases: [(ksn: String, block: String, panField: String)] = [
            // PAN 5413330089601109: 12 rightmost digits without the check digit.
            ("F8765432108D12400014", "129C4FC2537BB63E", "0000333008960110"),
            // PAN 6799998900000060919 (sent F-padded): same rule.
            ("F8765432108D12400011", "8C3169A2ABC1632F", "0000890000006091"),
        ]
        for item in cases {
            let ksn = try TDESDUKPT.KSN(hex: item.ksn)
            let clear = try TDESDUKPT.decryptPINBlock(dukptBytes(item.block), bdk: bdk, ksn: ksn)
            let pinField = zip(clear, dukptBytes(item.panField)).map { $0 ^ $1 }
            XCTAssertEqual(DUKPTHex.encode(pinField), "044315FFFFFFFFFF", item.ksn)
        }
    }

    /// Shopify test_decrypt_data_block: the "IDTECH" data key (variant + one-way step).
    func testShopifyIDTECHDataBlock() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF01040DA058E00001")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.ipek(bdk: bdk, ksn: ksn)), "C8AD009ECE0778C11659755A06FC0163")
        XCTAssertEqual(DUKPTHex.encode(try TDESDUKPT.workingKey(bdk: bdk, ksn: ksn, variant: .dataRequestOWF)), "2BF65D2366F0D6191AB1F1BE1DD5CE13")
        let ciphertext = dukptBytes("85A8A7F9390FD19EABC40B5D624190287D729923D9EDAFE9F24773388A9A1BEF")
        let clear = try TDESDUKPT.decrypt(data: ciphertext, bdk: bdk, ksn: ksn, variant: .dataRequestOWF)
        XCTAssertEqual(DUKPTHex.encode(clear), "5A08476173900101001057114761739001010010D15122011143878089000000")
    }

    /// An emulated reader's ciphertext decrypts with every variant and both data ciphers.
    func testEncryptDecryptRoundTripEveryVariant() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E0000B")
        let track = Array(";4111111111111111=2912101000000000?".utf8)
        for variant in TDESDUKPT.Variant.allCases {
            for cipher in [TDESDUKPT.DataCipher.tdesCBC, .aes128CBC] {
                let sealed = try TDESDUKPT.encrypt(data: track, bdk: bdk, ksn: ksn, variant: variant, cipher: cipher)
                let blockSize = cipher == .tdesCBC ? 8 : 16
                XCTAssertEqual(sealed.count, (track.count + blockSize - 1) / blockSize * blockSize)
                let opened = try TDESDUKPT.decrypt(data: sealed, bdk: bdk, ksn: ksn, variant: variant, cipher: cipher)
                XCTAssertEqual(Array(opened.prefix(track.count)), track, "\(variant) \(cipher)")
                XCTAssertTrue(opened.dropFirst(track.count).allSatisfy { $0 == 0 })
            }
        }
    }

    /// ID TECH "AES" mode as implemented: AES-128-CBC, zero IV, keyed with the 16-byte data key.
    func testAES128CBCUsesTheDataKeyDirectly() throws {
        let ksn = try TDESDUKPT.KSN(hex: "FFFF9876543210E00008")
        let data = Array("%B4111111111111111^TEST/CARD^2912".utf8)
        let sealed = try TDESDUKPT.encrypt(data: data, bdk: bdk, ksn: ksn, variant: .dataRequestOWF, cipher: .aes128CBC)
        let key = dukptBytes("C39B2778B058AC376FB18DC906F75CBA")
        XCTAssertEqual(sealed, try DUKPTCipher.aesCBCEncrypt(key: key, data: DUKPTCipher.zeroPadded(data, blockSize: 16)))
    }
}

/// Hex fixture → bytes; fixtures are constants, so a typo should stop the test loudly.
func dukptBytes(_ hex: String, file: StaticString = #filePath, line: UInt = #line) -> [UInt8] {
    do {
        return try DUKPTHex.decode(hex, field: "fixture")
    } catch {
        XCTFail("bad fixture: \(error)", file: file, line: line)
        return []
    }
}
