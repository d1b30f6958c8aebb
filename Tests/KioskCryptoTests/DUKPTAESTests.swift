import XCTest
import KioskCrypto

/// AES DUKPT against the ANSI X9.24-3-2017 supplement vectors (research notes card-readers.md §5.6;
/// the rows beyond that table are the same supplement's, as listed by openemv/dukpt's tests).
final class DUKPTAESTests: XCTestCase {
    private let bdk128 = dukptBytes("FEDCBA9876543210F1F1F1F1F1F1F1F1")
    private let bdk256 = dukptBytes("FEDCBA9876543210F1F1F1F1F1F1F1F1FEDCBA9876543210F1F1F1F1F1F1F1F1")
    private let initialKeyID = dukptBytes("1234567890123456")

    private func ksn(_ counter: UInt32) throws -> AESDUKPT.KSN {
        try AESDUKPT.KSN(initialKeyID: initialKeyID, counter: counter)
    }

    func testTestKeyConstants() {
        XCTAssertEqual(DUKPT.aes128TestBDK, bdk128)
        XCTAssertEqual(DUKPT.aes256TestBDK, bdk256)
        XCTAssertEqual(DUKPT.aesTestInitialKeyID, initialKeyID)
    }

    func testInitialKeys() throws {
        XCTAssertEqual(
            DUKPTHex.encode(try AESDUKPT.initialKey(bdk: bdk128, initialKeyID: initialKeyID)),
            "1273671EA26AC29AFA4D1084127652A1")
        XCTAssertEqual(
            DUKPTHex.encode(try AESDUKPT.initialKey(bdk: bdk256, ksn: ksn(5))),
            "CE9CE0C101D1138F97FB6CAD4DF045A7083D4EAE2D35A31789D01CCF0949550F")
    }

    /// First eight KSNs: transaction key and the PIN, MAC-generation and data-encryption keys.
    func testAES128FirstEightCounters() throws {
        let rows: [(txn: String, pin: String, mac: String, data: String)] = [
            ("4F21B565BAD9835E112B6465635EAE44", "AF8CB133A78F8DC2D1359F18527593FB", "A2DC23DE6FDE0824A2BC321E08E4B8B7", "A35C412EFD41FDB98B69797C02DCD08F"),
            ("2F34D68DE10F68D38091A73B9E7C437C", "D30BDC73EC9714B000BEC66BDB7B6D09", "484C3B06E8562704528CD5B46FB12FB6", "D639514AA33AC43AD9229E433D6D4E5B"),
            ("031504E530365CF81264238540518318", "7D69F01F3B45449F62C7816ECE723268", "A5DF7D9D800CA769766F0C77CA4E6E6C", "EF17F6AB45B4820C93A3DCB21BC491AD"),
            ("0EEFC7ADA628BA68878DA9165A8A1887", "91A0588318EC2673214271F70137896E", "E6E4679647D8A9057C1FC15537CB4C4E", "B3BD44C08BB6BA27C3BB4711D7D70387"),
            ("C2A7AC328A5DA2D6002D62465BFC028B", "35A43BC9EFEB09C756204B57E3FB7D4D", "0588185FE1FF8C7E22FAD78C1C61F065", "CA02DF6F30B39E14BD0B4A30E460920F"),
            ("D30F7D9351DA58448A2F5E92B4EE3B7D", "02DCC6CD1201A3A2CA7099559C862123", "7B60F72A5639C0EE7EB2100FA80BB793", "C9B8A7C4E486180B2229115164F0B293"),
            ("A8253CEED9AC042C54F75D35C8352278", "6ECF912F3B18CA11A7A27BB60705FD09", "BAA08CA263C69525BC6B1BA8F4275D69", "0FA8F1F0A2DD7B1005A862D77CDED698"),
            ("718EE6CF0B27E53D5F7AF99C4D8146A2", "4D9DF3FBEE3448FC3E676D04320A90F5", "6FD572E5D59E618875F193484F9178FB", "650F34204ABD4E57764D61AC3D266FB1"),
        ]
        let initialKey = try AESDUKPT.initialKey(bdk: bdk128, initialKeyID: initialKeyID)
        var current = try ksn(0)
        for (index, row) in rows.enumerated() {
            current = try current.next()
            XCTAssertEqual(current.counter, UInt32(index + 1))
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.transactionKey(initialKey: initialKey, ksn: current)), row.txn, "counter \(index + 1)")
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: bdk128, ksn: current)), row.txn)
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.workingKey(bdk: bdk128, ksn: current, usage: .pinEncryption)), row.pin)
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.workingKey(bdk: bdk128, ksn: current, usage: .macGeneration)), row.mac)
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.workingKey(initialKey: initialKey, ksn: current, usage: .dataEncryption)), row.data)
        }
    }

    func testAES256FirstEightTransactionKeys() throws {
        let keys = [
            "54AC2B32B145EA4A554CB8BC44B17467063A799856B1CCC2A138D36E8DBF78B3",
            "5DD5A0253842BBBE1D7C0DA27021412C6F1FAB53FB928DEAE56DA06090A9DE97",
            "8EEEF7C464AE415BB1D73FAED21993CD669F7999092A579EC6DD3CC680C65171",
            "C18CBED570B3B89ECADA7CEC9C224CD5A86ECF3DE377D3EFAB720F8C4D76B9D0",
            "6B3C3C93307151C25DC2309456F01C5C3108DAD571C321899A9B7E0C009FD2EB",
            "B8BB61AE3E2D5CD8C699E0C578FB2C7B89B0C0CF02DBAB60864D8049C986C844",
            "88D0ACA287B3066F5DE0C93396337D4C2DA8D92C1F720A576D62CEB4C979E01E",
            "20A796D5077D51B8E7613893A4F095B134E02917DC84BD391F3661D0873FF308",
        ]
        for (index, key) in keys.enumerated() {
            XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: bdk256, ksn: ksn(UInt32(index + 1)))), key)
        }
    }

    /// Counters around 0x20000 and the last four: KSN advance skips counters with 17 one-bits.
    func testRolloverAndLastCounters() throws {
        let expected128: [(UInt32, String)] = [
            (0x0001_FFFE, "E21E8C8D347F8561A2BE752DAA85A111"),
            (0x0002_0000, "F7AE9025468A25D37B7249CFFED224C8"),
            (0x0002_0001, "692C8EA4013645135B36497131DF9D2C"),
            (0xFFFE_2000, "48E585B694EB0B18D5C35443E163C0BA"),
            (0xFFFE_4000, "396C2C7CA1EA701C03B86B7D41F0C562"),
            (0xFFFE_8000, "0387625F189B58AE03EF0E8CCA41105E"),
            (0xFFFF_0000, "F6BA59389BD14A9855BE9727E7C52E3C"),
        ]
        let expected256: [(UInt32, String)] = [
            (0x0001_FFFE, "A289508CBF1228452CD86AB77B15CB35577AC828C18BB66681E5A16D6C9CCED3"),
            (0x0002_0000, "D62DDA94A47D7DA5D763443B4ECB15EA8DD62E0E4F915958BA459591F8312E37"),
            (0x0002_0001, "44110A1102748D4A3AC326F53D8CAC650212590CA7126D54546DDE0F20E89CEE"),
            (0xFFFE_2000, "4625EB06E4886D4AFCC9AE37ED4F4E4E1653C9E60E3F24742A87A26AA96AB7A6"),
            (0xFFFE_4000, "FF20E1BB575539ACCB44E3111BE8757F83AE8549A2DD71B441A4A424F7FFD4B1"),
            (0xFFFE_8000, "630535C9C53E1EC6524016930B56F6728909C45403536B419AEBCB25B7351C07"),
            (0xFFFF_0000, "6D6DB7AAAE8B3EA90E57A39E4BBA71E173B21B446B30A78D64BFC6A8806C55EE"),
        ]
        for (bdk, expected) in [(bdk128, expected128), (bdk256, expected256)] {
            for (counter, key) in expected {
                XCTAssertEqual(DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: bdk, ksn: ksn(counter))), key, "counter \(counter)")
            }
        }
        XCTAssertEqual(try ksn(0x0001_FFFE).next().counter, 0x0002_0000)
        XCTAssertEqual(try ksn(0x0002_0000).next().counter, 0x0002_0001)
        XCTAssertEqual(try ksn(0xFFFE_2000).next().counter, 0xFFFE_4000)
        XCTAssertEqual(try ksn(0xFFFE_4000).next().counter, 0xFFFE_8000)
        XCTAssertEqual(try ksn(0xFFFE_8000).next().counter, 0xFFFF_0000)
        XCTAssertThrowsError(try ksn(0xFFFF_0000).next()) { XCTAssertEqual($0 as? DUKPTError, .counterExhausted) }
    }

    /// Counter 0x1FFFF (17 one-bits) is in the supplement but no device uses it: refused by
    /// default, derivable on request, and then it matches the supplement.
    func testCounterWithSeventeenOneBits() throws {
        let odd = try ksn(0x0001_FFFF)
        XCTAssertThrowsError(try AESDUKPT.transactionKey(bdk: bdk128, ksn: odd)) {
            XCTAssertEqual($0 as? DUKPTError, .tooManyCounterBits(counter: 0x1FFFF, oneBits: 17, limit: 16))
        }
        XCTAssertEqual(
            DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: bdk128, ksn: odd, counterCheck: .anyCounter)),
            "1FE368988089CDD76DA18A3458E113BA")
        XCTAssertEqual(
            DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: bdk256, ksn: odd, counterCheck: .anyCounter)),
            "7C1F24BC33C5B146E1D3015126F4AC2E0C48AC080DC9234137B82890E8E91FB8")
    }

    func testKSNParts() throws {
        let parsed = try AESDUKPT.KSN(hex: "123456789012345600000003")
        XCTAssertEqual(parsed.initialKeyID, initialKeyID)
        XCTAssertEqual(parsed.counter, 3)
        XCTAssertEqual(parsed.counterOneBits, 2)
        XCTAssertEqual(parsed, try ksn(3))
        XCTAssertEqual(parsed.withCounter(0xFFFF_0000).description, "1234567890123456FFFF0000")
        XCTAssertEqual(AESDUKPT.KeyType(byteCount: 32), .aes256)
        XCTAssertNil(AESDUKPT.KeyType(byteCount: 20))
    }

    /// Working keys default to the BDK's size; smaller ones may be asked for, larger ones not.
    func testWorkingKeySizes() throws {
        let current = try ksn(1)
        XCTAssertEqual(try AESDUKPT.workingKey(bdk: bdk256, ksn: current, usage: .dataEncryption).count, 32)
        XCTAssertEqual(try AESDUKPT.workingKey(bdk: bdk256, ksn: current, usage: .dataEncryption, keyType: .aes128).count, 16)
        XCTAssertEqual(try AESDUKPT.workingKey(bdk: bdk256, ksn: current, usage: .dataEncryption, keyType: .aes192).count, 24)
        XCTAssertThrowsError(try AESDUKPT.workingKey(bdk: bdk128, ksn: current, usage: .pinEncryption, keyType: .aes256)) {
            XCTAssertEqual($0 as? DUKPTError, .workingKeyTooStrong(requestedBits: 256, derivationKeyBits: 128))
        }
        // Different usages give unrelated keys from one transaction key.
        let usages = AESDUKPT.KeyUsage.allCases
        let keys = try usages.map { try AESDUKPT.workingKey(bdk: bdk128, ksn: current, usage: $0) }
        XCTAssertEqual(Set(keys.map(DUKPTHex.encode)).count, usages.count)
    }

    /// An emulated AES reader's data decrypts at the back office (AES-128 and AES-256 BDKs).
    func testEncryptDecryptRoundTrip() throws {
        let data = Array("%B4111111111111111^TEST/CARD^29121010000000000000?".utf8)
        for bdk in [bdk128, bdk256, dukptBytes("000102030405060708090A0B0C0D0E0F1011121314151617")] {
            let current = try ksn(7)
            let sealed = try AESDUKPT.encrypt(data: data, bdk: bdk, ksn: current)
            XCTAssertEqual(sealed.count, 64)
            let opened = try AESDUKPT.decrypt(data: sealed, bdk: bdk, ksn: current)
            XCTAssertEqual(Array(opened.prefix(data.count)), data)
            XCTAssertTrue(opened.dropFirst(data.count).allSatisfy { $0 == 0 })
            // It is plain AES-CBC, zero IV, under the data-encryption working key.
            let key = try AESDUKPT.workingKey(bdk: bdk, ksn: current, usage: .dataEncryption)
            XCTAssertEqual(try DUKPTCipher.aesCBCDecrypt(key: key, data: sealed), opened)
        }
    }
}
