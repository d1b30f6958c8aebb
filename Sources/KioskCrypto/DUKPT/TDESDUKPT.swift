/// TDES DUKPT (ANSI X9.24-1:2009 Annex A), the scheme of the MagTek and ID TECH readers in the field.
///
/// Host side: from the Base Derivation Key (BDK) and the KSN a reader sends, derive the reader's
/// initial key (IPEK), the current transaction key, and a working key for one purpose (variant).
/// The same functions serve an emulated reader (``encrypt(data:bdk:ksn:variant:cipher:counterCheck:)``)
/// and the back office (``decrypt(data:bdk:ksn:variant:cipher:counterCheck:)``).
///
/// Keys go in and come out as `[UInt8]`; the caller wipes them with ``DUKPT/wipe(_:)``.
public enum TDESDUKPT {
    /// BDKs and IPEKs are double-length TDES keys.
    public static let keyLength = 16

    /// The purpose a working key is derived for. Readers differ: MagTek defaults to ``pin``,
    /// ID TECH to ``dataRequestOWF``; older software used the data masks without the one-way step.
    public enum Variant: String, Sendable, CaseIterable, CustomStringConvertible {
        /// PIN encryption key (mask `…00FF` on each half). MagTek's card-data default.
        case pin
        /// MAC key for requests, or both ways (mask `…FF00`).
        case mac
        /// MAC key for responses (mask `…FF000000`).
        case macResponse
        /// Data key, request or both ways, mask only (pre-2009 style, no one-way step).
        case dataRequest
        /// Data key, request or both ways, X9.24-1:2009: mask then one-way step. ID TECH's default.
        case dataRequestOWF
        /// Data key for responses, mask only.
        case dataResponse
        /// Data key for responses, mask then one-way step (MagTek's bulk-data command uses this).
        case dataResponseOWF

        public var description: String { rawValue }

        /// The byte XORed into bytes `maskIndex` and `maskIndex + 8` of the current key.
        fileprivate var maskIndex: Int {
            switch self {
            case .pin: 7
            case .mac: 6
            case .macResponse: 4
            case .dataRequest, .dataRequestOWF: 5
            case .dataResponse, .dataResponseOWF: 3
            }
        }

        fileprivate var hasOneWayStep: Bool {
            self == .dataRequestOWF || self == .dataResponseOWF
        }
    }

    /// Which cipher encrypts card data under the working key.
    public enum DataCipher: Sendable, Equatable {
        /// TDES-CBC, zero IV, zero padding to 8 bytes: every TDES-DUKPT reader.
        case tdesCBC
        /// AES-128-CBC keyed with the 16-byte TDES-DUKPT working key, zero IV, zero padding to 16.
        /// ID TECH heads set to "AES" do this as far as public documents say; unconfirmed on hardware.
        case aes128CBC

        var blockSize: Int { self == .tdesCBC ? DUKPTCipher.tdesBlockSize : DUKPTCipher.aesBlockSize }
    }

    // MARK: Derivation

    /// The reader's initial key, from the BDK and any KSN of that reader (its counter is ignored).
    /// Key-injection systems load this into the reader; a back office may store it instead of the BDK.
    public static func ipek(bdk: [UInt8], ksn: KSN) throws(DUKPTError) -> [UInt8] {
        try checkKey(bdk, role: "BDK")
        let register = ksn.initialKeyRegister
        var maskedBDK = xor(bdk, c0Mask)
        defer { DUKPT.wipe(&maskedBDK) }
        return try DUKPTCipher.tdesECBEncrypt(key: bdk, block: register)
            + DUKPTCipher.tdesECBEncrypt(key: maskedBDK, block: register)
    }

    /// The transaction key for the KSN's counter, from the reader's initial key (no variant applied).
    public static func currentKey(ipek: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict) throws(DUKPTError) -> [UInt8] {
        try checkKey(ipek, role: "IPEK")
        if counterCheck == .strict { try ksn.validateCounter() }
        let counter = ksn.counter
        var register = ksn.rightRegisterBase
        var key = ipek
        var bit: UInt32 = 1 << 20
        while bit != 0 {
            if counter & bit != 0 {
                register |= UInt64(bit)
                let next = try nonReversibleKey(key, register: register)
                DUKPT.wipe(&key)
                key = next
            }
            bit >>= 1
        }
        return key
    }

    /// The transaction key for the KSN's counter, straight from the BDK (no variant applied).
    public static func derive(bdk: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict) throws(DUKPTError) -> [UInt8] {
        if counterCheck == .strict { try ksn.validateCounter() }
        var initial = try ipek(bdk: bdk, ksn: ksn)
        defer { DUKPT.wipe(&initial) }
        return try currentKey(ipek: initial, ksn: ksn, counterCheck: counterCheck)
    }

    /// The working key for one purpose, from the BDK.
    public static func workingKey(
        bdk: [UInt8], ksn: KSN, variant: Variant, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        var current = try derive(bdk: bdk, ksn: ksn, counterCheck: counterCheck)
        defer { DUKPT.wipe(&current) }
        return try workingKey(currentKey: current, variant: variant)
    }

    /// The working key for one purpose, from the reader's initial key.
    public static func workingKey(
        ipek: [UInt8], ksn: KSN, variant: Variant, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        var current = try currentKey(ipek: ipek, ksn: ksn, counterCheck: counterCheck)
        defer { DUKPT.wipe(&current) }
        return try workingKey(currentKey: current, variant: variant)
    }

    /// Applies a variant (mask, and the one-way step for the `…OWF` variants) to a transaction key.
    public static func workingKey(currentKey: [UInt8], variant: Variant) throws(DUKPTError) -> [UInt8] {
        try checkKey(currentKey, role: "transaction key")
        var masked = currentKey
        masked[variant.maskIndex] ^= 0xFF
        masked[variant.maskIndex + 8] ^= 0xFF
        guard variant.hasOneWayStep else { return masked }
        defer { DUKPT.wipe(&masked) }
        // X9.24-1:2009 data key: each half of the masked key encrypted under the whole masked key.
        return try DUKPTCipher.tdesECBEncrypt(key: masked, block: Array(masked[0..<8]))
            + DUKPTCipher.tdesECBEncrypt(key: masked, block: Array(masked[8..<16]))
    }

    // MARK: Card data

    /// Encrypts card data as a reader does: zero-pads to whole blocks, CBC with a zero IV under the
    /// working key. Used by emulated readers to produce the ciphertext a real one would send.
    public static func encrypt(
        data: [UInt8], bdk: [UInt8], ksn: KSN, variant: Variant,
        cipher: DataCipher = .tdesCBC, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        guard !data.isEmpty else { throw .emptyData }
        var key = try workingKey(bdk: bdk, ksn: ksn, variant: variant, counterCheck: counterCheck)
        defer { DUKPT.wipe(&key) }
        var padded = DUKPTCipher.zeroPadded(data, blockSize: cipher.blockSize)
        defer { DUKPT.wipe(&padded) }
        switch cipher {
        case .tdesCBC: return try DUKPTCipher.tdesCBCEncrypt(key: key, data: padded)
        case .aes128CBC: return try DUKPTCipher.aesCBCEncrypt(key: key, data: padded)
        }
    }

    /// Decrypts a reader's ciphertext (CBC, zero IV). The zero padding is kept: trim the result to
    /// the clear length the reader reports, or at the end sentinel.
    public static func decrypt(
        data: [UInt8], bdk: [UInt8], ksn: KSN, variant: Variant,
        cipher: DataCipher = .tdesCBC, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        try checkCiphertext(data, blockSize: cipher.blockSize)
        var key = try workingKey(bdk: bdk, ksn: ksn, variant: variant, counterCheck: counterCheck)
        defer { DUKPT.wipe(&key) }
        switch cipher {
        case .tdesCBC: return try DUKPTCipher.tdesCBCDecrypt(key: key, data: data)
        case .aes128CBC: return try DUKPTCipher.aesCBCDecrypt(key: key, data: data)
        }
    }

    /// Encrypts an 8-byte clear PIN block (already formatted, e.g. ISO 9564 format 0) under the
    /// PIN variant, TDES-ECB, as a DUKPT PIN pad does.
    public static func encryptPINBlock(
        _ block: [UInt8], bdk: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        try pinBlock(block, bdk: bdk, ksn: ksn, counterCheck: counterCheck, DUKPTCipher.tdesECBEncrypt)
    }

    /// Decrypts an 8-byte encrypted PIN block to the clear (still formatted) PIN block.
    public static func decryptPINBlock(
        _ block: [UInt8], bdk: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        try pinBlock(block, bdk: bdk, ksn: ksn, counterCheck: counterCheck, DUKPTCipher.tdesECBDecrypt)
    }

    // MARK: Internals

    /// Checks an 8-byte PIN block and runs `operation` (TDES-ECB one way or the other) on it under
    /// the PIN variant of the KSN's key, which is wiped however `operation` ends.
    private static func pinBlock(
        _ block: [UInt8], bdk: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck,
        _ operation: (_ key: [UInt8], _ block: [UInt8]) throws(DUKPTError) -> [UInt8]
    ) throws(DUKPTError) -> [UInt8] {
        try checkSingleBlock(block)
        var key = try workingKey(bdk: bdk, ksn: ksn, variant: .pin, counterCheck: counterCheck)
        defer { DUKPT.wipe(&key) }
        return try operation(key, block)
    }

    /// `C0C0C0C000000000C0C0C0C000000000`: separates the two halves of IPEK and key generation.
    private static let c0Mask: [UInt8] = [
        0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0, 0xC0, 0xC0, 0xC0, 0xC0, 0, 0, 0, 0,
    ]

    /// X9.24-1 non-reversible key generation: one step of the counter walk.
    private static func nonReversibleKey(_ key: [UInt8], register: UInt64) throws(DUKPTError) -> [UInt8] {
        var maskedKey = xor(key, c0Mask)
        defer { DUKPT.wipe(&maskedKey) }
        let right = try halfStep(key, register: register)
        let left = try halfStep(maskedKey, register: register)
        return left + right
    }

    /// `DES(K_left, R ⊕ K_right) ⊕ K_right` for a 16-byte key.
    private static func halfStep(_ key: [UInt8], register: UInt64) throws(DUKPTError) -> [UInt8] {
        var left = Array(key[0..<8])
        var right = Array(key[8..<16])
        defer {
            DUKPT.wipe(&left)
            DUKPT.wipe(&right)
        }
        var input = xor(bigEndianBytes(register), right)
        defer { DUKPT.wipe(&input) }
        var encrypted = try DUKPTCipher.tdesECBEncrypt(key: left, block: input)
        defer { DUKPT.wipe(&encrypted) }
        return xor(encrypted, right)
    }

    private static func bigEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * $0)) }
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }

    private static func checkKey(_ key: [UInt8], role: String) throws(DUKPTError) {
        guard key.count == keyLength else {
            throw .invalidKeyLength(role: role, expected: [keyLength], actual: key.count)
        }
    }

    private static func checkSingleBlock(_ block: [UInt8]) throws(DUKPTError) {
        guard block.count == DUKPTCipher.tdesBlockSize else {
            throw .invalidDataLength(length: block.count, blockSize: DUKPTCipher.tdesBlockSize)
        }
    }

    private static func checkCiphertext(_ data: [UInt8], blockSize: Int) throws(DUKPTError) {
        guard !data.isEmpty else { throw .emptyData }
        guard data.count % blockSize == 0 else { throw .invalidDataLength(length: data.count, blockSize: blockSize) }
    }
}
