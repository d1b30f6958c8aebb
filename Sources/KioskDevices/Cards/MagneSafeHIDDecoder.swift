import Foundation

/// MagneSafe V5 "reader encryption status" word (card-readers.md §3.5a). The HID report sends
/// it most significant byte first (offsets 493–494); the manual's wording contradicts itself,
/// the worked example (`00 06` = keys injected + encryption on) settles it.
public struct MagneSafeEncryptionStatus: OptionSet, Sendable, Hashable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let keysExhausted = Self(rawValue: 1 << 0)
    public static let initialKeyInjected = Self(rawValue: 1 << 1)
    public static let encryptionEnabled = Self(rawValue: 1 << 2)
    public static let authenticationRequired = Self(rawValue: 1 << 3)
    public static let timedOut = Self(rawValue: 1 << 4)
    public static let headMessageTooShort = Self(rawValue: 1 << 5)
    public static let headWrongMessageType = Self(rawValue: 1 << 6)
    public static let keySyncError = Self(rawValue: 1 << 7)
    public static let encryptionCounterExpired = Self(rawValue: 1 << 8)
    /// eDynamo family: track data encrypted with the Data variant (clear = PIN variant).
    public static let dataVariantForTracks = Self(rawValue: 1 << 11)
}

/// Decoder for MagTek MagneSafe V5 encrypting HID readers (VID 0x0801 PID 0x0011: DynaMag,
/// BulleT…): one input report per swipe, 856 bytes on older firmware, 887 on newer (newer SCRA
/// devices append fields up to byte 930, ignored here), no report ID unless configured.
///
/// | Offset | Size | Field |
/// |---|---|---|
/// | 0, 1, 2 | 1 each | track 1/2/3 decode status (bit 0 = error) |
/// | 3, 4, 5 | 1 each | track 1/2/3 encrypted length (multiple of 8) |
/// | 6 | 1 | card encode type |
/// | 7, 119, 231 | 112 each | track 1/2/3 ciphertext (TDES-CBC, IV 0, SS..ES zero padded) |
/// | 344 | 4 | MagnePrint status, little-endian |
/// | 348 / 349 | 1 / 128 | MagnePrint encrypted length / ciphertext |
/// | 477 | 16 | device serial (ASCII, NUL terminated) |
/// | 493 | 2 | reader encryption status (MSB first) |
/// | 495 | 10 | DUKPT KSN |
/// | 505, 506, 507 | 1 each | track 1/2/3 masked length |
/// | 508, 620, 732 | 112 each | track 1/2/3 masked data |
/// | 844 | 8 | encrypted session ID |
/// | 852–855 | 1 each | track 1/2/3 and MagnePrint absolute (clear) length |
/// | 856 / 859 / 867 | 3 / 8 / 20 | (887 only) encryption counter, version, SHA-1 of track 2 |
///
/// Offsets are the fixed table of the manual (the fallback card-readers.md §3.1 recommends next
/// to descriptor parsing). Every length the device sends is checked against its field and
/// against the others before use; a report that fails is `.failed(.unreadable)`, never a crash.
/// A reader that is not encrypting, has no keys or has used them up is `.failed(.readerNeedsService)`
/// because its "encrypted" fields would then hold clear data or nothing. A timeout report (no
/// swipe) produces no event.
public struct MagneSafeHIDDecoder: CardReaderDecoder, CustomStringConvertible {
    public static let driverName = "magtek-magnesafe"
    /// Report lengths without a report ID: the two published layouts.
    public static let reportLengths = [856, 887]
    /// Newer SCRA readers append a version byte, MagnePrint KSN and battery level (up to 931).
    static let maximumReportLength = 931
    static let trackFieldLength = 112
    static let cipherOffsets = [7, 119, 231]
    static let maskedOffsets = [508, 620, 732]
    static let magnePrintFieldLength = 128

    /// Trusted leading digits of the masked PAN (reader property 0x07; default `04040Y`).
    public let maskPolicy: MaskedPANPolicy
    /// Report ID the transport leaves in front of each report (1 on eDynamo-family readers),
    /// or nil when the device uses none (PID 0x0011).
    public let reportID: UInt8?

    /// Card encode type and encryption status of the last report (nil before one, or rejected
    /// for its length).
    public private(set) var lastEncodeType: MagTekCardEncodeType?
    public private(set) var lastEncryptionStatus: MagneSafeEncryptionStatus?

    public init(maskPolicy: MaskedPANPolicy = .magTekDefault, reportID: UInt8? = nil) {
        self.maskPolicy = maskPolicy
        self.reportID = reportID
    }

    public var description: String { "MagneSafeHIDDecoder" }

    public mutating func reset() {
        lastEncodeType = nil
        lastEncryptionStatus = nil
    }

    public mutating func consume(report: [UInt8]) -> CardReaderEvent? {
        lastEncodeType = nil
        lastEncryptionStatus = nil
        var body = report[...]
        if let reportID {
            guard body.first == reportID else { return .failed(.unreadable) }
            body = body.dropFirst()
        }
        guard body.count == 856 || (887...Self.maximumReportLength).contains(body.count) else {
            // 337: a non-encrypting MagTek layout (another driver). Anything else is truncated or
            // foreign (e.g. a lost first packet), so the swipe has to be repeated.
            return .failed(body.count == MagTekHIDDecoder.reportLength ? .unsupported : .unreadable)
        }
        return Array(body).withUnsafeBytes { decode($0) }
    }

    private mutating func decode(_ r: UnsafeRawBufferPointer) -> CardReaderEvent? {
        func bytes(_ offset: Int, _ count: Int) -> [UInt8] { Array(r[offset..<offset + count]) }
        let status = MagneSafeEncryptionStatus(rawValue: UInt16(r[493]) << 8 | UInt16(r[494]))
        lastEncryptionStatus = status
        lastEncodeType = MagTekCardEncodeType(rawValue: r[6])

        // The reader's own state first: with any of these, the card fields are not ciphertext.
        if status.contains(.keysExhausted) { return .failed(.readerNeedsService(.keysExhausted)) }
        if status.contains(.encryptionCounterExpired) { return .failed(.readerNeedsService(.transactionLimitReached)) }
        if !status.isDisjoint(with: [.headMessageTooShort, .headWrongMessageType, .keySyncError]) {
            return .failed(.readerNeedsService(.encryptionFault))
        }
        let lengths = [3, 4, 5, 348, 505, 506, 507].map { r[$0] }
        if status.contains(.timedOut), lengths.allSatisfy({ $0 == 0 }) { return nil }
        if !status.contains(.initialKeyInjected) { return .failed(.readerNeedsService(.noEncryptionKeys)) }
        if !status.contains(.encryptionEnabled) { return .failed(.readerNeedsService(.encryptionDisabled)) }
        guard let ksn = KeySerialNumber(bytes(495, 10)), !ksn.isZero else {
            return .failed(.readerNeedsService(.noEncryptionKeys))
        }
        switch lastEncodeType {
        case .aamva?, .cadl?: return .failed(.notAPaymentCard)
        default: break     // ISO/ABA, Other, Blank, Undetermined, unknown: the tracks decide.
        }

        var tracks: [EncryptedTrack] = []
        var blocks: [EncryptedBlock] = []
        let hash2 = r.count >= 887 ? bytes(867, 20) : []
        for t in 0..<3 {
            let number = TrackNumber.allCases[t]
            let encLength = Int(r[3 + t]), clearLength = Int(r[852 + t]), maskedLength = Int(r[505 + t])
            if r[t] & 0x01 != 0 {
                tracks.append(EncryptedTrack(track: number, status: .readerError, unencrypted: nil, hash: nil))
                continue
            }
            guard encLength <= Self.trackFieldLength, encLength % 8 == 0, clearLength <= encLength,
                  encLength - clearLength < 8, maskedLength <= Self.trackFieldLength else {
                return .failed(.unreadable)
            }
            var masked: SensitiveBytes?
            if maskedLength > 0 {
                let range = Self.maskedOffsets[t]..<Self.maskedOffsets[t] + maskedLength
                if range.contains(where: { r[$0] == 0 }) { return .failed(.unreadable) }
                masked = SensitiveBytes(copying: r, range: range)
            }
            if encLength > 0 {
                blocks.append(EncryptedBlock(tracks: [number], clearLengths: [clearLength],
                                             ciphertext: bytes(Self.cipherOffsets[t], encLength)))
            }
            let present = encLength > 0 || maskedLength > 0
            let hash = number == .two && present && hash2.contains(where: { $0 != 0 }) ? hash2 : nil
            tracks.append(EncryptedTrack(track: number, status: present ? .read : .absent, unencrypted: masked, hash: hash))
        }
        let wipeAll = { tracks.forEach { $0.unencrypted?.wipe() } }

        let mpLength = Int(r[348]), mpClear = Int(r[855])
        guard mpLength <= Self.magnePrintFieldLength, mpLength % 8 == 0, mpClear <= mpLength else {
            wipeAll()
            return .failed(.unreadable)
        }
        let mpStatus = (0..<4).reduce(UInt32(0)) { $0 | UInt32(r[344 + $1]) << (8 * $1) }
        let magnePrint = mpLength > 0 || mpStatus != 0
            ? MagnePrint(status: mpStatus, ciphertext: bytes(349, mpLength), clearLength: mpClear) : nil

        let card: MaskedCard
        switch MaskedTrackView.card(track1: tracks[0].unencrypted, track2: tracks[1].unencrypted, policy: maskPolicy) {
        case .success(let c): card = c
        case .failure(let e): wipeAll(); return .failed(e)
        }
        // Encryption is on, so a bank card must come with ciphertext of track 1 or 2.
        guard blocks.contains(where: { $0.tracks.contains(.one) || $0.tracks.contains(.two) }) else {
            wipeAll()
            return .failed(.unreadable)
        }

        let session = bytes(844, 8)
        var counter: UInt32?
        var version: String?
        if r.count >= 887 {
            // Byte order of the counter is not stated for the HID field; the Get Encryption Counter
            // command (0x1C) answers little-endian, so that is assumed here.
            counter = UInt32(r[856]) | UInt32(r[857]) << 8 | UInt32(r[858]) << 16
            version = Self.ascii(bytes(859, 8))
        }
        let scheme = EncryptionScheme(cipher: .tdes, keyManagement: .dukpt,
                                      variant: status.contains(.dataVariantForTracks) ? .data : .pin,
                                      variantDeclared: status.contains(.dataVariantForTracks))
        return .encryptedSwipe(EncryptedSwipe(
            driverName: Self.driverName, card: card, tracks: tracks, blocks: blocks, ksn: ksn, scheme: scheme,
            deviceSerial: Self.ascii(bytes(477, 16)), magnePrint: magnePrint,
            encryptedSessionID: session.contains(where: { $0 != 0 }) ? session : nil,
            cardEncodeType: r[6], encryptionCounter: counter, readerVersion: version))
    }

    /// A NUL-terminated ASCII field: nil when empty, hex when not printable.
    static func ascii(_ field: [UInt8]) -> String? {
        let text = field.prefix { $0 != 0 }
        guard !text.isEmpty else { return nil }
        if text.allSatisfy({ (0x20...0x7E).contains($0) }) {
            let s = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return s.isEmpty ? nil : s
        }
        return text.map { String(format: "%02X", $0) }.joined()
    }
}

extension MagneSafeHIDDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.cardReader
    public static let models = [DeviceModel(vendorID: 0x0801, productID: 0x0011, name: "MagTek MagneSafe (encrypting)")]
    /// One report per swipe; the transfer is sized to the longest report of the family.
    public static let setup = DriverSetup.cardReader(reportLength: reportLengths.max() ?? 887, idleFlush: false,
                                                     decoder: { MagneSafeHIDDecoder() })
    public static let emulation = DriverEmulation.encryptedReports
}
