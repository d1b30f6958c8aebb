import Foundation

/// Text that looks like card data: a run of 12 or more digits (a PAN, alone or inside a
/// track; single spaces or dashes between digits still count, as people write card numbers),
/// a track 1 start (`%` and a format letter before a digit, `%B4111…`), a track 2 start (`;`
/// and digits up to `=`), a PAN and expiry joined by `=` (`4111…=2812`), or track 1's
/// `^NAME^` and expiry.
///
/// The daemon never repeats a client's string in what it says (PROTOCOL.md "Never echoed");
/// this screen is the last guard on the way out, for sentences that might still carry one.
public enum CardDataPattern {
    public static func appears(in text: String) -> Bool { appears(in: Array(text.utf8)) }

    public static func appears(in bytes: [UInt8]) -> Bool {
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        let n = bytes.count
        var run = 0
        var i = 0
        while i < n {
            let b = bytes[i]
            if isDigit(b) {
                run += 1
                if run >= 12 { return true }
            } else if (b == 0x20 || b == 0x2D), run > 0, i + 1 < n, isDigit(bytes[i + 1]) {
                // "4111 1111 1111 1111", "4111-1111-…": one separator between digits keeps the run.
            } else {
                run = 0
            }
            switch b {
            case UInt8(ascii: "%"):  // track 1: %B4111…
                if i + 2 < n, isLetter(bytes[i + 1]), isDigit(bytes[i + 2]) { return true }
            case UInt8(ascii: ";"):  // track 2: ;4111…=
                var j = i + 1
                while j < n, isDigit(bytes[j]) { j += 1 }
                if j > i + 1, j < n, bytes[j] == UInt8(ascii: "=") { return true }
            case UInt8(ascii: "="):  // PAN=YYMM…
                var before = 0, j = i - 1
                while j >= 0, isDigit(bytes[j]) { before += 1; j -= 1 }
                var after = 0, k = i + 1
                while k < n, isDigit(bytes[k]) { after += 1; k += 1 }
                if before >= 4 && after >= 4 { return true }
            case UInt8(ascii: "^"):  // track 1: ^DOE/JOHN^2812…
                if let close = bytes[(i + 1)...].firstIndex(of: UInt8(ascii: "^")), close + 4 < n,
                   bytes[(close + 1)...(close + 4)].allSatisfy(isDigit) { return true }
            default: break
            }
            i += 1
        }
        return false
    }
}

/// Finds the first string in a JSON text that holds a control character (Unicode category
/// Cc: U+0000–U+001F, U+007F–U+009F), whether the character is raw or written as an escape,
/// and names where it is.
///
/// Every request's `params` go through it before they are decoded (PROTOCOL.md "Strings"):
/// a NUL inside `"C10001\u0000x"` would otherwise reach SQLite, which ends the text there and
/// matches `C10001`. A few parameters hold text people wrap (a key file, hex dumps, a
/// branch's terms): there line feeds, carriage returns and tabs are allowed, nothing else.
public enum ControlCharacterScreen {
    /// Where the first control character is, and which one.
    public struct Violation: Equatable, Sendable {
        /// `params.account`, `params.invoices[2]`; member names that are not plain words are shown as `*`.
        public var path: String
        public var scalar: UInt32
        /// True when the control character is in a member name rather than a value.
        public var inMemberName: Bool
        /// `U+0000`.
        public var codePoint: String { String(format: "U+%04X", scalar) }
    }

    /// Scans `json` (a whole request, or a bare document when `root` is nil). With `root`, only
    /// strings inside that top-level member are screened and paths start with it. `lineBreaks`
    /// lists the paths (indices written `[]`, e.g. `params.reports[]`) whose strings may hold
    /// `\n`, `\r` and `\t`.
    public static func firstViolation(in json: Data, root: String? = "params", lineBreaks: Set<String> = []) -> Violation? {
        json.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard mayHoldControlCharacter(bytes) else { return nil }
            var scanner = Scanner(bytes: bytes, root: root.map { Array($0.utf8) }, lineBreaks: lineBreaks)
            return scanner.run()
        }
    }

    /// The quick test that keeps the common case to one pass without allocation: no escape
    /// that writes a control character (`\\n`, `\\u0000`, … but not `\\/` or `\\u00e9`), no
    /// DEL, no C1 character, no raw control byte other than whitespace between tokens.
    static func mayHoldControlCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        var inString = false
        while i < n {
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { inString.toggle(); i += 1; continue }
            if b == 0x5C, i + 1 < n {
                switch bytes[i + 1] {
                case UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"), UInt8(ascii: "b"), UInt8(ascii: "f"):
                    return true
                case UInt8(ascii: "u"):
                    // \u0000–\u001F, \u007F–\u009F; surrogates too (a broken pair is refused later).
                    guard i + 5 < n else { return true }
                    let h = bytes[i + 2], t = bytes[i + 3], u = bytes[i + 4]
                    if h == UInt8(ascii: "0"), t == UInt8(ascii: "0"),
                       [UInt8(ascii: "0"), UInt8(ascii: "1"), UInt8(ascii: "7"), UInt8(ascii: "8"), UInt8(ascii: "9")].contains(u) { return true }
                    i += 6
                    continue
                default:
                    i += 2  // \" \\ \/ : never a control character
                    continue
                }
            }
            if b == 0x7F || (b < 0x20 && (inString || (b != 0x09 && b != 0x0A && b != 0x0D))) { return true }
            if b == 0xC2, i + 1 < n, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { return true }
            i += 1
        }
        return false
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let root: [UInt8]?
        let lineBreaks: Set<String>
        /// Instead of stopping at a control character, list the values a decoder may refuse
        /// without naming them (`UnnamedDecodingFailure`).
        var collectSuspects = false
        var suspects: [UnnamedDecodingFailure.Suspect] = []

        enum Frame {
            case object(key: Range<Int>?, expectingKey: Bool)
            case array(index: Int)
        }
        var stack: [Frame] = []

        init(bytes: UnsafeBufferPointer<UInt8>, root: [UInt8]?, lineBreaks: Set<String>) {
            self.bytes = bytes; self.root = root; self.lineBreaks = lineBreaks
        }

        mutating func run() -> Violation? {
            let n = bytes.count
            var i = 0
            while i < n {
                let b = bytes[i]
                switch b {
                case UInt8(ascii: "{"):
                    stack.append(.object(key: nil, expectingKey: true)); i += 1
                case UInt8(ascii: "["):
                    stack.append(.array(index: 0)); i += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if !stack.isEmpty { stack.removeLast() }
                    i += 1
                case UInt8(ascii: ","):
                    if let top = stack.last {
                        switch top {
                        case .array(let index): stack[stack.count - 1] = .array(index: index + 1)
                        case .object(let key, _): stack[stack.count - 1] = .object(key: key, expectingKey: true)
                        }
                    }
                    i += 1
                case UInt8(ascii: ":"):
                    if case .object(let key, _)? = stack.last { stack[stack.count - 1] = .object(key: key, expectingKey: false) }
                    i += 1
                case UInt8(ascii: "\""):
                    let start = i + 1
                    var isKey = false
                    if case .object(_, true)? = stack.last { isKey = true }
                    let (end, found, invalid) = scanString(from: start, isKey: isKey)
                    if collectSuspects {
                        if isKey { stack[stack.count - 1] = .object(key: start..<end, expectingKey: false) }
                        else if invalid, screened(memberName: false) {
                            suspects.append(.init(range: (start - 1)..<min(end + 1, n), path: render(includingLastKey: true), kind: .text))
                        }
                        i = end + 1
                        continue
                    }
                    if isKey {
                        stack[stack.count - 1] = .object(key: start..<end, expectingKey: false)
                        if let found, screened(memberName: true) {
                            return Violation(path: render(includingLastKey: false), scalar: found, inMemberName: true)
                        }
                    } else if let found, screened(memberName: false) {
                        return Violation(path: render(includingLastKey: true), scalar: found, inMemberName: false)
                    }
                    i = end + 1
                case 0x00..<0x20 where b != 0x09 && b != 0x0A && b != 0x0D && b != 0x20:
                    // A raw control byte outside a string: not JSON at all. Named at the nearest path.
                    if !collectSuspects, screened(memberName: false) { return Violation(path: render(includingLastKey: true), scalar: UInt32(b), inMemberName: false) }
                    i += 1
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    var j = i
                    while j < n, !Self.delimiters.contains(bytes[j]) { j += 1 }
                    if collectSuspects, screened(memberName: false), let kind = Self.numberSuspicion(bytes[i..<j]) {
                        suspects.append(.init(range: i..<j, path: render(includingLastKey: true), kind: kind))
                    }
                    i = max(j, i + 1)
                default:
                    i += 1
                }
            }
            return nil
        }

        static let delimiters: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D]

        /// A number a whole-number member cannot take (a fraction, or beyond 64 bits).
        static func numberSuspicion(_ token: Slice<UnsafeBufferPointer<UInt8>>) -> UnnamedDecodingFailure.Suspect.Kind? {
            let text = String(decoding: token, as: UTF8.self)
            if Int64(text) != nil { return nil }
            guard let value = Double(text) else { return .outOfRange }
            if value.isFinite, value.rounded() != value { return .fraction }
            if value.isFinite, value.magnitude < 9.2e18 { return nil }
            return .outOfRange
        }

        /// Is the string being read under the screened root?
        func screened(memberName: Bool) -> Bool {
            guard let root else { return true }
            guard let first = stack.first, case .object(let key, _) = first else { return false }
            if stack.count == 1 {
                // A member name of the request object itself, or a value directly under it.
                guard !memberName, let key else { return false }
                return equal(key, root)
            }
            guard let key else { return false }
            return equal(key, root)
        }

        func equal(_ range: Range<Int>, _ text: [UInt8]) -> Bool {
            range.count == text.count && zip(range, text).allSatisfy { bytes[$0] == $1 }
        }

        /// Reads a string body from `start`; returns the index of its closing quote and the
        /// first control character in it that is not allowed there.
        func scanString(from start: Int, isKey: Bool) -> (end: Int, found: UInt32?, invalid: Bool) {
            let n = bytes.count
            var i = start
            var found: UInt32?
            var invalid = false
            var pendingHigh = false
            var lineBreaksAllowed: Bool?
            func allowed(_ scalar: UInt32) -> Bool {
                guard !isKey, scalar == 0x0A || scalar == 0x0D || scalar == 0x09 else { return false }
                if lineBreaksAllowed == nil { lineBreaksAllowed = lineBreaks.contains(renderPattern()) }
                return lineBreaksAllowed!
            }
            func note(_ scalar: UInt32) { if found == nil, !allowed(scalar) { found = scalar } }
            while i < n {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") { return (i, found, invalid || pendingHigh) }
                if b == 0x5C, i + 1 < n {
                    let e = bytes[i + 1]
                    if e != UInt8(ascii: "u"), pendingHigh { invalid = true; pendingHigh = false }
                    switch e {
                    case UInt8(ascii: "n"): note(0x0A); i += 2
                    case UInt8(ascii: "r"): note(0x0D); i += 2
                    case UInt8(ascii: "t"): note(0x09); i += 2
                    case UInt8(ascii: "b"): note(0x08); i += 2
                    case UInt8(ascii: "f"): note(0x0C); i += 2
                    case UInt8(ascii: "u"):
                        var value: UInt32 = 0
                        var digits = 0
                        var j = i + 2
                        while digits < 4, j < n, let d = hexValue(bytes[j]) { value = value << 4 | d; digits += 1; j += 1 }
                        if digits == 4, value < 0x20 || (value >= 0x7F && value <= 0x9F) { note(value) }
                        // UTF-16 surrogates must pair: a high one, then a low one.
                        if value >= 0xD800 && value <= 0xDBFF {
                            if pendingHigh { invalid = true }
                            pendingHigh = true
                        } else if value >= 0xDC00 && value <= 0xDFFF {
                            if !pendingHigh { invalid = true }
                            pendingHigh = false
                        } else {
                            if pendingHigh { invalid = true }
                            pendingHigh = false
                        }
                        if digits < 4 { invalid = true }
                        i = j
                    default: i += 2
                    }
                    continue
                }
                if pendingHigh { invalid = true; pendingHigh = false }
                if b < 0x20 || b == 0x7F { note(UInt32(b)) }
                if b == 0xC2, i + 1 < n, bytes[i + 1] >= 0x80, bytes[i + 1] <= 0x9F { note(UInt32(bytes[i + 1])) }
                i += 1
            }
            return (n, found, true)
        }

        func hexValue(_ b: UInt8) -> UInt32? {
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(b - 48)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(b - 87)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(b - 55)
            default: return nil
            }
        }

        /// A member name as it may appear in a path: plain words only, never a client's free text.
        func name(_ range: Range<Int>) -> String {
            let plain = range.count <= 64 && range.allSatisfy { i in
                let b = bytes[i]
                return (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || (b >= 0x30 && b <= 0x39 && i != range.lowerBound)
            }
            guard plain, !range.isEmpty else { return "*" }
            return String(decoding: bytes[range], as: UTF8.self)
        }

        /// The path of the value being read, e.g. `params.invoices[2]`.
        func render(includingLastKey: Bool, pattern: Bool = false) -> String {
            var out = ""
            for (depth, frame) in stack.enumerated() {
                switch frame {
                case .object(let key, _):
                    let last = depth == stack.count - 1
                    guard let key, includingLastKey || !last else { continue }
                    let part = name(key)
                    out += out.isEmpty ? part : "." + part
                case .array(let index):
                    out += pattern ? "[]" : "[\(index)]"
                }
            }
            return out
        }

        func renderPattern() -> String { render(includingLastKey: true, pattern: true) }
    }
}

/// Foundation's JSONDecoder reports a number that does not fit its member (`1.5` or `1e300`
/// for a whole number) or a string that is not valid Unicode (a lone `\uD800`) as "not valid
/// JSON", with no path at all. This names the member: each suspect value (numbers that are
/// not 64-bit whole numbers, strings with broken escapes) is replaced in turn, cumulatively,
/// by a neutral value of the same length (`0`, `""`), and the first replacement after which
/// the document no longer fails that way was a value the decoder refused.
public enum UnnamedDecodingFailure {
    public struct Suspect: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case fraction, outOfRange, text }
        public var range: Range<Int>
        public var path: String
        public var kind: Kind

        /// What was expected there, without the value.
        public var problem: String {
            switch kind {
            case .fraction: return "expected a whole number"
            case .outOfRange: return "a number out of range"
            case .text: return "not valid Unicode text (a broken \\u escape)"
            }
        }
    }

    /// The suspect that made `json` fail, or nil when none can be named. `stillFails` decodes
    /// a patched copy and says whether it still fails without a path.
    public static func locate(in json: Data, root: String? = "params", maximumTries: Int = 64,
                              stillFails: (Data) -> Bool) -> Suspect? {
        let suspects: [Suspect] = json.withUnsafeBytes { raw in
            var scanner = ControlCharacterScreen.Scanner(bytes: raw.bindMemory(to: UInt8.self), root: root.map { Array($0.utf8) }, lineBreaks: [])
            scanner.collectSuspects = true
            _ = scanner.run()
            return scanner.suspects
        }
        var patched = json
        for suspect in suspects.prefix(maximumTries) {
            let neutral: [UInt8] = suspect.kind == .text ? Array(#""""#.utf8) : [UInt8(ascii: "0")]
            let filler = neutral + [UInt8](repeating: 0x20, count: max(0, suspect.range.count - neutral.count))
            patched.replaceSubrange(suspect.range, with: filler)
            if !stillFails(patched) { return suspect }
        }
        return nil
    }
}
