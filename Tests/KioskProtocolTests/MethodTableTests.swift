import Foundation
import KioskProtocol
import Testing

/// docs/PROTOCOL.md's method table against the declarations (``Methods/all``): a method a
/// person reads about is one the daemon serves, with the access the daemon enforces.
@Suite("PROTOCOL.md method table")
struct MethodTableTests {
    static let protocolDoc = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/PROTOCOL.md")

    /// Method name → roles cell, from the rows of "## Methods served now".
    static func rows() throws -> [String: String] {
        let text = try String(contentsOf: protocolDoc, encoding: .utf8)
        let section = try #require(text.components(separatedBy: "## Methods served now").dropFirst().first)
        var rows: [String: String] = [:]
        for line in section.components(separatedBy: "\n").prefix(while: { !$0.hasPrefix("## ") }) where line.hasPrefix("| `") {
            let cells = line.components(separatedBy: " | ")
            guard cells.count >= 3 else { continue }
            let names = cells[0].dropFirst(2).components(separatedBy: " / ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` ")) }
            for name in names { rows[name] = cells[1] }
        }
        return rows
    }

    /// The phrase a row's roles cell starts with, from the declaration.
    static func phrase(_ access: MethodAccess) -> String {
        func with(_ p: [ContactPermission]) -> String {
            p.isEmpty ? "" : " with " + p.map { "`\($0.rawValue)`" }.joined(separator: " or ")
        }
        switch (access.callers, access.session) {
        case (_, .customer(let p)): return "front signed in" + with(p) + "; staff"
        case (_, .signedIn(let p)): return "signed in" + with(p)
        case (.everyone, .none): return "all"
        case (.staff, .none): return "manager, technician"
        case (.technicians, .none): return "technician"
        }
    }

    @Test("every declared method has a row, and every row names a declared method")
    func sameMethods() throws {
        let rows = try Self.rows()
        let declared = Set(Methods.all.map { $0.name })
        #expect(declared.subtracting(rows.keys).isEmpty, "no row in docs/PROTOCOL.md for \(declared.subtracting(rows.keys).sorted())")
        #expect(Set(rows.keys).subtracting(declared).isEmpty, "rows for undeclared methods: \(Set(rows.keys).subtracting(declared).sorted())")
    }

    @Test("each row's roles cell says what the declaration enforces")
    func sameAccess() throws {
        let rows = try Self.rows()
        for method in Methods.all {
            guard let cell = rows[method.name] else { continue }
            let phrase = Self.phrase(method.access)
            guard cell.hasPrefix(phrase) else {
                Issue.record("\(method.name): the table says \"\(cell)\", the declaration \"\(phrase)…\"")
                continue
            }
            if cell == phrase { continue }
            // The next character ends the phrase: "all" is not a prefix of "all but …".
            let next = cell[cell.index(cell.startIndex, offsetBy: phrase.count)]
            #expect(" (;,".contains(next), "\(method.name): \"\(cell)\"")
        }
    }

    @Test("names are unique, and every declaration's line-break paths are under params")
    func declarationsAreWellFormed() {
        #expect(Set(Methods.all.map { $0.name }).count == Methods.all.count)
        for method in Methods.all {
            #expect(Methods.named(method.name) != nil)
            #expect(method.lineBreakParams.allSatisfy { $0.hasPrefix("params.") }, "\(method.name)")
        }
    }
}
