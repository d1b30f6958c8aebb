import Foundation

/// Why a card read failed, in words a customer at the kiosk can act on. No case carries card data.
public enum CardReadError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// Nothing usable was read: reader error markers, noise, malformed or inconsistent tracks, bad LRC.
    case unreadable
    /// The stripe was read but holds no bank card (driver licence, loyalty, hotel key…).
    case notAPaymentCard
    /// The reader or the data format is one this daemon cannot take payments from (for example an
    /// encrypting reader without its driver, or masked-only data).
    case unsupported
    /// An encrypting reader cannot take cards until a technician sees to it (no keys, keys used
    /// up, encryption off, internal fault). Swiping again will not help.
    case readerNeedsService(ReaderServiceReason)

    public var description: String {
        switch self {
        case .unreadable: return "the card could not be read, please swipe again"
        case .notAPaymentCard: return "this card is not a payment card, please use a credit or debit card"
        case .unsupported: return "this card reader or card format is not supported, please ask for help"
        case .readerNeedsService(let reason): return reason.sentence
        }
    }

    public var errorDescription: String? { description }
}

/// Track number on the stripe.
public enum TrackNumber: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case one = 1, two = 2, three = 3
    public static func < (a: TrackNumber, b: TrackNumber) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "track \(rawValue)" }

    /// Maximum characters delivered for the track, sentinels and LRC included (ISO 7811).
    public var maxLength: Int {
        switch self {
        case .one: return 79
        case .two: return 40
        case .three: return 107
        }
    }
}

/// A field of a financial track, named in errors (never with its content).
public enum TrackField: String, Sendable, Hashable {
    case formatCode = "format code"
    case pan = "account number"
    case name = "cardholder name"
    case expiry = "expiry date"
    case serviceCode = "service code"
    case discretionaryData = "discretionary data"
}

/// Why one track did not parse. Descriptions name positions and fields, never content.
public enum TrackParseError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    /// The reader marked the track as read with errors (`%E?`, `;E?`, `+E?`, HID status bit).
    case readerReportedError
    case missingStartSentinel
    case missingEndSentinel
    /// More than one character (the LRC) after the end sentinel.
    case dataAfterLRC
    case tooLong(limit: Int)
    /// A character outside the track's character set at this offset.
    case invalidCharacter(offset: Int)
    case malformed(TrackField)

    public var description: String {
        switch self {
        case .empty: return "the track is empty"
        case .readerReportedError: return "the reader reported a read error on the track"
        case .missingStartSentinel: return "the track does not begin with a start sentinel"
        case .missingEndSentinel: return "the track has no end sentinel"
        case .dataAfterLRC: return "the track has data after its end sentinel and LRC"
        case .tooLong(let limit): return "the track is longer than \(limit) characters"
        case .invalidCharacter(let offset): return "the track has an invalid character at offset \(offset)"
        case .malformed(let field): return "the track's \(field.rawValue) is malformed"
        }
    }

    /// What to tell the customer.
    public var cardReadError: CardReadError { .unreadable }
}

/// Result of the LRC check of one track.
public enum LRCStatus: Sendable, Hashable {
    /// The reader did not forward an LRC character (the usual case for USB readers).
    case absent
    case valid
    case mismatch
    /// The LRC character was masked by the reader (`*`).
    case masked
}

/// What a track that parsed holds.
public enum TrackContent: Sendable, Hashable {
    /// ISO 7813 bank-card layout with a clear PAN.
    case financial
    /// A reader-masked copy (mask characters in the PAN or format code). Never a usable PAN.
    case masked
    /// AAMVA driver licence / ID card.
    case aamva
    /// Readable, but not a bank-card layout (format code other than `B`, no field separator,
    /// 7-bit data on track 2).
    case other
    /// Track 3: kept raw, not split into fields.
    case unparsed
}

/// One parsed track. Clear parts are `SensitiveBytes`; `description` and `dump` show no card data.
public struct ParsedTrack: Sendable, CustomStringConvertible, CustomReflectable {
    public let track: TrackNumber
    public let content: TrackContent
    /// SS..ES as read, LRC excluded, with the ISO start sentinel restored (`+` → `;`) and track 1
    /// upper-cased.
    public let raw: SensitiveBytes
    /// Track 1 format code (`B` for bank cards), nil for tracks 2 and 3 or when masked.
    public let formatCode: UInt8?
    public let pan: SensitiveBytes?
    public let name: CardholderName?
    public let expiry: CardExpiry?
    public let serviceCode: ServiceCode?
    public let discretionary: SensitiveBytes?
    public let lrc: LRCStatus
    /// Mod-10 check of the PAN: a quality flag, not an error (vendor test cards fail it). Nil
    /// without a clear PAN.
    public let luhnValid: Bool?

    public var description: String {
        "ParsedTrack(\(track), \(content), \(raw.count) bytes, lrc \(lrc), luhn \(luhnValid.map { "\($0)" } ?? "n/a"))"
    }

    public var customMirror: Mirror {
        Mirror(self, children: ["track": track, "content": content, "bytes": raw.count, "lrc": lrc,
                                "luhnValid": luhnValid as Any], displayStyle: .struct)
    }

    /// Zeroes every clear part now.
    public func wipe() {
        raw.wipe(); pan?.wipe(); discretionary?.wipe()
    }
}

/// ISO 7811/7813 track parser. Works on bytes, positionally (absent expiry or service code is
/// signalled by an early separator, so no greedy pattern matching), and never builds a `String` of
/// clear track data.
public enum TrackParser {
    static let percent: UInt8 = 0x25, semicolon: UInt8 = 0x3B, question: UInt8 = 0x3F
    static let caret: UInt8 = 0x5E, equals: UInt8 = 0x3D, star: UInt8 = 0x2A, plus: UInt8 = 0x2B
    static let upperE: UInt8 = 0x45, lowerE: UInt8 = 0x65

    /// Parses one track as delivered (SS … ES, optionally followed by one LRC character).
    public static func parse(_ data: SensitiveBytes, track: TrackNumber) -> Result<ParsedTrack, TrackParseError> {
        data.withUnsafeBytes { parse(bytes: $0, track: track) }
    }

    /// Parses one track from a raw buffer the caller owns (and wipes).
    public static func parse(bytes b: UnsafeRawBufferPointer, track: TrackNumber) -> Result<ParsedTrack, TrackParseError> {
        guard !b.isEmpty else { return .failure(.empty) }
        switch track {
        case .one: return parseTrack1(b)
        case .two, .three: return parseNumericTrack(b, track: track)
        }
    }

    /// Convenience for tests and tools: parses the UTF-8 bytes of `text`. Prefer the byte forms for
    /// real card data — a `String` cannot be wiped.
    public static func parse(_ text: String, track: TrackNumber) -> Result<ParsedTrack, TrackParseError> {
        var bytes = Array(text.utf8)
        defer { bytes.withUnsafeMutableBytes { SensitiveBytes.zero($0.baseAddress!, count: $0.count) } }
        if bytes.isEmpty { return .failure(.empty) }
        return bytes.withUnsafeBytes { parse(bytes: $0, track: track) }
    }

    // MARK: - Checks

    /// Mod-10 (Luhn) check over ASCII digits; false for anything that is not 1+ digits.
    public static func luhnValid(_ digits: UnsafeRawBufferPointer) -> Bool {
        guard !digits.isEmpty else { return false }
        var sum = 0
        var double = false
        for c in digits.reversed() {
            guard isTrackDigit(c) else { return false }
            var d = Int(c - 0x30)
            if double { d *= 2; if d > 9 { d -= 9 } }
            sum += d
            double.toggle()
        }
        return sum % 10 == 0
    }

    public static func luhnValid(_ pan: SensitiveBytes) -> Bool { pan.withUnsafeBytes { luhnValid($0) } }

    /// The LRC character for `chars` (SS through ES): XOR of the characters' data bits, as a
    /// character of the same set. `sixBit` for track 1 (and other 7-bit tracks), else 4-bit.
    public static func lrcCharacter(for chars: UnsafeRawBufferPointer, sixBit: Bool) -> UInt8 {
        var x: UInt8 = 0
        if sixBit {
            for c in chars { x ^= (c &- 0x20) & 0x3F }
            return x + 0x20
        } else {
            for c in chars { x ^= (c &- 0x30) & 0x0F }
            return x + 0x30
        }
    }

    // MARK: - Shared framing

    private struct Frame {
        var endSentinel: Int          // index of ES in the delivered bytes
        var lrc: UInt8?               // delivered LRC character, if any
    }

    private static func frame(_ b: UnsafeRawBufferPointer, limit: Int) -> Result<Frame, TrackParseError> {
        guard b.count <= limit else { return .failure(.tooLong(limit: limit)) }
        guard let es = b.indices.dropFirst().first(where: { b[$0] == question }) else {
            return .failure(.missingEndSentinel)
        }
        let after = b.count - es - 1
        guard after <= 1 else { return .failure(.dataAfterLRC) }
        return .success(Frame(endSentinel: es, lrc: after == 1 ? b[es + 1] : nil))
    }

    private static func isErrorMarker(_ b: UnsafeRawBufferPointer, _ f: Frame) -> Bool {
        f.endSentinel == 2 && (b[1] == upperE || b[1] == lowerE)
    }

    /// Copies SS..ES, replacing the start sentinel and upper-casing if asked.
    private static func normalisedCopy(_ b: UnsafeRawBufferPointer, _ f: Frame, sentinel: UInt8, upperCase: Bool) -> SensitiveBytes {
        SensitiveBytes(count: f.endSentinel + 1) { out in
            out.copyMemory(from: UnsafeRawBufferPointer(rebasing: b[0...f.endSentinel]))
            out[0] = sentinel
            if upperCase {
                for i in 0..<out.count where out[i] >= 0x61 && out[i] <= 0x7A { out[i] -= 0x20 }
            }
        }
    }

    private static func lrcStatus(_ raw: UnsafeRawBufferPointer, delivered: UInt8?, sixBit: Bool, masked: Bool) -> LRCStatus {
        guard var c = delivered else { return .absent }
        if c == star && masked { return .masked }
        if sixBit, c >= 0x61 && c <= 0x7A { c -= 0x20 }
        return lrcCharacter(for: raw, sixBit: sixBit) == c ? .valid : .mismatch
    }

    // MARK: - Track 1 (format B)

    private static func parseTrack1(_ b: UnsafeRawBufferPointer) -> Result<ParsedTrack, TrackParseError> {
        guard b[0] == percent else { return .failure(.missingStartSentinel) }
        let f: Frame
        switch frame(b, limit: TrackNumber.one.maxLength) {
        case .failure(let e): return .failure(e)
        case .success(let v): f = v
        }
        if isErrorMarker(b, f) { return .failure(.readerReportedError) }
        let raw = normalisedCopy(b, f, sentinel: percent, upperCase: true)
        return raw.withUnsafeBytes { r in
            let es = f.endSentinel
            for i in 1..<es where r[i] < 0x20 || r[i] > 0x5F || r[i] == percent {
                return .failure(.invalidCharacter(offset: i))
            }
            guard es >= 2 else { return .failure(.malformed(.formatCode)) }
            let format = r[1]
            let maskedFormat = format == star
            guard format == 0x42 || maskedFormat else {   // "B"
                guard format >= 0x41 && format <= 0x5A else { return .failure(.malformed(.formatCode)) }
                return .success(ParsedTrack(track: .one, content: .other, raw: raw, formatCode: format, pan: nil,
                                            name: nil, expiry: nil, serviceCode: nil, discretionary: nil,
                                            lrc: lrcStatus(r, delivered: f.lrc, sixBit: true, masked: false),
                                            luhnValid: nil))
            }
            return parseFinancialFields(r, raw: raw, track: .one, start: 2, end: es, separator: caret,
                                        maskedFormat: maskedFormat, formatCode: maskedFormat ? nil : format,
                                        deliveredLRC: f.lrc)
        }
    }

    // MARK: - Tracks 2 and 3

    private static func parseNumericTrack(_ b: UnsafeRawBufferPointer, track: TrackNumber) -> Result<ParsedTrack, TrackParseError> {
        // ISO sentinels: `;`, and `+` from MagTek keyboard output for track 3 (restored to `;`).
        // 7-bit data: `@` on track 2; `#`, `&`, `!` on track 3 (AAMVA, 7-bit, old CA DL).
        let ss = b[0]
        let sevenBit: Bool
        switch (track, ss) {
        case (_, semicolon), (.three, plus), (.two, plus): sevenBit = false
        case (.two, 0x40), (.three, 0x23), (.three, 0x26), (.three, 0x21): sevenBit = true
        default: return .failure(.missingStartSentinel)
        }
        let f: Frame
        switch frame(b, limit: track.maxLength) {
        case .failure(let e): return .failure(e)
        case .success(let v): f = v
        }
        if isErrorMarker(b, f) { return .failure(.readerReportedError) }
        let raw = normalisedCopy(b, f, sentinel: sevenBit ? ss : semicolon, upperCase: sevenBit)
        return raw.withUnsafeBytes { r in
            let es = f.endSentinel
            var masked = false
            for i in 1..<es {
                let c = r[i]
                let ok: Bool
                if sevenBit {
                    ok = c >= 0x20 && c <= 0x5F && c != percent
                } else if c == star {
                    masked = true; ok = true
                } else {
                    ok = c >= 0x30 && c <= 0x3F && c != semicolon
                }
                if !ok { return .failure(.invalidCharacter(offset: i)) }
            }
            if sevenBit || track == .three {
                // LRC of 7-bit data is computed with the card's own `%` sentinel.
                let lrc: LRCStatus
                if sevenBit, f.lrc != nil {
                    let copy = SensitiveBytes(count: r.count) { out in
                        out.copyMemory(from: r)
                        out[0] = percent
                    }
                    lrc = copy.withUnsafeBytes { lrcStatus($0, delivered: f.lrc, sixBit: true, masked: false) }
                    copy.wipe()
                } else {
                    lrc = lrcStatus(r, delivered: f.lrc, sixBit: false, masked: masked)
                }
                return .success(ParsedTrack(track: track, content: sevenBit ? .other : .unparsed, raw: raw,
                                            formatCode: nil, pan: nil, name: nil, expiry: nil, serviceCode: nil,
                                            discretionary: nil, lrc: lrc, luhnValid: nil))
            }
            guard es >= 2 else { return .failure(.malformed(.pan)) }
            return parseFinancialFields(r, raw: raw, track: track, start: 1, end: es, separator: equals,
                                        maskedFormat: false, formatCode: nil, deliveredLRC: f.lrc)
        }
    }

    // MARK: - Fields (both layouts)

    /// PAN, [name], expiry, service code, discretionary data, between `start` and the ES at `end`.
    private static func parseFinancialFields(_ r: UnsafeRawBufferPointer, raw: SensitiveBytes, track: TrackNumber,
                                             start: Int, end: Int, separator: UInt8, maskedFormat: Bool,
                                             formatCode: UInt8?, deliveredLRC: UInt8?) -> Result<ParsedTrack, TrackParseError> {
        func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: r[range]) }
        func next(_ from: Int) -> Int? { (from..<end).first { r[$0] == separator } }

        // PAN: 1–19 digits up to the first separator (mask characters allowed in masked copies).
        guard let panEnd = next(start) else {
            // Track 2 digits with no separator at all: readable, but not a bank-card layout.
            if track == .two, !maskedFormat, slice(start..<end).allSatisfy(isTrackDigit) {
                return .success(ParsedTrack(track: track, content: .other, raw: raw, formatCode: nil, pan: nil,
                                            name: nil, expiry: nil, serviceCode: nil, discretionary: nil,
                                            lrc: lrcStatus(r, delivered: deliveredLRC, sixBit: false, masked: false),
                                            luhnValid: nil))
            }
            return .failure(.malformed(.pan))
        }
        let panRange = start..<panEnd
        guard (1...19).contains(panRange.count) else { return .failure(.malformed(.pan)) }
        var masked = maskedFormat
        for i in panRange {
            if r[i] == star { masked = true } else if !isTrackDigit(r[i]) { return .failure(.malformed(.pan)) }
        }
        let sixBit = track == .one
        let lrc = lrcStatus(r, delivered: deliveredLRC, sixBit: sixBit, masked: masked)
        var pos = panEnd + 1

        // AAMVA driver licences on track 2: IIN 604425 or 636000–636062. Stop there.
        if track == .two, !masked, panRange.count >= 6 {
            var iin = 0
            for i in panRange.prefix(6) { iin = iin * 10 + Int(r[i] - 0x30) }
            if iin == 604425 || (636000...636062).contains(iin) {
                return .success(ParsedTrack(track: track, content: .aamva, raw: raw, formatCode: nil, pan: nil,
                                            name: nil, expiry: nil, serviceCode: nil, discretionary: nil,
                                            lrc: lrc, luhnValid: nil))
            }
        }

        // Name (track 1): up to the next separator, at most 26 characters.
        var name: CardholderName?
        if track == .one {
            guard let nameEnd = next(pos) else { return .failure(.malformed(.name)) }
            guard nameEnd - pos <= 26 else { return .failure(.malformed(.name)) }
            // The name is not secret in the way the PAN is; it becomes a String for MaskedCard.
            name = CardholderName(field: String(decoding: slice(pos..<nameEnd), as: UTF8.self))
            pos = nameEnd + 1
        }

        // Expiry and service code are read by one rule: a separator means absent, else a fixed
        // number of characters that must parse (a masked copy may hide them).
        func optionalField<Value>(
            _ field: TrackField, width: Int, _ parse: (UnsafeRawBufferPointer) -> Value?
        ) throws(TrackParseError) -> Value? {
            guard pos < end else { throw .malformed(field) }
            if r[pos] == separator {
                pos += 1
                return nil
            }
            guard pos + width <= end else { throw .malformed(field) }
            let value = parse(slice(pos..<pos + width))
            if value == nil && !masked { throw .malformed(field) }
            pos += width
            return value
        }
        let expiry: CardExpiry?
        let service: ServiceCode?
        do throws(TrackParseError) {
            expiry = try optionalField(.expiry, width: 4) { CardExpiry(yymm: $0) }      // YYMM
            service = try optionalField(.serviceCode, width: 3) { ServiceCode(ascii: $0) }  // 3 digits
        } catch {
            return .failure(error)
        }

        // Discretionary data: the rest (track 2: digits and the 4-bit control characters).
        if track == .two, !masked, (pos..<end).contains(where: { r[$0] == separator }) {
            return .failure(.malformed(.discretionaryData))
        }

        let pan = SensitiveBytes(copying: r, range: panRange)
        let disc = SensitiveBytes(copying: r, range: pos..<end)
        return .success(ParsedTrack(track: track, content: masked ? .masked : .financial, raw: raw,
                                    formatCode: formatCode, pan: pan, name: name, expiry: expiry,
                                    serviceCode: service, discretionary: disc, lrc: lrc,
                                    luhnValid: masked ? nil : luhnValid(pan)))
    }
}
