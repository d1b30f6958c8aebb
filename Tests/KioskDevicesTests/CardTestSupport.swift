import Testing
@testable import KioskDevices

// Shared helpers for the card-reader tests (Card*, Wedge*, MagTek*).

extension SensitiveBytes {
    /// Test-only view of the content.
    var testString: String { withUnsafeBytes { String(decoding: $0, as: UTF8.self) } }
    var testBytes: [UInt8] { withUnsafeBytes { Array($0) } }
}

extension Result {
    var value: Success? { if case .success(let v) = self { return v } else { return nil } }
    var error: Failure? { if case .failure(let e) = self { return e } else { return nil } }
}

extension CardReaderEvent {
    var swipe: CardSwipe? { if case .swipe(let s) = self { return s } else { return nil } }
    var failure: CardReadError? { if case .failed(let e) = self { return e } else { return nil } }
}


/// Vendor and test vectors (card-readers.md §1.8, §1.5, §3.10).
enum Vectors {
    static let hoganPAN = "5452300551227189"
    static let hoganT1 = "%B5452300551227189^HOGAN/PAUL      ^08043210000000725000000?"
    static let hoganT2 = ";5452300551227189=080432100000007250?"
    static let hoganT3 = ";5163499080020445=000000000000?"
    static let hoganT3PAN = "5163499080020445"
    static let hoganMaskedT1 = "%B5452000000007189^HOGAN/PAUL      ^08040000000000000000000?"
    static let bushPAN = "4266841088889999"
    static let bushT1 = "%B4266841088889999^BUSH JR/GEORGE W.MR^0809101100001100000000046000000?"
    static let bushT2 = ";4266841088889999=080910110000046?"
    static let testPAN = "4111111111111111"
    static let testT1 = "%B4111111111111111^TEST/CARD^29121010000000000000?"
    static let testT2 = ";4111111111111111=2912101000000000?"
    static let allPANs = [hoganPAN, hoganT3PAN, bushPAN, testPAN]
}

/// Fails if any PAN (or its hidden middle digits) appears in `text`.
func expectNoCardData(_ text: String, _ pans: [String] = Vectors.allPANs,
                      sourceLocation: SourceLocation = #_sourceLocation) {
    for pan in pans {
        #expect(!text.contains(pan), "PAN leaked into: \(text.prefix(200))", sourceLocation: sourceLocation)
        let middle = String(pan.dropFirst(6).dropLast(4))
        if middle.count >= 5 {
            #expect(!text.contains(middle), "hidden PAN digits leaked", sourceLocation: sourceLocation)
        }
    }
}

/// Every textual rendering of a value: description, reflecting, dump.
func renderings(_ value: Any) -> [String] {
    var dumped = ""
    dump(value, to: &dumped)
    return [String(describing: value), String(reflecting: value), "\(value)", dumped]
}

// MARK: - Keyboard wedge report builder

enum Wedge {
    /// US layout: character → (usage, shift).
    static func key(for c: Character) -> (UInt8, Bool)? {
        let a = c.asciiValue!
        for usage in UInt8(0x04)...0x38 {
            if KeyboardWedgeDecoder.character(usage: usage, shift: false) == a { return (usage, false) }
            if KeyboardWedgeDecoder.character(usage: usage, shift: true) == a { return (usage, true) }
        }
        if a == 0x0D { return (0x28, false) }
        return nil
    }

    static func down(_ usage: UInt8, shift: Bool = false, right: Bool = false) -> [UInt8] {
        [shift ? (right ? 0x20 : 0x02) : 0, 0, usage, 0, 0, 0, 0, 0]
    }
    static let up: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]

    /// MagTek default: a down report then an all-up report per character.
    static func reports(_ text: String, rightShift: Bool = false) -> [[UInt8]] {
        text.flatMap { c -> [[UInt8]] in
            let (u, s) = key(for: c)!
            return [down(u, shift: s, right: rightShift), up]
        }
    }

    /// "Minimize key reports": only down reports, with an up report between equal usages.
    static func mkrReports(_ text: String) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var last: UInt8 = 0
        for c in text {
            let (u, s) = key(for: c)!
            if u == last { out.append(up) }
            out.append(down(u, shift: s))
            last = u
        }
        out.append(up)
        return out
    }

    static func feed(_ reports: [[UInt8]], into d: inout KeyboardWedgeDecoder) -> [CardReaderEvent] {
        reports.compactMap { d.consume(report: $0) }
    }

    static func pending(_ d: KeyboardWedgeDecoder) -> String {
        d.withPendingCharacters { String(decoding: $0, as: UTF8.self) }
    }
}

// MARK: - MagTek 337-byte report builder (card-readers.md §3.2)

enum MagTekReport {
    static func build(_ t1: String?, _ t2: String?, _ t3: String?, status: [UInt8] = [0, 0, 0],
                      encodeType: UInt8 = 0) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: 337)
        for (i, t) in [t1, t2, t3].enumerated() {
            r[i] = status[i]
            guard let t else { continue }
            let bytes = Array(t.utf8)
            r[3 + i] = UInt8(bytes.count)
            for (j, b) in bytes.enumerated() { r[7 + 110 * i + j] = b }
        }
        r[6] = encodeType
        return r
    }
}
