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
        try tdes.ecb(.encrypt, key: key, block: block)
    }

    /// Decrypts one 8-byte block with TDES-EDE in ECB mode; key lengths as for encryption.
    public static func tdesECBDecrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try tdes.ecb(.decrypt, key: key, block: block)
    }

    /// TDES-EDE CBC encryption of whole 8-byte blocks. The IV defaults to zeros, as readers use.
    public static func tdesCBCEncrypt(key: [UInt8], iv: [UInt8] = zeroTDESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try tdes.cbc(.encrypt, key: key, iv: iv, data: data)
    }

    /// TDES-EDE CBC decryption of whole 8-byte blocks. The IV defaults to zeros, as readers use.
    public static func tdesCBCDecrypt(key: [UInt8], iv: [UInt8] = zeroTDESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try tdes.cbc(.decrypt, key: key, iv: iv, data: data)
    }

    // MARK: AES

    /// Encrypts one 16-byte block with AES in ECB mode; `key` is 16, 24 or 32 bytes.
    public static func aesECBEncrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try aes.ecb(.encrypt, key: key, block: block)
    }

    /// Decrypts one 16-byte block with AES in ECB mode; `key` is 16, 24 or 32 bytes.
    public static func aesECBDecrypt(key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try aes.ecb(.decrypt, key: key, block: block)
    }

    /// AES CBC encryption of whole 16-byte blocks. The IV defaults to zeros, as readers use.
    public static func aesCBCEncrypt(key: [UInt8], iv: [UInt8] = zeroAESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try aes.cbc(.encrypt, key: key, iv: iv, data: data)
    }

    /// AES CBC decryption of whole 16-byte blocks. The IV defaults to zeros, as readers use.
    public static func aesCBCDecrypt(key: [UInt8], iv: [UInt8] = zeroAESIV, data: [UInt8]) throws(DUKPTError) -> [UInt8] {
        try aes.cbc(.decrypt, key: key, iv: iv, data: data)
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

    // MARK: The one path to the C shim

    private enum Direction { case encrypt, decrypt }

    /// What tells TDES and AES apart here: the key lengths OpenSSL runs them with, the block
    /// size, and the shim's name for them. Every check and the C call are the same for both.
    private struct Algorithm: Sendable {
        let keyRole: String
        let keyLengths: [Int]
        let blockSize: Int
        let family: kiosk_cipher_family

        /// One block, ECB.
        func ecb(_ direction: Direction, key: [UInt8], block: [UInt8]) throws(DUKPTError) -> [UInt8] {
            try checkKey(key)
            guard !block.isEmpty else { throw .emptyData }
            guard block.count == blockSize else { throw .invalidDataLength(length: block.count, blockSize: blockSize) }
            return try run(KIOSK_ECB, direction, key: key, iv: nil, data: block)
        }

        /// Whole blocks, CBC from `iv`.
        func cbc(_ direction: Direction, key: [UInt8], iv: [UInt8], data: [UInt8]) throws(DUKPTError) -> [UInt8] {
            try checkKey(key)
            guard iv.count == blockSize else { throw .invalidIVLength(expected: blockSize, actual: iv.count) }
            guard !data.isEmpty else { throw .emptyData }
            guard data.count % blockSize == 0 else { throw .invalidDataLength(length: data.count, blockSize: blockSize) }
            return try run(KIOSK_CBC, direction, key: key, iv: iv, data: data)
        }

        private func checkKey(_ key: [UInt8]) throws(DUKPTError) {
            guard keyLengths.contains(key.count) else {
                throw .invalidKeyLength(role: keyRole, expected: keyLengths, actual: key.count)
            }
        }

        /// Calls the shim with pointers into the arrays; all lengths were checked before.
        private func run(
            _ mode: kiosk_cipher_mode, _ direction: Direction, key: [UInt8], iv: [UInt8]?, data: [UInt8]
        ) throws(DUKPTError) -> [UInt8] {
            var output = [UInt8](repeating: 0, count: data.count)
            let ivBytes = iv ?? []
            let status = key.withUnsafeBufferPointer { k in
                ivBytes.withUnsafeBufferPointer { v in
                    data.withUnsafeBufferPointer { i in
                        output.withUnsafeMutableBufferPointer { o in
                            kiosk_block_cipher(family, mode, direction == .encrypt ? 1 : 0, k.baseAddress, k.count,
                                               iv == nil ? nil : v.baseAddress, i.baseAddress, i.count, o.baseAddress)
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

    private static let tdes = Algorithm(keyRole: "TDES key", keyLengths: [8, 16, 24], blockSize: tdesBlockSize, family: KIOSK_TDES)
    private static let aes = Algorithm(keyRole: "AES key", keyLengths: [16, 24, 32], blockSize: aesBlockSize, family: KIOSK_AES)
}
