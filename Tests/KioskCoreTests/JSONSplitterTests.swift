import Foundation
import Testing
@testable import KioskCore

/// The splitter reads attacker input: every malformed text is a sentence, never a crash, and
/// a well-formed one is cut exactly where a JSON parser would cut it.
@Suite("JSON splitter")
struct JSONSplitterTests {
    func split(_ text: String) throws(JSONSplitter.Failure) -> [JSONSplitter.Member] {
        try JSONSplitter.members(of: Data(text.utf8), splitting: "accounts")
    }

    func failure(_ text: String) -> JSONSplitter.Failure? {
        do { _ = try split(text); return nil } catch { return error }
    }

    func slice(_ text: String, _ range: Range<Int>) -> String { String(decoding: Array(text.utf8)[range], as: UTF8.self) }

    @Test("members and the accounts' elements, with strings holding quotes, brackets and escapes")
    func wellFormed() throws {
        let text = #" {"format": "x", "accounts" : [ {"name": "a \"}] ["}, {"n": [1, {"b": "\\"}]} , 7 ], "z\u0041": null } "#
        let members = try split(text)
        #expect(members.map(\.name) == ["format", "accounts", "zA"])
        let elements = try #require(members[1].elements)
        #expect(elements.map { slice(text, $0) } == [#"{"name": "a \"}] ["}"#, #"{"n": [1, {"b": "\\"}]}"#, "7"])
        #expect(slice(text, members[0].whole) == #""format": "x""#)
        #expect(members[2].elements == nil && slice(text, members[2].value) == "null")
        #expect(try split("{}").isEmpty)
        #expect(try split(#"{"accounts": []}"#).first?.elements == [])
        // Not an array: kept whole (the decoder says what is wrong with it).
        #expect(try split(#"{"accounts": {"a": 1}}"#).first?.elements == nil)
    }

    @Test("every element of a large document is found, byte for byte")
    func matchesParser() throws {
        let accounts = (0..<500).map { i in ["number": "\(i)", "name": "N \"\(i)\" [{", "items": [["id": "\\\(i)"]]] as [String: Any] }
        let data = try JSONSerialization.data(withJSONObject: ["format": "f", "accounts": accounts], options: [.prettyPrinted])
        let members = try JSONSplitter.members(of: data, splitting: "accounts")
        let elements = try #require(members.first { $0.name == "accounts" }?.elements)
        #expect(elements.count == 500)
        for (i, range) in elements.enumerated() {
            let object = try JSONSerialization.jsonObject(with: data[range]) as? [String: Any]
            #expect(object?["number"] as? String == "\(i)")
        }
    }

    @Test("malformed: truncated, unbalanced, trailing text, bad separators, deep nesting")
    func malformed() {
        let cases: [(String, String)] = [
            ("", "empty"),
            ("   ", "empty"),
            (#"{"accounts": [{"a": 1}"#, "ends early"),
            (#"{"accounts": [{"a": "x"#, "not closed"),
            (#"{"accounts": [{"a": "x\"#, "not closed"),
            (#"{"a": 1"#, "ends early"),
            (#"{"a": [1}]}"#, "expected ']'"),
            (#"{"a": 1]}"#, "expected ',' or '}'"),
            (#"{"accounts": [1 2]}"#, "expected ',' or ']'"),
            (#"{"accounts": [1,]}"#, "expected a value"),
            (#"{"a": 1} x"#, "after the object"),
            (#"{"a": 1}}"#, "after the object"),
            (#"{a: 1}"#, "member name"),
            (#"{"a" 1}"#, "':'"),
            (#"["a"]"#, "JSON object"),
            (#"{"a": }"#, "expected a value"),
            (#"{"a": tr"ue}"#, "unexpected character"),
            ("{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}", "nested more than 512"),
            ("{\"accounts\": [" + String(repeating: "{\"a\":", count: 600) + "1" + String(repeating: "}", count: 600) + "]}", "nested more than 512"),
        ]
        for (text, expected) in cases {
            let error = failure(text)
            #expect(error?.description.contains(expected) == true, "\(text.prefix(60)): \(error?.description ?? "accepted")")
        }
        // Nesting just under the cap is fine (the decoder has its own limit).
        #expect(failure("{\"a\": " + String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "}") == nil)
    }

    @Test("every prefix of a document is refused or split without a crash")
    func prefixes() {
        let text = #"{"format": "kioskpay.sync.v1", "accounts": [{"number": "1", "name": "a\"b", "x": [1, {"y": "]}"}]}, {}]}"#
        let bytes = Array(text.utf8)
        for n in 0..<bytes.count {
            #expect(throws: JSONSplitter.Failure.self) { try JSONSplitter.members(of: Data(bytes[0..<n]), splitting: "accounts") }
        }
        #expect(failure(text) == nil)
    }

    @Test("random bytes never crash it")
    func randomBytes() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array(#"{}[]",:\ ab1"#.utf8)
        for _ in 0..<2_000 {
            let count = Int.random(in: 0..<64, using: &generator)
            let bytes = (0..<count).map { _ in alphabet.randomElement(using: &generator)! }
            _ = try? JSONSplitter.members(of: Data(bytes), splitting: "accounts")
            _ = JSONSplitter.isSingleValue(Data(bytes))
        }
    }

    @Test("a streamed document names an account's problems from the document's root")
    func streamPaths() throws {
        let text = #"{"format": "kioskpay.sync.v1", "as_of": "2026-11-20T12:00:00Z", "currency": "USD", "accounts": [{"number": "1"}, 5]}"#
        let stream = try SyncDocumentStream(bytes: Data(text.utf8))
        #expect(try stream.header.get().currency == "USD")
        #expect(stream.accounts.count == 2)
        guard case .failure(let missing) = stream.account(0) else { Issue.record("decoded"); return }
        #expect(missing.path.hasPrefix("accounts[0].") && missing.problem == "missing", "\(missing)")
        guard case .failure(let notObject) = stream.account(1) else { Issue.record("decoded"); return }
        #expect(notObject.path == "accounts[1]")
        #expect(throws: SyncDocumentError(path: "", problem: "expected an object")) { try SyncDocumentStream(bytes: Data("[1]".utf8)) }
        #expect(throws: SyncDocumentError(path: "", problem: "not valid JSON (The given data was not valid JSON.)")) {
            try SyncDocumentStream(bytes: Data(#"{"accounts": [1 2]}"#.utf8))
        }
    }
}
