import Foundation

/// Byte-level helpers over JSON text that keep the bytes as they are (no re-encoding), so
/// `kioskctl --json` prints exactly what the daemon sent and `sync apply` sends exactly
/// what the file holds.
public enum JSONText {
    /// The bytes of a JSON object with insignificant whitespace removed (so it fits on one
    /// protocol line), or nil when `data` is not UTF-8 JSON whose top level is an object.
    /// A leading UTF-8 byte-order mark is dropped.
    public static func compactObject(_ data: Data) -> Data? {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard String(bytes: bytes, encoding: .utf8) != nil,
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              object is [String: Any] else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var inString = false, escaped = false
        for b in bytes {
            if inString {
                out.append(b)
                if escaped { escaped = false }
                else if b == UInt8(ascii: "\\") { escaped = true }
                else if b == UInt8(ascii: "\"") { inString = false }
            } else {
                switch b {
                case 0x20, 0x09, 0x0A, 0x0D: continue
                case UInt8(ascii: "\""): inString = true; out.append(b)
                default: out.append(b)
                }
            }
        }
        return Data(out)
    }

    /// The byte range of the value of top-level member `name` in the JSON object `bytes`
    /// (which must already be known to be valid JSON), or nil when there is no such member.
    static func memberValueRange(_ name: String, in bytes: [UInt8]) -> Range<Int>? {
        let wanted = Array(name.utf8)
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        func skipString() {  // i at the opening quote; leaves i after the closing quote
            i += 1
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "\\") { i += 2; continue }
                if bytes[i] == UInt8(ascii: "\"") { i += 1; return }
                i += 1
            }
        }
        func skipValue() {
            guard i < bytes.count else { return }
            switch bytes[i] {
            case UInt8(ascii: "\""): skipString()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: "\""): skipString(); continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 { i += 1; return }
                    default: break
                    }
                    i += 1
                }
            default:
                while i < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
            }
        }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
            let keyStart = i + 1
            skipString()
            let key = bytes[keyStart..<(i - 1)]
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpace()
            let valueStart = i
            skipValue()
            if key.elementsEqual(wanted) { return valueStart..<i }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
            i += 1
        }
    }
}
