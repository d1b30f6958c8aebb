import Foundation

/// Reads the schemas of docs/backoffice-api.yaml for the contract test, without a YAML
/// package: the file is hand-written in a small subset of YAML, and this reader accepts that
/// subset only — block mappings indented by two spaces, flow collections (`{…}`, `[…]`),
/// plain and double-quoted scalars — and throws on anything else (a block sequence, a block
/// scalar, a tab), so a schema written in another style fails the test instead of being skipped.
enum YAMLNode: Equatable {
    case scalar(String)
    case list([YAMLNode])
    case map([(String, YAMLNode)])

    static func == (a: YAMLNode, b: YAMLNode) -> Bool {
        switch (a, b) {
        case (.scalar(let x), .scalar(let y)): x == y
        case (.list(let x), .list(let y)): x == y
        case (.map(let x), .map(let y)): x.map(\.0) == y.map(\.0) && zip(x, y).allSatisfy { $0.1 == $1.1 }
        default: false
        }
    }

    subscript(_ key: String) -> YAMLNode? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var text: String? { if case .scalar(let s) = self { s } else { nil } }
    var items: [YAMLNode] { if case .list(let l) = self { l } else { [] } }
    var pairs: [(String, YAMLNode)] { if case .map(let m) = self { m } else { [] } }
}

struct YAMLSubsetError: Error, CustomStringConvertible {
    let description: String
}

enum YAMLSubset {
    /// The block mapping found at `path` (keys at successive indents), parsed.
    static func section(_ text: String, path: [String]) throws -> YAMLNode {
        let lines = text.components(separatedBy: "\n")
        var start = 0, indent = 0
        for key in path {
            guard let i = lines[start...].firstIndex(where: { $0 == String(repeating: " ", count: indent) + key + ":" }) else {
                throw YAMLSubsetError(description: "no block `\(key):` at indent \(indent)")
            }
            start = i + 1; indent += 2
        }
        var reader = BlockReader(lines: lines, index: start)
        return try reader.block(indent: indent)
    }

    /// A flow value (`{…}`, `[…]`, a quoted or plain scalar), as on the right of `key: `.
    static func flow(_ text: String) throws -> YAMLNode {
        var reader = FlowReader(chars: Array(text), at: 0)
        let node = try reader.value(topLevel: true)
        reader.skipSpaces()
        guard reader.at == reader.chars.count else { throw YAMLSubsetError(description: "trailing text in `\(text)`") }
        return node
    }
}

private struct BlockReader {
    let lines: [String]
    var index: Int

    static func indentOf(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }

    mutating func block(indent: Int) throws -> YAMLNode {
        var pairs: [(String, YAMLNode)] = []
        while index < lines.count {
            let line = lines[index]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { index += 1; continue }
            let here = Self.indentOf(line[...])
            if here < indent { break }
            guard here == indent else { throw YAMLSubsetError(description: "line \(index + 1): unexpected indent") }
            let body = line.dropFirst(indent)
            guard !body.hasPrefix("-"), !body.hasPrefix("#"), !line.contains("\t") else {
                throw YAMLSubsetError(description: "line \(index + 1): outside the subset this reader knows (`\(body)`)")
            }
            guard let colon = body.firstIndex(of: ":") else { throw YAMLSubsetError(description: "line \(index + 1): no `key:`") }
            var key = String(body[..<colon])
            if key.hasPrefix("\""), key.hasSuffix("\""), key.count >= 2 { key = String(key.dropFirst().dropLast()) }
            let rest = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            index += 1
            if rest.isEmpty {
                pairs.append((key, try block(indent: indent + 2)))
            } else {
                guard rest != "|", rest != ">" else { throw YAMLSubsetError(description: "line \(index): block scalars are outside the subset") }
                pairs.append((key, try YAMLSubset.flow(rest)))
            }
        }
        return .map(pairs)
    }
}

private struct FlowReader {
    let chars: [Character]
    var at: Int

    mutating func skipSpaces() { while at < chars.count, chars[at] == " " { at += 1 } }

    mutating func value(topLevel: Bool = false) throws -> YAMLNode {
        skipSpaces()
        guard at < chars.count else { throw YAMLSubsetError(description: "a value is missing") }
        switch chars[at] {
        case "{":
            at += 1
            var pairs: [(String, YAMLNode)] = []
            while true {
                skipSpaces()
                if at < chars.count, chars[at] == "}" { at += 1; return .map(pairs) }
                guard case .scalar(let key) = try scalar(stops: [":"]) else { throw YAMLSubsetError(description: "a key is missing") }
                guard at < chars.count, chars[at] == ":" else { throw YAMLSubsetError(description: "`:` missing after \(key)") }
                at += 1
                pairs.append((key, try value()))
                skipSpaces()
                if at < chars.count, chars[at] == "," { at += 1 }
            }
        case "[":
            at += 1
            var items: [YAMLNode] = []
            while true {
                skipSpaces()
                if at < chars.count, chars[at] == "]" { at += 1; return .list(items) }
                items.append(try value())
                skipSpaces()
                if at < chars.count, chars[at] == "," { at += 1 }
            }
        default:
            return try scalar(stops: topLevel ? [] : [",", "}", "]"])
        }
    }

    mutating func scalar(stops: Set<Character>) throws -> YAMLNode {
        skipSpaces()
        if at < chars.count, chars[at] == "\"" {
            at += 1
            var out = ""
            while at < chars.count, chars[at] != "\"" {
                if chars[at] == "\\", at + 1 < chars.count { at += 1 }
                out.append(chars[at]); at += 1
            }
            guard at < chars.count else { throw YAMLSubsetError(description: "unterminated string") }
            at += 1
            return .scalar(out)
        }
        var out = ""
        while at < chars.count, !stops.contains(chars[at]) { out.append(chars[at]); at += 1 }
        return .scalar(out.trimmingCharacters(in: .whitespaces))
    }
}
