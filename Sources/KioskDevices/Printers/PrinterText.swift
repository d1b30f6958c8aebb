import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Caller text to printer bytes: the only way text reaches `ESCPOSEncoder`'s output.
///
/// 1. Card numbers are masked: a run of 12–19 digits (spaces or dashes allowed between groups)
///    that passes the Luhn check keeps only its last 4 digits ("•••• 1111"). The daemon only ever
///    passes masked methods; this is the second lock, so a bug upstream cannot print a PAN.
/// 2. Control characters are removed (tab and line breaks become a space): ESC, GS, FS and DLE
///    start printer commands, and DLE EOT/DLE ENQ are obeyed even inside data, so no field may
///    carry one.
/// 3. The text is encoded to the code page by glibc iconv with //TRANSLIT: a character the page
///    lacks becomes its transliteration ("—" → "--") or "?". No table of ours.
/// 4. The bytes are checked again (no byte below 0x20, no DEL; the Luhn scan once more, since
///    transliteration can turn other digits into ASCII ones).
enum PrinterText {
    static func encode(_ text: String, page: PrinterCodePage) -> [UInt8] {
        var clean = ""
        for scalar in maskCardNumbers(text).precomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: clean.unicodeScalars.append(" ")
            case 0x00..<0x20, 0x7F...0x9F: continue
            // PC858 has no bullet and iconv would write "o": the mask glyph becomes "*".
            case 0x2022 where page == .cp858: clean.unicodeScalars.append("*")
            default: clean.unicodeScalars.append(scalar)
            }
        }
        let bytes = IconvEncoder.encode(clean, to: page).filter { $0 >= 0x20 && $0 != 0x7F }
        return maskCardNumbers(bytes: bytes, page: page)
    }

    // MARK: Card numbers

    /// A digit run's groups (maximal digit sequences) and the positions of their digits.
    private struct Run {
        var groups: [[Int]] = []   // positions of each group's digits in the element array
    }

    /// The windows to mask: (first position, last position, positions of the 4 kept digits).
    /// Windows start and end on group boundaries ("4111 1111 1111 1111", "4111-1111-…",
    /// "4111111111111111"); within a run the longest valid window from each group wins.
    private static func windows(count: Int, digit: (Int) -> Int?, separator: (Int) -> Bool) -> [(ClosedRange<Int>, [Int])] {
        var runs: [Run] = []
        var current = Run()
        var group: [Int] = []
        var index = 0
        func closeRun() {
            if !group.isEmpty { current.groups.append(group); group = [] }
            if !current.groups.isEmpty { runs.append(current) }
            current = Run()
        }
        while index < count {
            if digit(index) != nil {
                group.append(index)
            } else if separator(index), !group.isEmpty, index + 1 < count, digit(index + 1) != nil {
                current.groups.append(group); group = []
            } else {
                closeRun()
            }
            index += 1
        }
        closeRun()

        var found: [(ClosedRange<Int>, [Int])] = []
        for run in runs {
            var start = 0
            while start < run.groups.count {
                var best: Int?
                var digits: [Int] = []
                for end in start..<run.groups.count {
                    digits += run.groups[end]
                    if digits.count > 19 { break }
                    if digits.count >= 12, luhn(digits.compactMap(digit)) { best = end }
                }
                if let end = best {
                    let positions = run.groups[start...end].flatMap { $0 }
                    found.append((positions.first!...positions.last!, Array(positions.suffix(4))))
                    start = end + 1
                } else {
                    start += 1
                }
            }
        }
        return found
    }

    static func luhn(_ digits: [Int]) -> Bool {
        var sum = 0
        for (offset, value) in digits.reversed().enumerated() {
            let doubled = offset % 2 == 1 ? value * 2 : value
            sum += doubled > 9 ? doubled - 9 : doubled
        }
        return sum % 10 == 0
    }

    /// Masks card numbers in Unicode text (any script's decimal digits count as digits).
    static func maskCardNumbers(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        func digit(_ i: Int) -> Int? {
            scalars[i].properties.numericType == .decimal ? scalars[i].properties.numericValue.map { Int($0) } : nil
        }
        let found = windows(count: scalars.count, digit: digit, separator: { scalars[$0] == " " || scalars[$0] == "-" })
        guard !found.isEmpty else { return text }
        var out = String.UnicodeScalarView()
        var index = 0
        for (range, kept) in found {
            out.append(contentsOf: scalars[index..<range.lowerBound])
            out.append(contentsOf: "•••• ".unicodeScalars)
            for position in kept { out.append(Unicode.Scalar(UInt8(48 + digit(position)!))) }
            index = range.upperBound + 1
        }
        out.append(contentsOf: scalars[index...])
        return String(out)
    }

    /// The same scan over encoded bytes (ASCII digits, space and "-" are the same in both pages).
    static func maskCardNumbers(bytes: [UInt8], page: PrinterCodePage) -> [UInt8] {
        func digit(_ i: Int) -> Int? { (0x30...0x39).contains(bytes[i]) ? Int(bytes[i] - 0x30) : nil }
        let found = windows(count: bytes.count, digit: digit, separator: { bytes[$0] == 0x20 || bytes[$0] == 0x2D })
        guard !found.isEmpty else { return bytes }
        let bullet: UInt8 = page == .cp1252 ? 0x95 : 0x2A
        var out: [UInt8] = []
        var index = 0
        for (range, kept) in found {
            out += bytes[index..<range.lowerBound]
            out += [bullet, bullet, bullet, bullet, 0x20] + kept.map { bytes[$0] }
            index = range.upperBound + 1
        }
        return out + bytes[index...]
    }
}

/// glibc iconv, one Unicode scalar at a time: a scalar the page cannot hold, even by
/// transliteration, becomes "?" without losing the rest of the text.
enum IconvEncoder {
    static func encode(_ text: String, to page: PrinterCodePage) -> [UInt8] {
        let cd = iconv_open(page.iconvName, "UTF-8")
        // Without glibc's gconv modules (a stripped container) the page cannot be loaded:
        // printable ASCII still prints, the rest becomes "?".
        guard let cd, cd != iconv_t(bitPattern: -1) else {
            return text.unicodeScalars.map { (0x20..<0x7F).contains($0.value) ? UInt8($0.value) : 0x3F }
        }
        defer { iconv_close(cd) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var buffer = [CChar](repeating: 0, count: 32)
        for scalar in text.unicodeScalars {
            if scalar.isASCII { out.append(UInt8(scalar.value)); continue }
            var input = Array(String(scalar).utf8).map { CChar(bitPattern: $0) }
            let produced: Int? = input.withUnsafeMutableBufferPointer { inBuf in
                buffer.withUnsafeMutableBufferPointer { outBuf in
                    var inPtr = inBuf.baseAddress
                    var inLeft = inBuf.count
                    var outPtr = outBuf.baseAddress
                    var outLeft = outBuf.count
                    let result = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft)
                    // Reset the shift state after a failure (single-byte pages have none; cheap).
                    if result == -1 { _ = iconv(cd, nil, nil, nil, nil); return nil }
                    return outBuf.count - outLeft
                }
            }
            if let produced, produced > 0 {
                out += buffer[0..<produced].map { UInt8(bitPattern: $0) }
            } else {
                out.append(0x3F)
            }
        }
        return out
    }
}
