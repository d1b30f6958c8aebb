/// Builds MagTek MagneSafe V5 HID input reports (856 or 887 bytes) from fields: the inverse of
/// `MagneSafeHIDDecoder`, so an emulated encrypting reader goes through the real decoder.
///
/// It encrypts nothing. The caller brings ciphertext made elsewhere (a DUKPT implementation
/// with a test BDK, or a recorded swipe), so KioskDevices stays free of any crypto module and the
/// emulated path carries real ciphertext end to end. Every field is checked against the report
/// layout and a violation throws instead of producing a report the real device could not send.
public enum MagneSafeReportEncoder {
    public enum Layout: Int, Sendable, Hashable, CaseIterable {
        /// Older firmware: no encryption counter, version or track-2 hash.
        case v856 = 856
        /// MagneSafe V5 report descriptor as published.
        case v887 = 887
    }

    public struct Track: Sendable, Hashable {
        /// The reader's masked copy (ASCII, SS..ES), ≤ 112 bytes.
        public var masked: [UInt8]
        /// Ciphertext, a multiple of 8 bytes, ≤ 112.
        public var ciphertext: [UInt8]
        /// Clear length inside the ciphertext ("absolute length"): ≤ ciphertext, > ciphertext − 8.
        public var clearLength: Int
        /// Decode-status error bit; an errored track carries no data.
        public var decodeError: Bool

        public init(masked: [UInt8] = [], ciphertext: [UInt8] = [], clearLength: Int = 0, decodeError: Bool = false) {
            self.masked = masked
            self.ciphertext = ciphertext
            self.clearLength = clearLength
            self.decodeError = decodeError
        }

        public static let absent = Track()
    }

    public struct Fields: Sendable, Hashable {
        public var track1: Track
        public var track2: Track
        public var track3: Track
        public var cardEncodeType: UInt8
        public var cardStatus: UInt8
        public var magnePrintStatus: UInt32
        /// MagnePrint ciphertext, a multiple of 8 bytes, ≤ 128.
        public var magnePrint: [UInt8]
        public var magnePrintClearLength: Int
        /// ASCII, ≤ 15 bytes (the field is NUL terminated).
        public var deviceSerial: [UInt8]
        /// §3.5a bits; 0x0006 = key injected, encryption on.
        public var encryptionStatus: UInt16
        /// 10 bytes, or empty for a reader without keys (sent as zeros).
        public var ksn: [UInt8]
        /// 8 bytes, or empty (zeros).
        public var encryptedSessionID: [UInt8]
        /// 887 only: remaining transactions, 24 bits, little-endian (0xFFFFFF = disabled).
        public var encryptionCounter: UInt32
        /// 887 only: ASCII, ≤ 7 bytes.
        public var version: [UInt8]
        /// 887 only: SHA-1 of track 2, 20 bytes, or empty (zeros).
        public var track2Hash: [UInt8]

        public init(track1: Track = .absent, track2: Track = .absent, track3: Track = .absent,
                    cardEncodeType: UInt8 = 0, cardStatus: UInt8 = 0, magnePrintStatus: UInt32 = 0,
                    magnePrint: [UInt8] = [], magnePrintClearLength: Int = 0, deviceSerial: [UInt8] = [],
                    encryptionStatus: UInt16 = 0x0006, ksn: [UInt8] = [], encryptedSessionID: [UInt8] = [],
                    encryptionCounter: UInt32 = 0xFF_FFFF, version: [UInt8] = [], track2Hash: [UInt8] = []) {
            self.track1 = track1
            self.track2 = track2
            self.track3 = track3
            self.cardEncodeType = cardEncodeType
            self.cardStatus = cardStatus
            self.magnePrintStatus = magnePrintStatus
            self.magnePrint = magnePrint
            self.magnePrintClearLength = magnePrintClearLength
            self.deviceSerial = deviceSerial
            self.encryptionStatus = encryptionStatus
            self.ksn = ksn
            self.encryptedSessionID = encryptedSessionID
            self.encryptionCounter = encryptionCounter
            self.version = version
            self.track2Hash = track2Hash
        }
    }

    public enum EncodeError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A field does not fit the layout; names the field, never its content.
        case invalidField(String)
        public var description: String {
            switch self {
            case .invalidField(let name): return "MagneSafe report field \(name) does not fit the layout"
            }
        }
    }

    /// The report for `fields`.
    public static func report(_ fields: Fields, layout: Layout = .v887) throws(EncodeError) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: layout.rawValue)
        func put(_ bytes: [UInt8], at offset: Int, max: Int, _ name: String) throws(EncodeError) {
            guard bytes.count <= max else { throw .invalidField(name) }
            for (i, b) in bytes.enumerated() { r[offset + i] = b }
        }
        let field = MagneSafeHIDDecoder.trackFieldLength
        for (t, track) in [fields.track1, fields.track2, fields.track3].enumerated() {
            let name = "track \(t + 1)"
            r[t] = track.decodeError ? 0x01 : 0x00
            guard track.ciphertext.count % 8 == 0, track.clearLength <= track.ciphertext.count,
                  track.clearLength >= 0, track.ciphertext.count - track.clearLength < 8 || track.ciphertext.isEmpty,
                  !track.masked.contains(0) else { throw .invalidField(name) }
            try put(track.ciphertext, at: MagneSafeHIDDecoder.cipherOffsets[t], max: field, name + " ciphertext")
            try put(track.masked, at: MagneSafeHIDDecoder.maskedOffsets[t], max: field, name + " masked data")
            r[3 + t] = UInt8(track.ciphertext.count)
            r[505 + t] = UInt8(track.masked.count)
            r[852 + t] = UInt8(track.clearLength)
        }
        r[6] = fields.cardEncodeType
        r[343] = fields.cardStatus
        for i in 0..<4 { r[344 + i] = UInt8(truncatingIfNeeded: fields.magnePrintStatus >> (8 * i)) }
        guard fields.magnePrint.count % 8 == 0, (0...fields.magnePrint.count).contains(fields.magnePrintClearLength) else {
            throw .invalidField("MagnePrint")
        }
        try put(fields.magnePrint, at: 349, max: MagneSafeHIDDecoder.magnePrintFieldLength, "MagnePrint")
        r[348] = UInt8(fields.magnePrint.count)
        r[855] = UInt8(fields.magnePrintClearLength)
        try put(fields.deviceSerial, at: 477, max: 15, "device serial")
        r[493] = UInt8(fields.encryptionStatus >> 8)
        r[494] = UInt8(fields.encryptionStatus & 0xFF)
        guard fields.ksn.isEmpty || fields.ksn.count == 10 else { throw .invalidField("KSN") }
        try put(fields.ksn, at: 495, max: 10, "KSN")
        guard fields.encryptedSessionID.isEmpty || fields.encryptedSessionID.count == 8 else {
            throw .invalidField("session ID")
        }
        try put(fields.encryptedSessionID, at: 844, max: 8, "session ID")
        if layout == .v887 {
            guard fields.encryptionCounter <= 0xFF_FFFF else { throw .invalidField("encryption counter") }
            for i in 0..<3 { r[856 + i] = UInt8(truncatingIfNeeded: fields.encryptionCounter >> (8 * i)) }
            try put(fields.version, at: 859, max: 7, "version")
            guard fields.track2Hash.isEmpty || fields.track2Hash.count == 20 else { throw .invalidField("track 2 hash") }
            try put(fields.track2Hash, at: 867, max: 20, "track 2 hash")
        }
        return r
    }
}
