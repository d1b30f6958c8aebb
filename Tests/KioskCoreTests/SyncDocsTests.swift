import Foundation
import Testing
@testable import KioskCore

/// docs/SYNC.md against the real decoder: every JSON example decodes and validates, and every
/// error its "Validation errors" table quotes is the sentence the kiosk gives for that change.
@Suite("SYNC.md against the decoder")
struct SyncDocsTests {
    static let syncDoc = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/SYNC.md")

    static func text() throws -> String { try String(contentsOf: syncDoc, encoding: .utf8) }

    /// The bodies of the ```json blocks, in order.
    static func examples() throws -> [String] {
        var out: [String] = []
        var current: [String]?
        for line in try text().components(separatedBy: "\n") {
            if current == nil, line.trimmingCharacters(in: .whitespaces) == "```json" { current = []; continue }
            if current != nil, line.trimmingCharacters(in: .whitespaces) == "```" { out.append(current!.joined(separator: "\n")); current = nil; continue }
            current?.append(line)
        }
        return out
    }

    static func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not a JSON object:\n\(json)")
    }

    /// The first (whole) example with the fragment's members put into its first account:
    /// how "Optional additions" reads ("members of an account that may now appear").
    static func documentWithAdditions() throws -> [String: Any] {
        let all = try examples()
        var document = try object(all[0])
        let fragment = try object("{" + all[1] + "}")
        var accounts = try #require(document["accounts"] as? [[String: Any]])
        for (key, value) in fragment { accounts[0][key] = value }
        document["accounts"] = accounts
        return document
    }

    static func decode(_ object: [String: Any]) throws(SyncDocumentError) -> SyncDocument {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return try SyncDocument.decode(from: data)
    }

    @Test("SYNC.md has its examples: the whole document and the optional additions")
    func examplesFound() throws {
        let all = try Self.examples()
        #expect(all.count >= 2, "found \(all.count) json blocks")
        #expect(all[1].trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("\"items\""))
    }

    @Test("every example decodes and validates; whole documents as they are, fragments inside the first example's account")
    func everyExampleDecodes() throws {
        for (n, example) in try Self.examples().enumerated() {
            let trimmed = example.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.hasPrefix("{") {
                do { _ = try Self.decode(try Self.object(example)) } catch { Issue.record("example \(n + 1): \(error)") }
            } else {
                var document = try Self.object(try Self.examples()[0])
                var accounts = try #require(document["accounts"] as? [[String: Any]])
                for (key, value) in try Self.object("{" + example + "}") { accounts[0][key] = value }
                document["accounts"] = accounts
                do { _ = try Self.decode(document) } catch { Issue.record("example \(n + 1) (a fragment): \(error)") }
            }
        }
    }

    @Test("the optional additions are read, not skipped: lines, balances and aging as written")
    func additionsRead() throws {
        let account = try Self.decode(try Self.documentWithAdditions()).accounts[0]
        let invoice = try #require(account.items.first)
        #expect(invoice.lines == [InvoiceLine(name: "Lumber", amount: 8000), InvoiceLine(name: "Delivery", amount: 2000)])
        let statement = try #require(account.statements.first)
        #expect(statement.openingBalance == 2500 && statement.closingBalance == 12500)
        #expect(statement.aging == StatementAging(current: 10000, days1to30: 2500, days31to60: 0, days61to90: 0, over90: 0))
        #expect(statement.lines == [StatementLine(date: LocalDate("2026-10-01")!, kind: .invoice, number: "10023", amount: 10000)])
        // The first example, without them: unknown, not zero.
        let plain = try Self.decode(try Self.object(try Self.examples()[0])).accounts[0]
        #expect(plain.items[0].lines.isEmpty && plain.statements[0].aging == nil && plain.statements[0].openingBalance == nil
                && plain.statements[0].lines.isEmpty)
    }

    /// `change` cell → error cell, from the "## Validation errors" table.
    static func errorRows() throws -> [(change: String, error: String)] {
        let section = try #require(try text().components(separatedBy: "## Validation errors").dropFirst().first)
        var rows: [(String, String)] = []
        for line in section.components(separatedBy: "\n").prefix(while: { !$0.hasPrefix("## ") }) where line.hasPrefix("| `") {
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: "` | `")
            guard cells.count == 2 else { Issue.record("a row that is not `change` | `error`: \(line)"); continue }
            rows.append((String(cells[0].dropFirst()), String(cells[1].dropLast())))
        }
        return rows
    }

    @Test("every error the validation table quotes is what the decoder says for that change")
    func validationTable() throws {
        let rows = try Self.errorRows()
        #expect(rows.count >= 10)
        for row in rows {
            var document = try Self.documentWithAdditions()
            try Self.apply(row.change, to: &document)
            do {
                _ = try Self.decode(document)
                Issue.record("accepted: \(row.change)")
            } catch {
                #expect(error.description == row.error, "\(row.change)")
            }
        }
    }

    /// `PATH = JSON` sets (an index one past the end appends); `delete PATH` removes a member.
    static func apply(_ change: String, to document: inout [String: Any]) throws {
        let path: String
        let value: Any?
        if change.hasPrefix("delete ") {
            path = String(change.dropFirst(7)); value = nil
        } else {
            let parts = change.components(separatedBy: " = ")
            try #require(parts.count == 2, "not PATH = JSON: \(change)")
            path = parts[0]
            value = try JSONSerialization.jsonObject(with: Data(parts[1].utf8), options: .fragmentsAllowed)
        }
        var steps: [Any] = []
        for piece in path.components(separatedBy: ".") {
            var rest = Substring(piece)
            if let open = rest.firstIndex(of: "[") {
                steps.append(String(rest[..<open])); rest = rest[open...]
                while rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
                    steps.append(Int(rest[rest.index(after: rest.startIndex)..<close])!); rest = rest[rest.index(after: close)...]
                }
            } else {
                steps.append(piece)
            }
        }
        document = try set(document, steps[...], value) as! [String: Any]
    }

    private static func set(_ node: Any, _ steps: ArraySlice<Any>, _ value: Any?) throws -> Any {
        guard let step = steps.first else { return value as Any }
        let rest = steps.dropFirst()
        if let key = step as? String {
            var object = try #require(node as? [String: Any], "no object at \(key)")
            if rest.isEmpty, value == nil { object[key] = nil } else { object[key] = try set(object[key] as Any, rest, value) }
            return object
        }
        var array = try #require(node as? [Any], "no array at [\(step)]")
        let index = step as! Int
        if index == array.count { array.append(try set([String: Any](), rest, value)) } else { array[index] = try set(array[index], rest, value) }
        return array
    }
}
