/// AES DUKPT (ANSI X9.24-3-2017), used by newer readers (e.g. MagTek DynaFlex) with AES BDKs.
///
/// Every key is derived by AES-ECB-encrypting a 16-byte derivation-data block (version, block
/// counter, key usage, algorithm, length, context) under its parent: BDK → initial key → one step
/// per counter bit → transaction key → a working key for one usage.
///
/// Keys go in and come out as `[UInt8]`; the caller wipes them with ``DUKPT/wipe(_:)``.
public enum AESDUKPT {
    /// AES key sizes for BDKs, initial keys and working keys.
    public enum KeyType: Sendable, CaseIterable, CustomStringConvertible {
        case aes128, aes192, aes256

        /// The type of a key of this many bytes, or nil.
        public init?(byteCount: Int) {
            switch byteCount {
            case 16: self = .aes128
            case 24: self = .aes192
            case 32: self = .aes256
            default: return nil
            }
        }

        public var byteCount: Int {
            switch self {
            case .aes128: 16
            case .aes192: 24
            case .aes256: 32
            }
        }

        public var description: String { "AES-\(byteCount * 8)" }

        /// X9.24-3 algorithm indicator (0/1 are TDES, not derived here).
        var algorithmCode: UInt16 {
            switch self {
            case .aes128: 2
            case .aes192: 3
            case .aes256: 4
            }
        }
    }

    /// What a working key is for; the value goes into the derivation data, so each usage gets an
    /// unrelated key from the same transaction key.
    public enum KeyUsage: UInt16, Sendable, CaseIterable {
        case keyEncryption = 0x0002
        case pinEncryption = 0x1000
        case macGeneration = 0x2000
        case macVerification = 0x2001
        case macBoth = 0x2002
        /// Card data encrypted by the device: the key readers use, and hosts decrypt with.
        case dataEncryption = 0x3000
        case dataDecryption = 0x3001
        case dataBoth = 0x3002
    }

    // MARK: Derivation

    /// The device's initial key from the BDK (16, 24 or 32 bytes) and the 8-byte initial key ID.
    /// The initial key has the BDK's size.
    public static func initialKey(bdk: [UInt8], initialKeyID: [UInt8]) throws(DUKPTError) -> [UInt8] {
        let type = try keyType(of: bdk, role: "BDK")
        guard initialKeyID.count == KSN.initialKeyIDLength else {
            throw .invalidKSNLength(expected: KSN.byteCount, actual: initialKeyID.count + 4)
        }
        return try derive(from: bdk, usage: 0x8001, type: type, context: initialKeyID)
    }

    /// The device's initial key from the BDK and any KSN of that device (its counter is ignored).
    public static func initialKey(bdk: [UInt8], ksn: KSN) throws(DUKPTError) -> [UInt8] {
        try initialKey(bdk: bdk, initialKeyID: ksn.initialKeyID)
    }

    /// The transaction key for the KSN's counter, from the device's initial key.
    public static func transactionKey(
        initialKey: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        let type = try keyType(of: initialKey, role: "initial key")
        if counterCheck == .strict { try ksn.validateCounter() }
        let counter = ksn.counter
        let keyIDTail = Array(ksn.bytes[4..<8])
        var key = initialKey
        var walked: UInt32 = 0
        var bit: UInt32 = 1 << 31
        while bit != 0 {
            if counter & bit != 0 {
                walked |= bit
                let next = try derive(from: key, usage: 0x8000, type: type, context: keyIDTail + KSN.bigEndian(walked))
                DUKPT.wipe(&key)
                key = next
            }
            bit >>= 1
        }
        return key
    }

    /// The transaction key for the KSN's counter, straight from the BDK.
    public static func transactionKey(
        bdk: [UInt8], ksn: KSN, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        if counterCheck == .strict { try ksn.validateCounter() }
        var initial = try initialKey(bdk: bdk, ksn: ksn)
        defer { DUKPT.wipe(&initial) }
        return try transactionKey(initialKey: initial, ksn: ksn, counterCheck: counterCheck)
    }

    /// The working key for one usage, from the BDK. `keyType` defaults to the BDK's own size and
    /// may not be larger.
    public static func workingKey(
        bdk: [UInt8], ksn: KSN, usage: KeyUsage, keyType: KeyType? = nil, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        var transaction = try transactionKey(bdk: bdk, ksn: ksn, counterCheck: counterCheck)
        defer { DUKPT.wipe(&transaction) }
        return try workingKey(transactionKey: transaction, ksn: ksn, usage: usage, keyType: keyType)
    }

    /// The working key for one usage, from the device's initial key.
    public static func workingKey(
        initialKey: [UInt8], ksn: KSN, usage: KeyUsage, keyType: KeyType? = nil, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        var transaction = try transactionKey(initialKey: initialKey, ksn: ksn, counterCheck: counterCheck)
        defer { DUKPT.wipe(&transaction) }
        return try workingKey(transactionKey: transaction, ksn: ksn, usage: usage, keyType: keyType)
    }

    /// The working key for one usage, from an already derived transaction key of the same KSN.
    public static func workingKey(
        transactionKey: [UInt8], ksn: KSN, usage: KeyUsage, keyType: KeyType? = nil
    ) throws(DUKPTError) -> [UInt8] {
        let parentType = try self.keyType(of: transactionKey, role: "transaction key")
        let wanted = keyType ?? parentType
        guard wanted.byteCount <= parentType.byteCount else {
            throw .workingKeyTooStrong(requestedBits: wanted.byteCount * 8, derivationKeyBits: parentType.byteCount * 8)
        }
        let context = Array(ksn.bytes[4..<8]) + KSN.bigEndian(ksn.counter)
        return try derive(from: transactionKey, usage: usage.rawValue, type: wanted, context: context)
    }

    // MARK: Card data

    /// Encrypts data as an AES-DUKPT device does: zero padding to 16 bytes, AES-CBC with a zero IV
    /// under the working key (by default the data-encryption key of the BDK's size).
    public static func encrypt(
        data: [UInt8], bdk: [UInt8], ksn: KSN, usage: KeyUsage = .dataEncryption,
        keyType: KeyType? = nil, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        guard !data.isEmpty else { throw .emptyData }
        var key = try workingKey(bdk: bdk, ksn: ksn, usage: usage, keyType: keyType, counterCheck: counterCheck)
        defer { DUKPT.wipe(&key) }
        var padded = DUKPTCipher.zeroPadded(data, blockSize: DUKPTCipher.aesBlockSize)
        defer { DUKPT.wipe(&padded) }
        return try DUKPTCipher.aesCBCEncrypt(key: key, data: padded)
    }

    /// Decrypts a device's AES-CBC ciphertext (zero IV). The zero padding is kept: trim the result
    /// to the clear length the device reports.
    public static func decrypt(
        data: [UInt8], bdk: [UInt8], ksn: KSN, usage: KeyUsage = .dataEncryption,
        keyType: KeyType? = nil, counterCheck: DUKPT.CounterCheck = .strict
    ) throws(DUKPTError) -> [UInt8] {
        guard !data.isEmpty else { throw .emptyData }
        guard data.count % DUKPTCipher.aesBlockSize == 0 else {
            throw .invalidDataLength(length: data.count, blockSize: DUKPTCipher.aesBlockSize)
        }
        var key = try workingKey(bdk: bdk, ksn: ksn, usage: usage, keyType: keyType, counterCheck: counterCheck)
        defer { DUKPT.wipe(&key) }
        return try DUKPTCipher.aesCBCDecrypt(key: key, data: data)
    }

    // MARK: Internals

    private static func keyType(of key: [UInt8], role: String) throws(DUKPTError) -> KeyType {
        guard let type = KeyType(byteCount: key.count) else {
            throw .invalidKeyLength(role: role, expected: [16, 24, 32], actual: key.count)
        }
        return type
    }

    /// One X9.24-3 derivation: as many derivation-data blocks as the new key needs, each
    /// AES-ECB-encrypted under the parent key, output truncated to the new key's size.
    private static func derive(from parent: [UInt8], usage: UInt16, type: KeyType, context: [UInt8]) throws(DUKPTError) -> [UInt8] {
        let bits = UInt16(type.byteCount * 8)
        var output: [UInt8] = []
        let blocks = (type.byteCount + 15) / 16
        for blockCounter in 1...blocks {
            var derivationData: [UInt8] = [
                0x01, UInt8(blockCounter),
                UInt8(usage >> 8), UInt8(usage & 0xFF),
                UInt8(type.algorithmCode >> 8), UInt8(type.algorithmCode & 0xFF),
                UInt8(bits >> 8), UInt8(bits & 0xFF),
            ] + context
            defer { DUKPT.wipe(&derivationData) }
            output += try DUKPTCipher.aesECBEncrypt(key: parent, block: derivationData)
        }
        guard output.count > type.byteCount else { return output }
        let key = Array(output[0..<type.byteCount])
        DUKPT.wipe(&output)
        return key
    }
}
