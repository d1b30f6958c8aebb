import Foundation

/// What an encrypting reader (MagTek MagneSafe, ID TECH SecureMag) delivers for one swipe.
///
/// The kiosk never decrypts: it forwards the ciphertext, the KSN and the reader's own masked
/// copies inside its sealed capture, and only the holder of the base derivation key can read the
/// card. So this value keeps the reader's output as it came, checked for consistency but not
/// interpreted beyond the masked view the customer may see (`card`).
///
/// * `card` is built from the reader's *masked* tracks only (first digits, last 4, brand, expiry
///   and name as printed when the reader leaves them clear). Masked data is never passed to
///   `CardSwipe.assemble` as clear data.
/// * The unencrypted copies (`EncryptedTrack.unencrypted`) are card-derived — masking can be
///   configured loosely, and ID TECH's original format sends track 3 in clear — so they are
///   `SensitiveBytes` and `wipe()` zeroes them.
/// * `description` and `customMirror` show only the masked view and flags: no KSN, serial,
///   ciphertext or name.
public struct EncryptedSwipe: Sendable, CustomStringConvertible, CustomReflectable {
    public struct Flags: Sendable, Hashable, CustomStringConvertible {
        /// Tracks the reader decoded (whatever it then sent for them).
        public var tracksRead: [TrackNumber]
        /// Tracks the reader saw but could not decode.
        public var tracksFailed: [TrackNumber]
        /// Tracks covered by some ciphertext.
        public var tracksEncrypted: [TrackNumber]
        /// ID TECH field 8 bit 5: the service code asks for the chip. Nil when the reader does not say.
        public var chipCardHint: Bool?

        public var description: String {
            "read \(tracksRead.map(\.rawValue)), failed \(tracksFailed.map(\.rawValue)), "
                + "encrypted \(tracksEncrypted.map(\.rawValue))" + (chipCardHint == true ? ", use chip" : "")
        }
    }

    public let driverName: String
    /// The masked view (what a client may see).
    public let card: MaskedCard
    /// Tracks 1, 2 and 3, in that order.
    public let tracks: [EncryptedTrack]
    /// Ciphertext as sent: one block per track (MagTek, ID TECH enhanced) or one block for
    /// tracks 1 and 2 together (ID TECH original format).
    public let blocks: [EncryptedBlock]
    public let ksn: KeySerialNumber
    public let scheme: EncryptionScheme
    /// Reader serial number as sent (ASCII with NULs and padding removed; hex if not printable).
    public let deviceSerial: String?
    /// MagTek MagnePrint (card fingerprint) status and ciphertext, when the reader sent any.
    public let magnePrint: MagnePrint?
    /// Encrypted session ID (MagTek always; ID TECH at security level 4).
    public let encryptedSessionID: [UInt8]?
    /// The reader's card encode type byte, unchanged (MagTek §3.6 / ID TECH §4.3 values).
    public let cardEncodeType: UInt8
    /// MagTek: the remaining-transactions counter of 887-byte reports (0xFFFFFF = disabled).
    public let encryptionCounter: UInt32?
    /// MagTek: the MagneSafe version string of 887-byte reports.
    public let readerVersion: String?
    public let flags: Flags

    public init(driverName: String, card: MaskedCard, tracks: [EncryptedTrack], blocks: [EncryptedBlock],
                ksn: KeySerialNumber, scheme: EncryptionScheme, deviceSerial: String?, magnePrint: MagnePrint?,
                encryptedSessionID: [UInt8]?, cardEncodeType: UInt8, encryptionCounter: UInt32? = nil,
                readerVersion: String? = nil, chipCardHint: Bool? = nil) {
        self.driverName = driverName
        self.card = card
        self.tracks = tracks
        self.blocks = blocks
        self.ksn = ksn
        self.scheme = scheme
        self.deviceSerial = deviceSerial
        self.magnePrint = magnePrint
        self.encryptedSessionID = encryptedSessionID
        self.cardEncodeType = cardEncodeType
        self.encryptionCounter = encryptionCounter
        self.readerVersion = readerVersion
        flags = Flags(tracksRead: tracks.filter { $0.status == .read }.map(\.track),
                      tracksFailed: tracks.filter { $0.status == .readerError }.map(\.track),
                      tracksEncrypted: TrackNumber.allCases.filter { n in blocks.contains { $0.tracks.contains(n) } },
                      chipCardHint: chipCardHint)
    }

    /// The entry for one track.
    public func track(_ number: TrackNumber) -> EncryptedTrack? { tracks.first { $0.track == number } }

    /// The ciphertext block that holds `number`, if any.
    public func block(covering number: TrackNumber) -> EncryptedBlock? { blocks.first { $0.tracks.contains(number) } }

    /// Zeroes the unencrypted track copies now (the masked view and the ciphertext stay).
    public func wipe() { tracks.forEach { $0.unencrypted?.wipe() } }

    public var description: String { "EncryptedSwipe(\(driverName), \(card), \(scheme), \(flags))" }

    public var customMirror: Mirror {
        Mirror(self, children: ["driverName": driverName, "card": card, "scheme": scheme.description,
                                "flags": flags.description], displayStyle: .struct)
    }
}

/// What an encrypting reader sent for one track besides ciphertext.
public struct EncryptedTrack: Sendable, CustomStringConvertible, CustomReflectable {
    public enum Status: String, Sendable, Hashable {
        /// Nothing on the track.
        case absent
        /// Decoded by the reader.
        case read
        /// The reader saw data but could not decode it.
        case readerError
    }

    public let track: TrackNumber
    public let status: Status
    /// The copy sent outside the ciphertext, as sent (an LRC character included when the reader
    /// forwards one). Masked for bank-card tracks 1 and 2; possibly clear otherwise. Card data.
    public let unencrypted: SensitiveBytes?
    /// SHA-1 the reader computed over the clear track (ID TECH: SS…ES plus LRC; MagTek 887-byte
    /// reports: track 2 or its PAN, per reader property 0x57). Nil when not sent.
    public let hash: [UInt8]?

    public init(track: TrackNumber, status: Status, unencrypted: SensitiveBytes?, hash: [UInt8]?) {
        self.track = track
        self.status = status
        self.unencrypted = unencrypted
        self.hash = hash
    }

    public var description: String {
        "EncryptedTrack(\(track), \(status), \(unencrypted.map { "\($0.count) bytes unencrypted" } ?? "no unencrypted copy"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["track": track, "status": status, "unencryptedBytes": unencrypted?.count ?? 0],
               displayStyle: .struct)
    }
}

/// One ciphertext as the reader sent it: CBC with a zero IV over the clear track(s), zero-padded
/// to the cipher's block size. After decryption, the clear tracks are the first `clearLengths[0]`
/// bytes, then the next `clearLengths[1]`, and so on; the rest is padding.
public struct EncryptedBlock: Sendable, Hashable, CustomStringConvertible {
    /// Tracks in the plaintext, in order.
    public let tracks: [TrackNumber]
    /// Declared clear length of each track, same order (MagTek "absolute length", ID TECH
    /// "unencrypted length", an LRC character included when the reader sends one).
    public let clearLengths: [Int]
    public let ciphertext: [UInt8]

    public init(tracks: [TrackNumber], clearLengths: [Int], ciphertext: [UInt8]) {
        self.tracks = tracks
        self.clearLengths = clearLengths
        self.ciphertext = ciphertext
    }

    public var description: String {
        "EncryptedBlock(tracks \(tracks.map(\.rawValue)), clear \(clearLengths), \(ciphertext.count) bytes)"
    }
}

/// MagTek MagnePrint: a magnetic fingerprint of the stripe, encrypted like the tracks.
public struct MagnePrint: Sendable, Hashable {
    /// 32-bit status (bit 0 capable, 16 status only, 17 too noisy, 18/19 too slow/fast, 21 reverse).
    public let status: UInt32
    public let ciphertext: [UInt8]
    /// Usable bytes after decryption.
    public let clearLength: Int

    public init(status: UInt32, ciphertext: [UInt8], clearLength: Int) {
        self.status = status
        self.ciphertext = ciphertext
        self.clearLength = clearLength
    }
}

/// DUKPT key serial number: 10 bytes for TDES DUKPT (21-bit transaction counter), 12 bytes for
/// AES DUKPT (32-bit counter). Not secret; the decrypting side needs it whole.
public struct KeySerialNumber: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Nil unless 10 or 12 bytes.
    public init?(_ bytes: [UInt8]) {
        guard bytes.count == 10 || bytes.count == 12 else { return nil }
        self.bytes = bytes
    }

    public var isAES: Bool { bytes.count == 12 }

    /// The transaction counter (low 21 bits of a TDES KSN, last 4 bytes of an AES KSN).
    public var transactionCounter: UInt32 {
        let tail = bytes.suffix(isAES ? 4 : 3).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return isAES ? tail : tail & 0x1F_FFFF
    }

    /// All zero: the reader has no key (MagTek sends zeros then).
    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }

    /// Upper-case hex, e.g. `FFFF9876543210E00008`.
    public var hex: String { bytes.map { String(format: "%02X", $0) }.joined() }
    public var description: String { hex }
}

/// How the reader encrypted, as far as it says; defaults are the vendor's where it does not.
public struct EncryptionScheme: Sendable, Hashable, CustomStringConvertible {
    /// CBC with a zero IV, zero padding.
    public enum Cipher: String, Sendable, Hashable { case tdes = "TDES", aes = "AES" }
    public enum KeyManagement: String, Sendable, Hashable { case dukpt = "DUKPT", fixedKey = "fixed key" }
    /// DUKPT working-key variant: PIN (MagTek default) or data with the X9.24-1:2009 one-way
    /// function (ID TECH "Data Key" default).
    public enum Variant: String, Sendable, Hashable { case pin = "PIN variant", data = "data variant" }

    public var cipher: Cipher
    public var keyManagement: KeyManagement
    public var variant: Variant
    /// True when the reader stated the variant in its output; false when it is the vendor default.
    public var variantDeclared: Bool

    public init(cipher: Cipher, keyManagement: KeyManagement, variant: Variant, variantDeclared: Bool) {
        self.cipher = cipher
        self.keyManagement = keyManagement
        self.variant = variant
        self.variantDeclared = variantDeclared
    }

    /// Cipher block size in bytes (ciphertext lengths are multiples of it).
    public var blockSize: Int { cipher == .tdes ? 8 : 16 }

    public var description: String {
        "\(cipher.rawValue) \(keyManagement.rawValue) \(variant.rawValue)\(variantDeclared ? "" : " (default)")"
    }
}

/// Why an encrypting reader cannot take cards until a technician sees to it. Each reason reads
/// as a sentence for the kiosk screen via `CardReadError.readerNeedsService`.
public enum ReaderServiceReason: String, Sendable, Hashable, CaseIterable {
    /// No DUKPT key was injected (or the KSN is all zero).
    case noEncryptionKeys
    /// Every DUKPT key has been used (the counter ran out).
    case keysExhausted
    /// Keys are present but the reader is not encrypting (it would send clear card data).
    case encryptionDisabled
    /// The reader's transaction counter has expired.
    case transactionLimitReached
    /// The reader reports an internal encryption fault (head communication, key sync).
    case encryptionFault

    public var sentence: String {
        switch self {
        case .noEncryptionKeys: return "this card reader has no encryption keys; please call a technician"
        case .keysExhausted: return "this card reader has used up its encryption keys; please call a technician"
        case .encryptionDisabled: return "this card reader is not encrypting card data; please call a technician"
        case .transactionLimitReached: return "this card reader has reached its transaction limit; please call a technician"
        case .encryptionFault: return "this card reader reported an encryption fault; please call a technician"
        }
    }
}
