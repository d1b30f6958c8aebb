import Foundation

/// How many leading PAN digits an encrypting reader leaves clear in its masked tracks.
///
/// A mask character like `*` (ID TECH default) shows where the clear digits end, but MagTek's
/// default masks with `0` and may change one of them so the masked PAN passes Luhn (property
/// 0x07 `04040Y`), so the masked bytes alone cannot tell which leading digits are real. The
/// masked view therefore trusts at most this many leading digits (and never more than 6), and
/// always stops at the first non-digit.
public struct MaskedPANPolicy: Sendable, Hashable {
    public let leadingClearDigits: Int

    public init(leadingClearDigits: Int) {
        self.leadingClearDigits = min(max(leadingClearDigits, 0), 6)
    }

    /// MagTek factory setting `04040Y`: first 4 and last 4 clear, `0` mask, Mod-10 correction.
    public static let magTekDefault = MaskedPANPolicy(leadingClearDigits: 4)
    /// ID TECH masks with `*`, so the digits before the first `*` (up to 6) are the clear ones.
    public static let idTechDefault = MaskedPANPolicy(leadingClearDigits: 6)
}

/// Builds the masked view of an encrypted swipe from the reader's masked tracks 1 and 2.
///
/// The tracks go through `TrackParser` (positional parsing, mask characters accepted) but never
/// through `CardSwipe.assemble`: nothing here is treated as a clear PAN. `first6` holds the
/// digits the policy trusts, padded with `*` (e.g. `5452**`), so `maskedPAN` reads
/// `5452********7189`.
enum MaskedTrackView {
    static func card(track1: SensitiveBytes?, track2: SensitiveBytes?,
                     policy: MaskedPANPolicy) -> Result<MaskedCard, CardReadError> {
        var pans: [SensitiveBytes] = []
        var name: CardholderName?
        var expiry1: CardExpiry?, expiry2: CardExpiry?
        var notPayment = false
        var parsedTracks: [ParsedTrack] = []
        defer { parsedTracks.forEach { $0.wipe() } }

        for (number, data) in [(TrackNumber.one, track1), (.two, track2)] {
            guard let data, data.count > 0, case .success(let t) = TrackParser.parse(data, track: number) else { continue }
            parsedTracks.append(t)
            switch t.content {
            case .financial, .masked:
                guard let pan = t.pan else { continue }
                pans.append(pan)
                if number == .one { name = t.name; expiry1 = t.expiry } else { expiry2 = t.expiry }
            case .aamva, .other:
                notPayment = true
            case .unparsed:
                continue
            }
        }
        guard let pan = pans.first else { return .failure(notPayment ? .notAPaymentCard : .unreadable) }
        // Both tracks carry the same masked PAN; a difference means a misread or tampering.
        if pans.count == 2, !pans[0].constantTimeEquals(pans[1]) { return .failure(.unreadable) }

        let parts: (first: String, last: String, brand: CardBrand, count: Int)? = pan.withUnsafeBytes { b in
            guard (12...19).contains(b.count) else { return nil }
            let tail = UnsafeRawBufferPointer(rebasing: b[(b.count - 4)...])
            guard tail.allSatisfy(isTrackDigit) else { return nil }
            var run = 0
            while run < b.count - 4, isTrackDigit(b[run]) { run += 1 }
            let shown = min(run, policy.leadingClearDigits, 6)
            var prefix = [UInt8](UnsafeRawBufferPointer(rebasing: b[0..<shown]))
            defer { for i in prefix.indices { prefix[i] = 0 } }
            let brand = brand(leadingDigits: prefix)
            let first = String(decoding: prefix, as: UTF8.self) + String(repeating: "*", count: 6 - shown)
            return (first, String(decoding: tail, as: UTF8.self), brand, b.count)
        }
        guard let parts else { return .failure(.unreadable) }
        return .success(MaskedCard(brand: parts.brand, first6: parts.first, last4: parts.last, panLength: parts.count,
                                   expiry: expiry2 ?? expiry1, cardholderName: name))
    }

    /// Brand from however many leading digits are known: fewer than six are padded with zeros,
    /// which is exact for every rule that looks at 4 digits or fewer.
    static func brand(leadingDigits d: [UInt8]) -> CardBrand {
        if d.count == 1 { return d[0] == 0x34 ? .visa : .unknown }
        guard d.count >= 2 else { return .unknown }
        let padded = d + [UInt8](repeating: 0x30, count: max(0, 6 - d.count))
        return padded.withUnsafeBytes { CardBrand.detect(panDigits: $0) }
    }
}
