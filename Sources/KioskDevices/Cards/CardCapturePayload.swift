import Foundation

/// The plaintext the sealer encrypts for a card capture: a small JSON object the back office
/// reads after opening the envelope (docs/SEALING.md lists its fields).
///
/// Clear track data is written straight into a zeroizing `SensitiveBytes` by a two-pass writer
/// (count, then fill), so no `String`, `Array` or `Data` copy of a track exists on the way to
/// the sealer. The caller seals the result inside `withUnsafeBytes` and lets it go (or wipes it).
public enum CardCapturePayload {
    /// `source: "reader_clear"`: tracks as read from a non-encrypting reader.
    public static func plaintext(_ swipe: CardSwipe) -> SensitiveBytes {
        build { w in
            w.raw(#"{"format":"kioskpay-card","version":1,"source":"reader_clear","driver":"#)
            w.string(swipe.driverName)
            for (name, track) in [("track1", swipe.track1), ("track2", swipe.track2), ("track3", swipe.track3)] {
                guard let track else { continue }
                w.raw(",\"\(name)\":")
                track.withUnsafeBytes { w.string($0) }
            }
            w.raw(",\"luhn_valid\":\(swipe.flags.luhnValid),\"lrc_checked\":\(swipe.flags.lrcChecked)")
            w.masked(swipe.card)
            w.raw("}")
        }
    }

    /// `source: "reader_encrypted"`: the reader's own ciphertext, KSN and masked copies,
    /// forwarded without decryption. Unencrypted copies are included because only the reader's
    /// configuration decides how much they mask; inside the sealed capture that is harmless.
    public static func plaintext(_ swipe: EncryptedSwipe) -> SensitiveBytes {
        build { w in
            w.raw(#"{"format":"kioskpay-card","version":1,"source":"reader_encrypted","driver":"#)
            w.string(swipe.driverName)
            w.raw(",\"scheme\":{\"cipher\":\"\(swipe.scheme.cipher.rawValue)\",\"key_management\":")
            w.string(swipe.scheme.keyManagement.rawValue)
            w.raw(",\"variant\":\"\(swipe.scheme.variant == .pin ? "pin" : "data")\",\"variant_declared\":\(swipe.scheme.variantDeclared)}")
            w.raw(",\"ksn\":\"\(swipe.ksn.hex)\"")
            if let serial = swipe.deviceSerial { w.raw(",\"reader_serial\":"); w.string(serial) }
            w.raw(",\"card_encode_type\":\(swipe.cardEncodeType)")
            w.raw(",\"blocks\":[")
            for (i, block) in swipe.blocks.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"tracks\":\(block.tracks.map(\.rawValue)),\"clear_lengths\":\(block.clearLengths),\"ciphertext\":\"\(hex(block.ciphertext))\"}")
            }
            w.raw("],\"tracks\":[")
            for (i, track) in swipe.tracks.enumerated() {
                if i > 0 { w.raw(",") }
                w.raw("{\"track\":\(track.track.rawValue),\"status\":\"\(track.status.rawValue)\"")
                if let copy = track.unencrypted { w.raw(",\"unencrypted\":"); copy.withUnsafeBytes { w.string($0) } }
                if let hash = track.hash { w.raw(",\"sha1\":\"\(hex(hash))\"") }
                w.raw("}")
            }
            w.raw("]")
            if let mp = swipe.magnePrint {
                w.raw(",\"magneprint\":{\"status\":\(mp.status),\"clear_length\":\(mp.clearLength),\"ciphertext\":\"\(hex(mp.ciphertext))\"}")
            }
            if let session = swipe.encryptedSessionID { w.raw(",\"encrypted_session_id\":\"\(hex(session))\"") }
            if let counter = swipe.encryptionCounter { w.raw(",\"encryption_counter\":\(counter)") }
            w.masked(swipe.card)
            w.raw("}")
        }
    }

    private static func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02X", $0) }.joined() }

    private static func build(_ body: (inout Writer) -> Void) -> SensitiveBytes {
        var counter = Writer(out: nil)
        body(&counter)
        return SensitiveBytes(count: counter.count) { buffer in
            var writer = Writer(out: buffer)
            body(&writer)
        }
    }

    /// Counts (out == nil) or writes JSON bytes. Strings are escaped per RFC 8259.
    private struct Writer {
        let out: UnsafeMutableRawBufferPointer?
        var count = 0

        mutating func byte(_ b: UInt8) {
            if let out, count < out.count { out[count] = b }
            count += 1
        }

        mutating func raw(_ text: String) { for b in text.utf8 { byte(b) } }

        mutating func string(_ text: String) {
            var copy = text
            copy.withUTF8 { string(UnsafeRawBufferPointer($0)) }
        }

        mutating func string(_ bytes: UnsafeRawBufferPointer) {
            byte(0x22)
            for b in bytes {
                switch b {
                case 0x22, 0x5C: byte(0x5C); byte(b)
                case 0x20..<0x7F: byte(b)
                default:
                    // Control or non-ASCII bytes (track data is ASCII; anything else is escaped
                    // byte-wise so the JSON stays valid and lossless).
                    let digits = Array("0123456789abcdef".utf8)
                    for c in [0x5C, 0x75, 0x30, 0x30, digits[Int(b >> 4)], digits[Int(b & 0xF)]] as [UInt8] { byte(c) }
                }
            }
            byte(0x22)
        }

        mutating func masked(_ card: MaskedCard) {
            raw(",\"masked\":{\"first6\":\"\(card.first6)\",\"last4\":\"\(card.last4)\",\"brand\":\"\(card.brand.rawValue)\"")
            if let expiry = card.expiry { raw(",\"expiry\":\"\(String(format: "%04d-%02d", expiry.year, expiry.month))\"") }
            if let name = card.cardholderName?.displayName { raw(",\"name\":"); string(name) }
            raw("}")
        }
    }
}
