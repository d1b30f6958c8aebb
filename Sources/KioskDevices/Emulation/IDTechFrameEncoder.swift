/// Builds ID TECH SecureMag encrypted frames (original and enhanced layouts) and wraps them in
/// HID reports: the inverse of `IDTechSecureMagDecoder`, so an emulated encrypting reader goes
/// through the real decoder.
///
/// Like `MagneSafeReportEncoder` it encrypts nothing: ciphertext, hashes and KSN come from the
/// caller (a DUKPT implementation elsewhere, or a recorded frame). Lengths are checked against
/// the layout (ciphertext = clear length rounded up to the cipher block) and a violation throws.
public enum IDTechFrameEncoder {
    public struct Track: Sendable, Hashable {
        /// Clear length of the track (L1/L2/L3 in the header), LRC character included if sent.
        public var clearLength: Int
        /// Masked (or clear) copy sent outside the ciphertext; its length must be `clearLength`.
        public var unencrypted: [UInt8]?
        /// Enhanced layout only: this track's ciphertext (rounded up to the block size).
        public var ciphertext: [UInt8]?
        /// SHA-1 over the clear track, 20 bytes.
        public var hash: [UInt8]?
        /// The reader sampled the track but could not decode it.
        public var decodeError: Bool

        public init(clearLength: Int = 0, unencrypted: [UInt8]? = nil, ciphertext: [UInt8]? = nil,
                    hash: [UInt8]? = nil, decodeError: Bool = false) {
            self.clearLength = clearLength
            self.unencrypted = unencrypted
            self.ciphertext = ciphertext
            self.hash = hash
            self.decodeError = decodeError
        }

        public static let absent = Track()
    }

    public struct Fields: Sendable, Hashable {
        public var track1: Track
        public var track2: Track
        public var track3: Track
        /// Card encode type without the format bit: 0 ISO/ABA, 1 AAMVA, 3 other, 4 raw.
        public var cardEncodeType: UInt8
        /// Nil: computed from the tracks (bits 0–2 decoded OK or not sampled, bits 3–5 sampled).
        public var trackStatus: UInt8?
        public var cipher: EncryptionScheme.Cipher
        /// Enhanced only (field 8 bits 3, 6, 5): fixed key, PIN variant, "use chip" service code.
        public var fixedKey: Bool
        public var pinVariant: Bool
        public var chipCard: Bool
        /// Original only: the ciphertext of track 1 ‖ track 2, rounded up to the block size.
        public var combinedCiphertext: [UInt8]?
        /// Encrypted session ID (security level 4): 8 bytes (TDES) / one block (AES, enhanced).
        public var sessionID: [UInt8]?
        /// Enhanced only: 10-byte device serial number.
        public var deviceSerial: [UInt8]?
        /// 10 bytes.
        public var ksn: [UInt8]?

        public init(track1: Track = .absent, track2: Track = .absent, track3: Track = .absent,
                    cardEncodeType: UInt8 = 0, trackStatus: UInt8? = nil, cipher: EncryptionScheme.Cipher = .tdes,
                    fixedKey: Bool = false, pinVariant: Bool = false, chipCard: Bool = false,
                    combinedCiphertext: [UInt8]? = nil, sessionID: [UInt8]? = nil, deviceSerial: [UInt8]? = nil,
                    ksn: [UInt8]? = nil) {
            self.track1 = track1
            self.track2 = track2
            self.track3 = track3
            self.cardEncodeType = cardEncodeType
            self.trackStatus = trackStatus
            self.cipher = cipher
            self.fixedKey = fixedKey
            self.pinVariant = pinVariant
            self.chipCard = chipCard
            self.combinedCiphertext = combinedCiphertext
            self.sessionID = sessionID
            self.deviceSerial = deviceSerial
            self.ksn = ksn
        }
    }

    public enum EncodeError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A field does not fit the layout; names the field, never its content.
        case invalidField(String)
        public var description: String {
            switch self {
            case .invalidField(let name): return "ID TECH frame field \(name) does not fit the layout"
            }
        }
    }

    /// Enhanced layout (card encode type | 0x80): fields 8 and 9 describe what follows.
    public static func enhancedFrame(_ f: Fields) throws(EncodeError) -> [UInt8] {
        let tracks = [f.track1, f.track2, f.track3]
        let block = f.cipher == .tdes ? 8 : 16
        var f8: UInt8 = 0, f9: UInt8 = 0
        var masked: [UInt8] = [], encrypted: [UInt8] = [], hashes: [UInt8] = []
        for (t, track) in tracks.enumerated() {
            if let u = track.unencrypted {
                guard u.count == track.clearLength else { throw .invalidField("track \(t + 1) unencrypted copy") }
                f8 |= 1 << t
                masked += u
            }
            if let c = track.ciphertext {
                guard c.count == IDTechFrame.roundUp(track.clearLength, block) else {
                    throw .invalidField("track \(t + 1) ciphertext")
                }
                f9 |= 1 << t
                encrypted += c
            }
            if let h = track.hash {
                guard h.count == 20 else { throw .invalidField("track \(t + 1) hash") }
                f9 |= 0x08 << t
                hashes += h
            }
        }
        if f.fixedKey { f8 |= 0x08 }
        if f.cipher == .aes { f8 |= 0x10 }
        if f.chipCard { f8 |= 0x20 }
        if f.pinVariant { f8 |= 0x40 }
        var tail: [UInt8] = []
        if let s = f.sessionID {
            guard s.count == block else { throw .invalidField("session ID") }
            f9 |= 0x40
            encrypted += s
        }
        if let sn = f.deviceSerial {
            guard sn.count == 10 else { throw .invalidField("device serial") }
            f8 |= 0x80
            tail += sn
        }
        if let k = f.ksn {
            guard k.count == 10 else { throw .invalidField("KSN") }
            f9 |= 0x80
            tail += k
        }
        var data = try header(f, tracks: tracks, enhanced: true)
        data += [f8, f9] + masked + encrypted + hashes + tail
        return try frame(cardData: data)
    }

    /// Original layout (card encode type without 0x80): T1 masked, T2 masked, T3 clear, one
    /// ciphertext of T1 ‖ T2, [session ID], [T1 hash], [T2 hash], KSN.
    public static func originalFrame(_ f: Fields) throws(EncodeError) -> [UInt8] {
        let tracks = [f.track1, f.track2, f.track3]
        var data = try header(f, tracks: tracks, enhanced: false)
        for (t, track) in tracks.enumerated() {
            let copy = track.unencrypted ?? []
            guard copy.count == track.clearLength else { throw .invalidField("track \(t + 1) unencrypted copy") }
            data += copy
        }
        let clear12 = f.track1.clearLength + f.track2.clearLength
        let combined = f.combinedCiphertext ?? []
        guard combined.count == IDTechFrame.roundUp(clear12, f.cipher == .tdes ? 8 : 16) else {
            throw .invalidField("combined ciphertext")
        }
        data += combined
        if let s = f.sessionID {
            guard s.count == 8 else { throw .invalidField("session ID") }
            data += s
        }
        for (t, track) in tracks.enumerated().prefix(2) {
            if let h = track.hash {
                guard h.count == 20 else { throw .invalidField("track \(t + 1) hash") }
                data += h
            }
        }
        guard let k = f.ksn, k.count == 10 else { throw .invalidField("KSN") }
        return try frame(cardData: data + k)
    }

    /// STX, little-endian length, card data, CheckLRC (XOR), CheckSum (8-bit sum), ETX.
    public static func frame(cardData: [UInt8]) throws(EncodeError) -> [UInt8] {
        guard cardData.count + IDTechFrame.overhead <= IDTechSecureMagDecoder.maxFrameLength else {
            throw .invalidField("frame length")
        }
        var lrc: UInt8 = 0, sum: UInt8 = 0
        for c in cardData { lrc ^= c; sum &+= c }
        return [IDTechFrame.stx, UInt8(cardData.count & 0xFF), UInt8(cardData.count >> 8)] + cardData
            + [lrc, sum, IDTechFrame.etx]
    }

    /// Splits a frame into ID TECH-structure HID reports of `reportLength` bytes (9-byte header
    /// with the little-endian output length in bytes 7–8, then up to `reportLength − 9` frame
    /// bytes, zero padded). Header bytes 0–6 are left zero.
    public static func hidReports(wrapping frame: [UInt8], reportLength: Int = 513) -> [[UInt8]] {
        let room = max(reportLength - IDTechSecureMagDecoder.hidHeaderLength, 1)
        return stride(from: 0, to: frame.count, by: room).map { start in
            let piece = frame[start..<min(start + room, frame.count)]
            var report = [UInt8](repeating: 0, count: max(reportLength, IDTechSecureMagDecoder.hidHeaderLength + 1))
            report[7] = UInt8(piece.count & 0xFF)
            report[8] = UInt8(piece.count >> 8)
            report.replaceSubrange(9..<9 + piece.count, with: piece)
            return report
        }
    }

    private static func header(_ f: Fields, tracks: [Track], enhanced: Bool) throws(EncodeError) -> [UInt8] {
        guard f.cardEncodeType < 0x80 else { throw .invalidField("card encode type") }
        var status: UInt8 = 0
        for (t, track) in tracks.enumerated() {
            guard (0...255).contains(track.clearLength) else { throw .invalidField("track \(t + 1) length") }
            // Decoded bit: "decoded OK or nothing sampled"; sampled bit: something was on the track.
            if track.decodeError { status |= 0x08 << t } else { status |= (track.clearLength > 0 ? 0x09 : 0x01) << t }
        }
        return [f.cardEncodeType | (enhanced ? 0x80 : 0), f.trackStatus ?? status]
            + tracks.map { UInt8($0.clearLength) }
    }
}
