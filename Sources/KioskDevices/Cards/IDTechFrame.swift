import Foundation

/// ID TECH SecureMag / SecureHead encrypted frame (card-readers.md §4.2–4.5):
///
///     STX 0x02 | length (2, little-endian) | card data … | CheckLRC | CheckSum | ETX 0x03
///
/// The length counts the card data, from the card encode type through the KSN. CheckLRC is the
/// XOR and CheckSum the 8-bit sum of the card data. The card encode type's high bit selects the
/// layout: clear = "original" (one ciphertext for tracks 1 and 2, track 3 in clear), set =
/// "enhanced" (fields 8 and 9 say which masked, encrypted and hash fields follow, each track
/// encrypted separately).
public enum IDTechFrameFormat: String, Sendable, Hashable {
    case original, enhanced
}

enum IDTechFrame {
    static let stx: UInt8 = 0x02, etx: UInt8 = 0x03
    /// STX, two length bytes; CheckLRC, CheckSum, ETX.
    static let overhead = 6

    /// Total frame size announced by the first three bytes, or nil before they are there.
    static func announcedLength(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= 3 else { return nil }
        return (Int(b[1]) | Int(b[2]) << 8) + overhead
    }

    /// Parses one complete frame (exactly its announced length).
    static func decode(_ frame: UnsafeRawBufferPointer, policy: MaskedPANPolicy,
                       driverName: String) -> (IDTechFrameFormat?, CardReaderEvent) {
        guard frame.count >= overhead + 5, frame[0] == stx, frame[frame.count - 1] == etx,
              announcedLength(frame) == frame.count else { return (nil, .failed(.unreadable)) }
        let data = UnsafeRawBufferPointer(rebasing: frame[3..<frame.count - 3])
        var lrc: UInt8 = 0, sum: UInt8 = 0
        for c in data { lrc ^= c; sum &+= c }
        guard lrc == frame[frame.count - 3], sum == frame[frame.count - 2] else { return (nil, .failed(.unreadable)) }

        let type = data[0]
        let format: IDTechFrameFormat = type & 0x80 != 0 ? .enhanced : .original
        switch type & 0x7F {
        case 0x00, 0x03: break                                   // ISO/ABA, other: the tracks decide
        case 0x01: return (format, .failed(.notAPaymentCard))     // AAMVA
        case 0x04: return (format, .failed(.unsupported))         // raw mode: no masked data to show
        default: return (format, .failed(.unreadable))
        }
        guard var fields = format == .enhanced ? enhanced(data) : original(data) else {
            return (format, .failed(.unreadable))
        }
        defer { fields.unencrypted.forEach { $0?.wipe() } }

        let status = data[1]
        var tracks: [EncryptedTrack] = []
        for t in 0..<3 {
            let sampled = status & (0x08 << t) != 0, decoded = status & (0x01 << t) != 0
            let state: EncryptedTrack.Status = sampled && !decoded ? .readerError : (fields.lengths[t] > 0 ? .read : .absent)
            tracks.append(EncryptedTrack(track: TrackNumber.allCases[t], status: state,
                                         unencrypted: state == .read ? fields.unencrypted[t] : nil,
                                         hash: state == .read ? fields.hashes[t] : nil))
        }
        // Only tracks 1 and 2 carry a bank card; track 3 alone cannot be paid with.
        guard tracks[0].status == .read || tracks[1].status == .read else { return (format, .failed(.unreadable)) }
        if tracks[0].unencrypted == nil && tracks[1].unencrypted == nil {
            // Tracks forced to ciphertext only: nothing the kiosk may show. A setting to change.
            return (format, .failed(.unsupported))
        }
        let card: MaskedCard
        switch MaskedTrackView.card(track1: tracks[0].unencrypted, track2: tracks[1].unencrypted, policy: policy) {
        case .success(let c): card = c
        case .failure(let e): return (format, .failed(e))
        }
        // A bank card read but no ciphertext of it: the reader is sending card data unencrypted.
        guard fields.blocks.contains(where: { $0.tracks.contains(.one) || $0.tracks.contains(.two) }) else {
            return (format, .failed(.readerNeedsService(.encryptionDisabled)))
        }
        guard let ksn = fields.ksn, !ksn.isZero else { return (format, .failed(.readerNeedsService(.noEncryptionKeys))) }
        fields.unencrypted = [nil, nil, nil]    // handed over to the swipe: not wiped here
        return (format, .encryptedSwipe(EncryptedSwipe(
            driverName: driverName, card: card, tracks: tracks, blocks: fields.blocks, ksn: ksn, scheme: fields.scheme,
            deviceSerial: fields.serial.flatMap(serialString), magnePrint: nil, encryptedSessionID: fields.session,
            cardEncodeType: type, chipCardHint: fields.chipCardHint)))
    }

    struct Fields {
        var lengths: [Int]
        var unencrypted: [SensitiveBytes?] = [nil, nil, nil]
        var hashes: [[UInt8]?] = [nil, nil, nil]
        var blocks: [EncryptedBlock] = []
        var session: [UInt8]?
        var serial: [UInt8]?
        var ksn: KeySerialNumber?
        var scheme = EncryptionScheme(cipher: .tdes, keyManagement: .dukpt, variant: .data, variantDeclared: false)
        var chipCardHint: Bool?
    }

    /// Reads fields front to back; every take is bounds-checked.
    struct Cursor {
        let data: UnsafeRawBufferPointer
        var position: Int
        var remaining: Int { data.count - position }
        mutating func take(_ n: Int) -> UnsafeRawBufferPointer? {
            guard n >= 0, n <= remaining else { return nil }
            defer { position += n }
            return UnsafeRawBufferPointer(rebasing: data[position..<position + n])
        }
    }

    static func roundUp(_ n: Int, _ block: Int) -> Int { (n + block - 1) / block * block }

    /// Original layout: T1 masked, T2 masked, T3 clear, one ciphertext of T1‖T2, [session ID],
    /// [T1 hash], [T2 hash], KSN. Nothing in the frame says which optional fields are there or
    /// whether the cipher is AES, so the sizes are solved from the length: TDES before AES, no
    /// session ID before one, as many hashes as fit. A single hash is taken as track 1's (track 2's
    /// when track 1 is empty), following the hash-option bits' order.
    static func original(_ d: UnsafeRawBufferPointer) -> Fields? {
        let lengths = [Int(d[2]), Int(d[3]), Int(d[4])]
        var f = Fields(lengths: lengths)
        var c = Cursor(data: d, position: 5)
        for t in 0..<3 where lengths[t] > 0 {
            guard let b = c.take(lengths[t]) else { return nil }
            f.unencrypted[t] = SensitiveBytes(copying: b)
        }
        let clear12 = lengths[0] + lengths[1]
        var solved: (EncryptionScheme.Cipher, Int, Int)?
        search: for cipher in [EncryptionScheme.Cipher.tdes, .aes] {
            let enc = roundUp(clear12, cipher == .tdes ? 8 : 16)
            for session in [0, 8] {
                for hashes in [40, 20, 0] where enc + session + hashes + 10 == c.remaining {
                    solved = (cipher, session, hashes)
                    break search
                }
            }
        }
        guard let (cipher, session, hashCount) = solved else { f.unencrypted.forEach { $0?.wipe() }; return nil }
        f.scheme.cipher = cipher
        if clear12 > 0, let ct = c.take(roundUp(clear12, f.scheme.blockSize)) {
            let covered = [TrackNumber.one, .two].filter { lengths[$0.rawValue - 1] > 0 }
            f.blocks = [EncryptedBlock(tracks: covered, clearLengths: covered.map { lengths[$0.rawValue - 1] },
                                       ciphertext: Array(ct))]
        }
        if session > 0 { f.session = c.take(session).map(Array.init) }
        if hashCount == 40 {
            f.hashes[0] = c.take(20).map(Array.init)
            f.hashes[1] = c.take(20).map(Array.init)
        } else if hashCount == 20 {
            f.hashes[lengths[0] > 0 ? 0 : 1] = c.take(20).map(Array.init)
        }
        f.ksn = c.take(10).flatMap { KeySerialNumber(Array($0)) }
        return f
    }

    /// Enhanced layout, driven by field 8 (clear/masked data sent, key flags, serial number) and
    /// field 9 (ciphertext, hashes, session ID, KSN sent). Field 8 bits 3–7 are "reserved" on
    /// older heads (then zero, which reads as the defaults: DUKPT, TDES, Data Key, no serial).
    static func enhanced(_ d: UnsafeRawBufferPointer) -> Fields? {
        guard d.count >= 7 else { return nil }
        let lengths = [Int(d[2]), Int(d[3]), Int(d[4])]
        let f8 = d[5], f9 = d[6]
        var f = Fields(lengths: lengths)
        f.scheme = EncryptionScheme(cipher: f8 & 0x10 != 0 ? .aes : .tdes,
                                    keyManagement: f8 & 0x08 != 0 ? .fixedKey : .dukpt,
                                    variant: f8 & 0x40 != 0 ? .pin : .data, variantDeclared: f8 & 0x40 != 0)
        f.chipCardHint = f8 & 0x20 != 0
        var c = Cursor(data: d, position: 7)
        let ok: Bool = {
            for t in 0..<3 where f8 & (1 << t) != 0 {
                guard let b = c.take(lengths[t]) else { return false }
                f.unencrypted[t] = lengths[t] > 0 ? SensitiveBytes(copying: b) : nil
            }
            for t in 0..<3 where f9 & (1 << t) != 0 {
                guard let b = c.take(roundUp(lengths[t], f.scheme.blockSize)) else { return false }
                if lengths[t] > 0 {
                    f.blocks.append(EncryptedBlock(tracks: [TrackNumber.allCases[t]], clearLengths: [lengths[t]],
                                                   ciphertext: Array(b)))
                }
            }
            // Session ID: 8 bytes under TDES; assumed padded to one 16-byte block under AES.
            if f9 & 0x40 != 0 {
                guard let b = c.take(f.scheme.blockSize) else { return false }
                f.session = Array(b)
            }
            for t in 0..<3 where f9 & (0x08 << t) != 0 {
                guard let b = c.take(20) else { return false }
                f.hashes[t] = Array(b)
            }
            if f8 & 0x80 != 0 {
                guard let b = c.take(10) else { return false }
                f.serial = Array(b)
            }
            if f9 & 0x80 != 0 {
                guard let b = c.take(10) else { return false }
                f.ksn = KeySerialNumber(Array(b))
            }
            return c.remaining == 0
        }()
        guard ok else { f.unencrypted.forEach { $0?.wipe() }; return nil }
        return f
    }

    /// The 10-byte serial field: ASCII (left-padded with '0' per UniMag II) or hex otherwise.
    static func serialString(_ b: [UInt8]) -> String? {
        MagneSafeHIDDecoder.ascii(b)
    }
}
