import CKioskOpenSSL

/// TDES and AES block operations (OpenSSL libcrypto through the CKioskOpenSSL shim).
///
/// Exposed so that code around DUKPT — an emulated reader producing ciphertext, a fixed-key
/// reader mode, PIN blocks — uses the same checked primitives instead of another binding.
/// No padding is ever added or removed here: card readers zero-pad and the caller trims by the
/// lengths the reader reports, so the cipher must hand back every byte.
public enum DUKPTCipher {
    /// TDES block size in bytes.
    public static let tdesBlockSize = 8
    /// AES block size in bytes.
    public static let aesBlockSize = 16

    // MARK: TDES

    /// Encrypts one 8-byte block with TDES-EDE in ECB mode. `key` is 16 (two-key) or 24 (three-key)
    /// bytes, or 8 for single DES (run as K|K|K so OpenSSL's legacy provider is not needed).
    public static func tdesECBEncrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkTDESKey(key)
        try checkSingleBlock(block, size: tdesBlockSize)
        return try run(key: key, iv: nil, data: block) { k, kl, _, i, _, o in kiosk_tdes_ecb_encrypt(k, kl, i, o) }
    }

    /// Decrypts one 8-byte block with TDES-EDE in ECB mode; key lengths as for encryption.
    public static func tdesECBDecrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkTDESKey(key)
        try checkSingleBlock(block, size: tdesBlockSize)
        return try run(key: key, iv: nil, data: block) { k, kl, _, i, _, o in kiosk_tdes_ecb_decrypt(k, kl, i, o) }
    }

    /// TDES-EDE CBC encryption of whole 8-byte blocks. The IV defaults to zeros, as readers use.
    public static func tdesCBCEncrypt(key: [UInt8], iv: [UInt8] = zeroTDESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkTDESKey(key)
        try checkCBC(iv: iv, data: data, blockSize: tdesBlockSize)
        return try run(key: key, iv: iv, data: data) { k, kl, v, i, n, o in kiosk_tdes_cbc_encrypt(k, kl, v, i, n, o) }
    }

    /// TDES-EDE CBC decryption of whole 8-byte blocks. The IV defaults to zeros, as readers use.
    public static func tdesCBCDecrypt(key: [UInt8], iv: [UInt8] = zeroTDESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkTDESKey(key)
        try checkCBC(iv: iv, data: data, blockSize: tdesBlockSize)
        return try run(key: key, iv: iv, data: data) { k, kl, v, i, n, o in kiosk_tdes_cbc_decrypt(k, kl, v, i, n, o) }
    }

    // MARK: AES

    /// Encrypts one 16-byte block with AES in ECB mode; `key` is 16, 24 or 32 bytes.
    public static func aesECBEncrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkAESKey(key)
        try checkSingleBlock(block, size: aesBlockSize)
        return try run(key: key, iv: nil, data: block) { k, kl, _, i, _, o in kiosk_aes_ecb_encrypt(k, kl, i, o) }
    }

    /// Decrypts one 16-byte block with AES in ECB mode; `key` is 16, 24 or 32 bytes.
    public static func aesECBDecrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkAESKey(key)
        try checkSingleBlock(block, size: aesBlockSize)
        return try run(key: key, iv: nil, data: block) { k, kl, _, i, _, o in kiosk_aes_ecb_decrypt(k, kl, i, o) }
    }

    /// AES CBC encryption of whole 16-byte blocks. The IV defaults to zeros, as readers use.
    public static func aesCBCEncrypt(key: [UInt8], iv: [UInt8] = zeroAESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkAESKey(key)
        try checkCBC(iv: iv, data: data, blockSize: aesBlockSize)
        return try run(key: key, iv: iv, data: data) { k, kl, v, i, n, o in kiosk_aes_cbc_encrypt(k, kl, v, i, n, o) }
    }

    /// AES CBC decryption of whole 16-byte blocks. The IV defaults to zeros, as readers use.
    public static func aesCBCDecrypt(key: [UInt8], iv: [UInt8] = zeroAESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try checkAESKey(key)
        try checkCBC(iv: iv, data: data, blockSize: aesBlockSize)
        return try run(key: key, iv: iv, data: data) { k, kl, v, i, n, o in kiosk_aes_cbc_decrypt(k, kl, v, i, n, o) }
    }

    /// Eight zero bytes: the IV every supported reader uses for TDES-CBC.
    public static let zeroTDESIV = [UInt8](repeating: 0, count: 8)
    /// Sixteen zero bytes: the IV every supported reader uses for AES-CBC.
    public static let zeroAESIV = [UInt8](repeating: 0, count: 16)

    /// Appends zero bytes up to a whole number of blocks, as readers do before encrypting.
    /// Data already a whole number of blocks (including empty data) is returned unchanged.
    public static func zeroPadded(_ data: [UInt8], blockSize: Int) -> [UInt8] {
        let remainder = data.count % blockSize
        return remainder == 0 ? data : data + [UInt8](repeating: 0, count: blockSize - remainder)
    }

    // MARK: Checks and the C call

    private static func checkTDESKey(_ key: [UInt8]) throws(DUKPTError) {
        guard [8, 16, 24].contains(key.count) else {
            throw .invalidKeyLength(role: "TDES key", expected: [8, 16, 24], actual: key.count)
        }
    }

    private static func checkAESKey(_ key: [UInt8]) throws(DUKPTError) {
        guard [16, 24, 32].contains(key.count) else {
            throw .invalidKeyLength(role: "AES key", expected: [16, 24, 32], actual: key.count)
        }
    }

    private static func checkSingleBlock(_ block: [UInt8], size: Int) throws(DUKPTError) {
        guard !block.isEmpty else { throw .emptyData }
        guard block.count == size else { throw .invalidDataLength(length: block.count, blockSize: size) }
    }

    private static func checkCBC(iv: [UInt8], data: [UInt8], blockSize: Int) throws(DUKPTError) {
        guard iv.count == blockSize else { throw .invalidIVLength(expected: blockSize, actual: iv.count) }
        guard !data.isEmpty else { throw .emptyData }
        guard data.count % blockSize == 0 else { throw .invalidDataLength(length: data.count, blockSize: blockSize) }
    }

    /// key, key length, iv (or nil), input, input length, output → status.
    private typealias Operation = (
        UnsafePointer<UInt8>?, Int, UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?
    ) -> Int32

    /// Calls the shim with pointers into the arrays; all lengths were checked by the caller.
    private static func run(key: [UInt8], iv: [UInt8]?, data: [UInt8], _ operation: Operation) throws(DUKPTError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: data.count)
        let ivBytes = iv ?? []
        let status = key.withUnsafeBufferPointer { k in
            ivBytes.withUnsafeBufferPointer { v in
                data.withUnsafeBufferPointer { i in
                    output.withUnsafeMutableBufferPointer { o in
                        operation(k.baseAddress, k.count, iv == nil ? nil : v.baseAddress, i.baseAddress, i.count, o.baseAddress)
                    }
                }
            }
        }
        guard status == 0 else {
            DUKPT.wipe(&output)
            throw .cipherFailed(status: status)
        }
        return output
    }
}
