import Foundation

/// What a driver's framing layer found for one track, before parsing.
public enum TrackInput: Sendable {
    /// Nothing on the track (blank, or the reader sends nothing for it).
    case absent
    /// The reader saw data but could not decode it (HID status bit, or `E` marker).
    case readerError
    /// The track as delivered (SS … ES [+ LRC]) in clear.
    case data(SensitiveBytes)
}

/// What a decoder reports when a swipe completes.
public enum CardReaderEvent: Sendable, CustomStringConvertible {
    /// Clear tracks from a non-encrypting reader, parsed and checked.
    case swipe(CardSwipe)
    /// Ciphertext, KSN and masked view from an encrypting reader; never decrypted here.
    case encryptedSwipe(EncryptedSwipe)
    case failed(CardReadError)

    public var description: String {
        switch self {
        case .swipe(let s): return "swipe: \(s)"
        case .encryptedSwipe(let s): return "encrypted swipe: \(s)"
        case .failed(let e): return "failed: \(e)"
        }
    }
}

/// A decoder turns a reader's input reports into swipe events. One conforming type per reader
/// family; the daemon picks it by USB identity / report descriptor and feeds it every input
/// report in order from one task. Decoders are pure (no I/O, no clock): the transport calls
/// `flush()` when it has seen no report for the idle gap.
///
/// Adding a clear-text reader is one more file: unwrap its report, produce a `TrackInput` per
/// track, and hand them to `CardSwipe.assemble`, which does parsing, cross-track checks and
/// masking the same way for everyone. Encrypting readers (MagTek MagneSafe V5, ID TECH
/// SecureMag) never decrypt: they report `.encryptedSwipe` with the reader's ciphertext, KSN and
/// masked view, and their masked copies are never passed to `assemble` as clear data.
public protocol CardReaderDecoder: Sendable {
    /// Stable name for configuration and logs, e.g. "keyboard-wedge", "magtek-hid".
    static var driverName: String { get }
    /// Feeds one input report; returns an event when it completes a swipe.
    mutating func consume(report: [UInt8]) -> CardReaderEvent?
    /// The reader has been idle for the inter-character gap: finish a swipe in progress, if any.
    mutating func flush() -> CardReaderEvent?
    /// Drops (and wipes) any partial swipe, e.g. after a reader reconnect.
    mutating func reset()
}

extension CardReaderDecoder {
    /// Readers that deliver a whole swipe per report have nothing to flush.
    public mutating func flush() -> CardReaderEvent? { nil }
}

/// A completed swipe with a usable bank card. The clear parts are `SensitiveBytes` (zeroed when the
/// last reference goes, or by `wipe()`); everything else is the masked view. `description` and
/// `dump` show no card data.
public struct CardSwipe: Sendable, CustomStringConvertible, CustomReflectable {
    public struct Flags: Sendable, Hashable, CustomStringConvertible {
        /// Mod-10 check of the PAN. False for some vendor test cards; a quality flag, not an error.
        public var luhnValid: Bool
        /// Every track kept carried an LRC character and it matched. Most USB readers do not
        /// forward the LRC (they check it themselves), so false is normal.
        public var lrcChecked: Bool
        /// Tracks kept in this swipe.
        public var tracksRead: [TrackNumber]
        /// Tracks that had something on them but were dropped: reader error, malformed, bad LRC,
        /// or disagreeing with the other track.
        public var tracksFailed: [TrackNumber]

        public var description: String {
            "luhn \(luhnValid ? "ok" : "failed"), lrc \(lrcChecked ? "checked" : "not checked"), "
                + "read \(tracksRead.map(\.rawValue)), failed \(tracksFailed.map(\.rawValue))"
        }
    }

    public let driverName: String
    /// SS..ES of each kept track as read (LRC excluded, ISO start sentinel restored).
    public let track1: SensitiveBytes?
    public let track2: SensitiveBytes?
    public let track3: SensitiveBytes?
    /// Clear PAN digits.
    public let pan: SensitiveBytes
    /// Track 2 (else track 1) discretionary data, e.g. for a processor that wants it separately.
    public let discretionary: SensitiveBytes?
    public let card: MaskedCard
    public let serviceCode: ServiceCode?
    public let flags: Flags

    public var description: String {
        "CardSwipe(\(driverName), \(card), \(flags))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["driverName": driverName, "card": card, "flags": flags.description],
               displayStyle: .struct)
    }

    /// Zeroes every clear part now (the masked view stays).
    public func wipe() {
        track1?.wipe(); track2?.wipe(); track3?.wipe(); pan.wipe(); discretionary?.wipe()
    }

    /// Parses the tracks a driver found and decides the outcome of the swipe:
    ///
    /// * a track with a reader error, a parse error or a bad LRC is dropped;
    /// * track 1 (format B) and track 2 must agree on PAN and expiry when both are kept;
    /// * at least one financial track with a 12–19 digit PAN is needed for a swipe, otherwise
    ///   `.notAPaymentCard` when a readable non-bank track was seen, `.unsupported` when only
    ///   reader-masked data was seen, and `.unreadable` for everything else.
    public static func assemble(track1: TrackInput, track2: TrackInput, track3: TrackInput,
                                driverName: String) -> CardReaderEvent {
        var failed: [TrackNumber] = []
        var parsed: [TrackNumber: ParsedTrack] = [:]
        for (number, input) in [(TrackNumber.one, track1), (.two, track2), (.three, track3)] {
            switch input {
            case .absent:
                continue
            case .readerError:
                failed.append(number)
            case .data(let bytes):
                switch TrackParser.parse(bytes, track: number) {
                case .failure: failed.append(number)
                case .success(let t) where t.lrc == .mismatch: failed.append(number); t.wipe()
                case .success(let t): parsed[number] = t
                }
            }
        }

        let financial = [TrackNumber.one, .two].compactMap { n in parsed[n].flatMap { $0.content == .financial ? $0 : nil } }
        guard let first = financial.first, let pan = first.pan else {
            let contents = parsed.values.map(\.content)
            parsed.values.forEach { $0.wipe() }
            if contents.contains(.aamva) || contents.contains(.other) { return .failed(.notAPaymentCard) }
            if contents.contains(.masked) { return .failed(.unsupported) }
            return .failed(.unreadable)
        }
        let t1 = parsed[.one].flatMap { $0.content == .financial ? $0 : nil }
        let t2 = parsed[.two].flatMap { $0.content == .financial ? $0 : nil }
        if let a = t1, let b = t2 {
            let samePAN = a.pan.map { p in b.pan.map { p.constantTimeEquals($0) } ?? false } ?? false
            let sameExpiry = a.expiry == nil || b.expiry == nil || a.expiry == b.expiry
            if !samePAN || !sameExpiry {
                parsed.values.forEach { $0.wipe() }
                return .failed(.unreadable)
            }
        }
        let expiry = t2?.expiry ?? t1?.expiry
        guard let masked = MaskedCard(pan: pan, expiry: expiry, name: t1?.name) else {
            parsed.values.forEach { $0.wipe() }
            return .failed(.notAPaymentCard)
        }
        // Drop non-financial tracks 1/2 (e.g. proprietary track 1 next to a bank track 2).
        var kept: [TrackNumber: ParsedTrack] = [:]
        if let t1 { kept[.one] = t1 }
        if let t2 { kept[.two] = t2 }
        if let t3 = parsed[.three] { kept[.three] = t3 }
        for (n, t) in parsed where kept[n] == nil { t.wipe() }

        let flags = Flags(luhnValid: TrackParser.luhnValid(pan),
                          lrcChecked: kept.values.allSatisfy { $0.lrc == .valid },
                          tracksRead: kept.keys.sorted(),
                          tracksFailed: failed.sorted())
        return .swipe(CardSwipe(driverName: driverName, track1: kept[.one]?.raw, track2: kept[.two]?.raw,
                                track3: kept[.three]?.raw, pan: pan,
                                discretionary: (t2 ?? t1)?.discretionary,
                                card: masked, serviceCode: t2?.serviceCode ?? t1?.serviceCode, flags: flags))
    }
}
