import Foundation

/// Finds the members of a JSON text's top-level object, and the elements of one array
/// member, as byte ranges, without building anything: so a 100 MB sync document can be
/// decoded one account at a time (JSONDecoder only ever sees one element).
///
/// It reads attacker input (a document comes from the network or a file), so it never
/// recurses (nesting is a counter and a small stack of expected closers, capped), never
/// reads past the end (a truncated text is an error), and reports the first problem with
/// its byte offset. It checks the object's own grammar (`{"k": v, …}`, the split array's
/// `[v, …]`) strictly; inside a value it only tracks strings (with escapes) and brackets:
/// JSONDecoder checks the rest when the value is decoded.
public struct JSONSplitter {
    /// Why the text is not a JSON object that can be split.
    public struct Failure: Error, Equatable, Sendable, CustomStringConvertible {
        /// Byte offset where the problem was seen.
        public var offset: Int
        public var problem: String
        public var description: String { "\(problem) at byte \(offset)" }
    }

    /// A member of the top-level object: its name (unescaped) and byte ranges.
    public struct Member: Equatable, Sendable {
        public var name: String
        /// From the name's opening quote to the end of the value (`"k": v`).
        public var whole: Range<Int>
        public var value: Range<Int>
        /// The elements' ranges when this is the split member and its value is an array.
        public var elements: [Range<Int>]?
    }

    /// Deeper nesting than Foundation's JSONDecoder accepts (512) is refused here already,
    /// with a sentence, before any decoder sees it.
    public static let maximumDepth = 512

    /// The members of the object `bytes` holds, in order; `split`'s value, when an array, is
    /// returned element by element as well.
    public static func members(of bytes: UnsafeRawBufferPointer, splitting split: String) throws(Failure) -> [Member] {
        var scanner = Scanner(bytes: bytes.bindMemory(to: UInt8.self))
        return try scanner.object(splitting: Array(split.utf8))
    }

    public static func members(of data: Data, splitting split: String) throws(Failure) -> [Member] {
        let result: Result<[Member], Failure> = data.withUnsafeBytes { raw in
            do throws(Failure) { return .success(try members(of: raw, splitting: split)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Whether `data` holds exactly one balanced JSON value (of any kind) and nothing else but
    /// whitespace; used to tell "JSON but not an object" from "not JSON".
    public static func isSingleValue(_ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var scanner = Scanner(bytes: raw.bindMemory(to: UInt8.self))
            do throws(Failure) {
                scanner.skipSpace()
                _ = try scanner.value()
                scanner.skipSpace()
                return scanner.i == scanner.bytes.count
            } catch { return false }
        }
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            // A UTF-8 byte-order mark is not JSON, but editors write one; skip it as kioskctl does.
            if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        }

        func fail(_ problem: String, at offset: Int? = nil) -> Failure { Failure(offset: offset ?? i, problem: problem) }

        var truncated: Failure { fail("the text ends early (truncated?)") }

        mutating func skipSpace() {
            while i < bytes.count {
                switch bytes[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func expect(_ byte: UInt8, _ what: String) throws(Failure) {
            skipSpace()
            guard i < bytes.count else { throw truncated }
            guard bytes[i] == byte else { throw fail("expected \(what)") }
            i += 1
        }

        mutating func object(splitting split: [UInt8]) throws(Failure) -> [Member] {
            skipSpace()
            guard i < bytes.count else { throw fail("the text is empty") }
            guard bytes[i] == UInt8(ascii: "{") else { throw fail("expected a JSON object ({)") }
            i += 1
            var members: [Member] = []
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                i += 1
            } else {
                while true {
                    skipSpace()
                    guard i < bytes.count else { throw truncated }
                    guard bytes[i] == UInt8(ascii: "\"") else { throw fail("expected a member name (a string)") }
                    let nameStart = i
                    let nameRange = try string()
                    try expect(UInt8(ascii: ":"), "':' after a member name")
                    skipSpace()
                    guard i < bytes.count else { throw truncated }
                    let name = Self.name(bytes, nameRange)
                    let valueStart = i
                    var elements: [Range<Int>]? = nil
                    if name.utf8.elementsEqual(split), bytes[i] == UInt8(ascii: "[") {
                        elements = try array()
                    } else {
                        _ = try value()
                    }
                    members.append(Member(name: name, whole: nameStart..<i, value: valueStart..<i, elements: elements))
                    skipSpace()
                    guard i < bytes.count else { throw truncated }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; break }
                    throw fail("expected ',' or '}' after a member")
                }
            }
            skipSpace()
            guard i == bytes.count else { throw fail("unexpected text after the object") }
            return members
        }

        /// The split array: `[` value (`,` value)* `]`, each value's range.
        mutating func array() throws(Failure) -> [Range<Int>] {
            i += 1  // [
            var elements: [Range<Int>] = []
            skipSpace()
            guard i < bytes.count else { throw truncated }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return elements }
            while true {
                skipSpace()
                guard i < bytes.count else { throw truncated }
                elements.append(try value())
                skipSpace()
                guard i < bytes.count else { throw truncated }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                if bytes[i] == UInt8(ascii: "]") { i += 1; return elements }
                throw fail("expected ',' or ']' after an array element")
            }
        }

        /// One value from `i`: a string, a balanced object or array, or a bare word or number.
        mutating func value() throws(Failure) -> Range<Int> {
            let start = i
            guard i < bytes.count else { throw truncated }
            switch bytes[i] {
            case UInt8(ascii: "\""):
                _ = try string()
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var closers: [UInt8] = []
                while i < bytes.count {
                    let b = bytes[i]
                    switch b {
                    case UInt8(ascii: "\""):
                        _ = try string()
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        guard closers.count < JSONSplitter.maximumDepth else {
                            throw fail("nested more than \(JSONSplitter.maximumDepth) levels deep")
                        }
                        closers.append(b == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        guard closers.last == b else {
                            throw fail(closers.isEmpty ? "unbalanced '\(Character(Unicode.Scalar(b)))'"
                                                       : "expected '\(Character(Unicode.Scalar(closers.last!)))', found '\(Character(Unicode.Scalar(b)))'")
                        }
                        closers.removeLast()
                        if closers.isEmpty { i += 1; return start..<i }
                    default:
                        break
                    }
                    i += 1
                }
                throw truncated
            default:
                // true, false, null or a number: up to the next delimiter.
                while i < bytes.count {
                    switch bytes[i] {
                    case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: break
                    case UInt8(ascii: "\""), UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: ":"):
                        throw fail("unexpected character in a value")
                    default: i += 1; continue
                    }
                    break
                }
                guard i > start else { throw fail("expected a value") }
            }
            return start..<i
        }

        /// A string from its opening quote; leaves `i` after the closing quote and returns the
        /// range of its body (between the quotes).
        mutating func string() throws(Failure) -> Range<Int> {
            let open = i
            i += 1
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i += 1
                    return (open + 1)..<(i - 1)
                case UInt8(ascii: "\\"):
                    i += 2
                default:
                    i += 1
                }
            }
            throw fail("a string is not closed (truncated?)", at: open)
        }

        /// A member name as text. Plain names (no escapes) are taken as they are; a name with
        /// escapes is decoded by JSONDecoder (a broken escape leaves it unreadable: "*").
        static func name(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
            let body = UnsafeBufferPointer(rebasing: bytes[range])
            if !body.contains(UInt8(ascii: "\\")) { return String(decoding: body, as: UTF8.self) }
            let quoted = Data([UInt8(ascii: "\"")] + Array(body) + [UInt8(ascii: "\"")])
            return (try? JSONDecoder().decode(String.self, from: quoted)) ?? "*"
        }
    }
}
