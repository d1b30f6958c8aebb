import Foundation

/// Card brand from the issuer identification number (leading PAN digits). Raw values match the
/// `brand` strings of `CardOnFile` in KioskCore.
public enum CardBrand: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case visa, mastercard, amex, discover, diners, jcb, unionpay, maestro, unknown

    public var description: String { rawValue }

    /// Brand for a PAN given as ASCII digits (only the first 6 are looked at).
    static func detect(panDigits b: UnsafeRawBufferPointer) -> CardBrand {
        func prefix(_ n: Int) -> Int {
            var v = 0
            for i in 0..<min(n, b.count) { v = v * 10 + Int(b[i] &- 0x30) }
            return v
        }
        guard b.count >= 6 else { return .unknown }
        let p1 = prefix(1), p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6)
        if p1 == 4 { return .visa }
        if (51...55).contains(p2) || (2221...2720).contains(p4) { return .mastercard }
        if p2 == 34 || p2 == 37 { return .amex }
        if p4 == 6011 || (644...649).contains(p3) || p2 == 65 || (622126...622925).contains(p6) { return .discover }
        if (3528...3589).contains(p4) { return .jcb }
        if (300...305).contains(p3) || p2 == 36 || p2 == 38 || p2 == 39 { return .diners }
        if p2 == 62 { return .unionpay }
        if p2 == 50 || (56...58).contains(p2) || p2 == 63 || p2 == 67 || p2 == 60 { return .maestro }
        return .unknown
    }
}

/// Card expiry month from the `YYMM` field. The stripe carries two year digits; this type reads
/// them as 20YY (a card expiring in 2100 does not exist yet). A card is valid through the last day
/// of its month.
public struct CardExpiry: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (2000...2099).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    /// From four ASCII digits `YYMM`; nil unless they are digits with a month 01–12.
    init?(yymm b: UnsafeRawBufferPointer) {
        guard b.count == 4, b.allSatisfy(isTrackDigit) else { return nil }
        let yy = Int(b[0] - 0x30) * 10 + Int(b[1] - 0x30)
        let mm = Int(b[2] - 0x30) * 10 + Int(b[3] - 0x30)
        self.init(year: 2000 + yy, month: mm)
    }

    /// `YYYY-MM`, the format used for cards on file.
    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)"
    }

    /// True when the card's last valid month is before the given month.
    public func isExpired(currentYear: Int, currentMonth: Int) -> Bool {
        (year, month) < (currentYear, currentMonth)
    }

    public static func < (a: CardExpiry, b: CardExpiry) -> Bool { (a.year, a.month) < (b.year, b.month) }

    /// Parses `YYYY-MM`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(year: y, month: m)
    }

    /// Encoded as the string `YYYY-MM`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        guard let e = CardExpiry(try c.decode(String.self)) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expiry is not YYYY-MM")
        }
        self = e
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// The three-digit service code (ISO 7813). Not secret, but cardholder data: keep it with the swipe.
public struct ServiceCode: Sendable, Hashable, CustomStringConvertible {
    /// The three digits, each 0–9.
    public let digits: [UInt8]

    init?(ascii b: UnsafeRawBufferPointer) {
        guard b.count == 3, b.allSatisfy(isTrackDigit) else { return nil }
        digits = b.map { $0 - 0x30 }
    }

    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard let s = u.withUnsafeBytes({ ServiceCode(ascii: $0) }) else { return nil }
        self = s
    }

    public var description: String { digits.map(String.init).joined() }

    /// First digit 2 or 6: the card has a chip that should be used where possible.
    public var chipPresent: Bool { digits[0] == 2 || digits[0] == 6 }
    /// First digit 1 or 2: usable internationally.
    public var international: Bool { digits[0] == 1 || digits[0] == 2 }
    /// First digit 9: test card.
    public var testCard: Bool { digits[0] == 9 }
    /// Second digit 2: the issuer must authorise online.
    public var onlineAuthorisationRequired: Bool { digits[1] == 2 }
    /// Third digit 0, 3 or 5: a PIN is required.
    public var pinRequired: Bool { [0, 3, 5].contains(digits[2]) }
    /// Third digit 3 or 4: ATM / cash only, not for goods and services.
    public var cashOrATMOnly: Bool { digits[2] == 3 || digits[2] == 4 }
}

/// The track-1 name field, `SURNAME[ SUFFIX]/GIVEN[ MIDDLE][.TITLE]`, padded with spaces. The
/// grammar is convention, not standard, so every part is optional.
public struct CardholderName: Sendable, Hashable, Codable {
    /// The field with surrounding spaces removed.
    public let raw: String
    public let surname: String?
    public let givenNames: String?
    public let title: String?

    public init?(field: String) {
        let trimmed = field.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        raw = trimmed
        func clean<S: StringProtocol>(_ s: S) -> String? {
            let t = s.trimmingCharacters(in: .whitespaces)
            return t.isEmpty ? nil : t
        }
        if let slash = trimmed.firstIndex(of: "/") {
            surname = clean(trimmed[..<slash])
            let rest = trimmed[trimmed.index(after: slash)...]
            if let dot = rest.firstIndex(of: ".") {
                givenNames = clean(rest[..<dot])
                title = clean(rest[rest.index(after: dot)...])
            } else {
                givenNames = clean(rest)
                title = nil
            }
        } else {
            surname = nil
            givenNames = nil
            title = nil
        }
        if surname == nil && givenNames == nil && title == nil && trimmed.allSatisfy({ $0 == "/" || $0 == "." || $0 == " " }) {
            return nil
        }
    }

    /// "GIVEN SURNAME" when the field has a `/`, else the field as it stands.
    public var displayName: String {
        switch (givenNames, surname) {
        case let (g?, s?): return "\(g) \(s)"
        case let (nil, s?): return s
        case let (g?, nil): return g
        default: return raw
        }
    }
}

/// What the rest of the system may see of a card: brand, first 6 and last 4 PAN digits, expiry,
/// cardholder name. `description` and the mirror used by `dump` omit the name (personal data, not
/// needed in logs); the name is still available through `cardholderName`.
public struct MaskedCard: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    public let brand: CardBrand
    /// The first six PAN digits (the IIN/BIN).
    public let first6: String
    public let last4: String
    /// Number of PAN digits.
    public let panLength: Int
    public let expiry: CardExpiry?
    public let cardholderName: CardholderName?

    public init(brand: CardBrand, first6: String, last4: String, panLength: Int, expiry: CardExpiry?,
                cardholderName: CardholderName?) {
        self.brand = brand
        self.first6 = first6
        self.last4 = last4
        self.panLength = panLength
        self.expiry = expiry
        self.cardholderName = cardholderName
    }

    /// Builds the masked view of a clear PAN (ASCII digits, 12–19 of them so that at least two
    /// digits stay hidden).
    init?(pan: SensitiveBytes, expiry: CardExpiry?, name: CardholderName?) {
        let parts: (String, String, CardBrand)? = pan.withUnsafeBytes { b in
            guard (12...19).contains(b.count), b.allSatisfy(isTrackDigit) else { return nil }
            let f = String(decoding: UnsafeRawBufferPointer(rebasing: b[0..<6]), as: UTF8.self)
            let l = String(decoding: UnsafeRawBufferPointer(rebasing: b[(b.count - 4)...]), as: UTF8.self)
            return (f, l, CardBrand.detect(panDigits: b))
        }
        guard let (f, l, brand) = parts else { return nil }
        self.init(brand: brand, first6: f, last4: l, panLength: pan.count, expiry: expiry, cardholderName: name)
    }

    /// `first6`, asterisks for the hidden digits, `last4`, e.g. `411111******1111`.
    public var maskedPAN: String {
        first6 + String(repeating: "*", count: max(panLength - 10, 0)) + last4
    }

    public var description: String {
        "\(brand) \(maskedPAN) exp \(expiry.map(\.description) ?? "none")"
    }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "brand": brand.rawValue, "pan": maskedPAN, "expiry": expiry?.description ?? "none",
            "cardholderName": cardholderName == nil ? "absent" : "present",
        ], displayStyle: .struct)
    }
}

@inline(__always) func isTrackDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
