import XCTest
import KioskCrypto

/// Bad input gives a typed error with a sentence a person can act on — never a crash, and never
/// the key or data echoed back.
final class DUKPTErrorTests: XCTestCase {
    private let bdk = DUKPT.ansiTestBDK
    private let ksn = try! TDESDUKPT.KSN(hex: "FFFF9876543210E00008")

    private func assertError<T>(
        _ expression: @autoclosure () throws -> T, _ expected: DUKPTError,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try expression(), file: file, line: line) { error in
            XCTAssertEqual(error as? DUKPTError, expected, file: file, line: line)
        }
    }

    // MARK: Hex

    func testHexAcceptsCaseAndSpacing() throws {
        XCTAssertEqual(try DUKPTHex.decode("c2 5C\t1d\n11"), [0xC2, 0x5C, 0x1D, 0x11])
        XCTAssertEqual(try DUKPTHex.decode(""), [])
        XCTAssertEqual(DUKPTHex.encode([0x00, 0xAB, 0x0F]), "00AB0F")
    }

    func testHexErrors() {
        assertError(try DUKPTHex.decode("0123456789ABCDEFFEDCBA987654321", field: "BDK"), .oddHexLength(field: "BDK", digits: 31))
        assertError(try DUKPTHex.decode("01G3", field: "BDK"), .invalidHexCharacter(field: "BDK", position: 3))
        assertError(try DUKPTHex.decode("0x0123", field: "KSN"), .invalidHexCharacter(field: "KSN", position: 2))
        assertError(try DUKPTHex.decode("ÄA", field: "data"), .invalidHexCharacter(field: "data", position: 1))
        assertError(try TDESDUKPT.KSN(hex: "FFFF9876543210E0000Z"), .invalidHexCharacter(field: "KSN", position: 20))
    }

    func testErrorSentencesNeverEchoSecrets() {
        let secret = "0123456789ABCDEFFEDCBA987654321X"
        do {
            _ = try DUKPTHex.decode(secret, field: "BDK")
            XCTFail("expected an error")
        } catch {
            XCTAssertEqual(error.description, "The BDK is not hexadecimal: character 32 is not 0-9 or A-F.")
            XCTAssertFalse(error.description.contains("0123456789"))
        }
    }

    // MARK: Lengths

    func testKeyLengthErrors() {
        assertError(try TDESDUKPT.ipek(bdk: Array(bdk.prefix(15)), ksn: ksn), .invalidKeyLength(role: "BDK", expected: [16], actual: 15))
        assertError(try TDESDUKPT.ipek(bdk: bdk + bdk.prefix(8), ksn: ksn), .invalidKeyLength(role: "BDK", expected: [16], actual: 24))
        assertError(try TDESDUKPT.currentKey(ipek: [], ksn: ksn), .invalidKeyLength(role: "IPEK", expected: [16], actual: 0))
        assertError(try TDESDUKPT.workingKey(currentKey: [1, 2, 3], variant: .pin),
                    .invalidKeyLength(role: "transaction key", expected: [16], actual: 3))
        assertError(try AESDUKPT.initialKey(bdk: Array(repeating: 0, count: 20), initialKeyID: DUKPT.aesTestInitialKeyID),
                    .invalidKeyLength(role: "BDK", expected: [16, 24, 32], actual: 20))
        assertError(try DUKPTCipher.tdesECBEncrypt(key: Array(repeating: 1, count: 10), block: Array(repeating: 0, count: 8)),
                    .invalidKeyLength(role: "TDES key", expected: [8, 16, 24], actual: 10))
        assertError(try DUKPTCipher.aesECBEncrypt(key: Array(repeating: 1, count: 15), block: Array(repeating: 0, count: 16)),
                    .invalidKeyLength(role: "AES key", expected: [16, 24, 32], actual: 15))

        XCTAssertEqual(
            DUKPTError.invalidKeyLength(role: "BDK", expected: [16], actual: 15).description,
            "The BDK must be 16 bytes (32 hex digits), but 15 bytes were given.")
        XCTAssertEqual(
            DUKPTError.invalidKeyLength(role: "AES key", expected: [16, 24, 32], actual: 1).description,
            "The AES key must be 16, 24 or 32 bytes, but 1 byte was given.")
    }

    func testKSNLengthErrors() {
        assertError(try TDESDUKPT.KSN(hex: "FFFF9876543210E000"), .invalidKSNLength(expected: 10, actual: 9))
        assertError(try TDESDUKPT.KSN([]), .invalidKSNLength(expected: 10, actual: 0))
        assertError(try AESDUKPT.KSN(hex: "FFFF9876543210E00008"), .invalidKSNLength(expected: 12, actual: 10))
        assertError(try AESDUKPT.KSN(initialKeyID: [1, 2, 3], counter: 1), .invalidKSNLength(expected: 12, actual: 7))
        XCTAssertEqual(
            DUKPTError.invalidKSNLength(expected: 10, actual: 9).description,
            "A TDES DUKPT key serial number is 10 bytes (20 hex digits), but 9 bytes were given.")
        XCTAssertEqual(
            DUKPTError.invalidKSNLength(expected: 12, actual: 10).description,
            "An AES DUKPT key serial number is 12 bytes (24 hex digits), but 10 bytes were given.")
    }

    func testDataLengthErrors() {
        assertError(try TDESDUKPT.decrypt(data: Array(repeating: 0, count: 63), bdk: bdk, ksn: ksn, variant: .pin),
                    .invalidDataLength(length: 63, blockSize: 8))
        assertError(try TDESDUKPT.decrypt(data: Array(repeating: 0, count: 24), bdk: bdk, ksn: ksn, variant: .pin, cipher: .aes128CBC),
                    .invalidDataLength(length: 24, blockSize: 16))
        assertError(try TDESDUKPT.decrypt(data: [], bdk: bdk, ksn: ksn, variant: .pin), .emptyData)
        assertError(try TDESDUKPT.encrypt(data: [], bdk: bdk, ksn: ksn, variant: .pin), .emptyData)
        assertError(try TDESDUKPT.decryptPINBlock([1, 2, 3, 4, 5, 6, 7], bdk: bdk, ksn: ksn), .invalidDataLength(length: 7, blockSize: 8))
        let aesKSN = try! AESDUKPT.KSN(initialKeyID: DUKPT.aesTestInitialKeyID, counter: 1)
        assertError(try AESDUKPT.decrypt(data: Array(repeating: 0, count: 8), bdk: DUKPT.aes128TestBDK, ksn: aesKSN),
                    .invalidDataLength(length: 8, blockSize: 16))
        assertError(try AESDUKPT.encrypt(data: [], bdk: DUKPT.aes128TestBDK, ksn: aesKSN), .emptyData)
        assertError(try DUKPTCipher.tdesCBCDecrypt(key: bdk, iv: [0, 0, 0, 0], data: Array(repeating: 0, count: 8)),
                    .invalidIVLength(expected: 8, actual: 4))
        assertError(try DUKPTCipher.aesECBDecrypt(key: DUKPT.aes128TestBDK, block: Array(repeating: 0, count: 32)),
                    .invalidDataLength(length: 32, blockSize: 16))
        XCTAssertEqual(
            DUKPTError.invalidDataLength(length: 63, blockSize: 8).description,
            "The data is 63 bytes, not a whole number of 8-byte blocks; it was cut short or framed wrongly.")
    }

    // MARK: Counters

    func testTDESCounterChecks() throws {
        let zero = try TDESDUKPT.KSN(hex: "FFFF9876543210E00000")
        assertError(try TDESDUKPT.derive(bdk: bdk, ksn: zero), .counterZero)
        // Counter 0, asked for explicitly, is the IPEK itself.
        XCTAssertEqual(
            DUKPTHex.encode(try TDESDUKPT.derive(bdk: bdk, ksn: zero, counterCheck: .anyCounter)),
            "6AC292FAA1315B4D858AB3A3D7D5933A")

        let elevenBits = try zero.withCounter(0x7FF)
        XCTAssertEqual(elevenBits.description, "FFFF9876543210E007FF")
        assertError(try TDESDUKPT.workingKey(bdk: bdk, ksn: elevenBits, variant: .pin),
                    .tooManyCounterBits(counter: 0x7FF, oneBits: 11, limit: 10))
        XCTAssertEqual(try TDESDUKPT.derive(bdk: bdk, ksn: elevenBits, counterCheck: .anyCounter).count, 16)
        XCTAssertEqual(
            DUKPTError.tooManyCounterBits(counter: 0x7FF, oneBits: 11, limit: 10).description,
            "The key serial number's transaction counter 0x7FF has 11 one-bits; "
                + "DUKPT devices never use more than 10, so the KSN is damaged or not from a DUKPT device.")

        assertError(try zero.withCounter(0x20_0000), .counterOutOfRange(counter: 0x20_0000, maximum: 0x1F_FFFF))
    }

    func testTDESKSNAdvanceAndExhaustion() throws {
        let base = try TDESDUKPT.KSN(hex: "FFFF9876543210E00000")
        XCTAssertEqual(base.initialKSN, base)
        XCTAssertEqual(try base.withCounter(0x15).initialKSN, base)
        // Counter bits share byte 7 with the initial KSN: its top three bits must survive.
        XCTAssertEqual(try base.withCounter(0x1F_F800).description, "FFFF9876543210FFF800")
        XCTAssertEqual(try base.withCounter(0x3FF).next().counter, 0x400)
        XCTAssertEqual(try base.withCounter(0x1F_F000).next().counter, 0x1F_F001)
        assertError(try base.withCounter(0x1F_F800).next(), .counterExhausted)
        // Every counter next() yields is one a device may use.
        var ksn = try base.withCounter(0x0F_FF00)
        for _ in 0..<200 {
            ksn = try ksn.next()
            XCTAssertNoThrow(try ksn.validateCounter())
        }
    }

    func testAESCounterChecks() throws {
        let zero = try AESDUKPT.KSN(initialKeyID: DUKPT.aesTestInitialKeyID, counter: 0)
        assertError(try AESDUKPT.transactionKey(bdk: DUKPT.aes128TestBDK, ksn: zero), .counterZero)
        XCTAssertEqual(
            DUKPTHex.encode(try AESDUKPT.transactionKey(bdk: DUKPT.aes128TestBDK, ksn: zero, counterCheck: .anyCounter)),
            "1273671EA26AC29AFA4D1084127652A1")
        assertError(try AESDUKPT.workingKey(bdk: DUKPT.aes128TestBDK, ksn: zero.withCounter(0xFFFF_FFFF), usage: .pinEncryption),
                    .tooManyCounterBits(counter: 0xFFFF_FFFF, oneBits: 32, limit: 16))
    }

    func testWipe() {
        var key = DUKPT.ansiTestBDK
        let copy = key
        DUKPT.wipe(&key)
        XCTAssertTrue(key.isEmpty)
        XCTAssertEqual(copy, DUKPT.ansiTestBDK, "a copy keeps its own storage")
    }
}
