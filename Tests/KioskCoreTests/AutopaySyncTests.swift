import Foundation
import KioskCore
import KioskFixtures
import Testing

/// The sync's optional `autopay_rules` (SYNC.md "Optional additions"): absent keeps the
/// kiosk's, present replaces; each bad rule refused with the path of what is wrong.
struct AutopaySyncTests {
    /// The demo document as JSON, with `rules` set on account 1001 (cards K-1001-1, K-1001-2).
    static func document(rules: Any?) throws -> Data {
        let demo = DemoStore.document(today: LocalDate(year: 2026, month: 12, day: 2)!, now: Instant(Date()))
        var json = try JSONSerialization.jsonObject(with: SyntheticStore.json(demo)) as! [String: Any]
        var accounts = json["accounts"] as! [[String: Any]]
        let i = accounts.firstIndex { $0["number"] as? String == "1001" }!
        if let rules { accounts[i]["autopay_rules"] = rules }
        json["accounts"] = accounts
        return try JSONSerialization.data(withJSONObject: json)
    }

    static func rule(_ id: String, card: String = "K-1001-1", _ rows: [[String: Any]], position: Int? = nil) -> [String: Any] {
        var r: [String: Any] = ["id": id, "method": ["card_on_file": card], "criteria": rows]
        if let position { r["position"] = position }
        return r
    }

    @Test("absent: nil (the kiosk keeps its rules); present: read in order, enabled and unlocked unless said")
    func reads() throws {
        let absent = try SyncDocument.decode(from: Self.document(rules: nil))
        #expect(absent.accounts.first { $0.number == "1001" }?.autopayRules == nil)
        let doc = try SyncDocument.decode(from: Self.document(rules: [
            Self.rule("R1", [["field": "amount", "op": "le", "values": [50_000]]], position: 1),
            Self.rule("R2", card: "K-1001-2", [["field": "job", "op": "is", "values": [2]], ["field": "age_days", "op": "ge", "values": [15]]]),
        ]))
        let rules = try #require(doc.accounts.first { $0.number == "1001" }?.autopayRules)
        #expect(rules.map(\.id) == ["R1", "R2"] && rules.allSatisfy { $0.enabled && !$0.locked } && rules[1].criteria.count == 2)
        let none = try SyncDocument.decode(from: Self.document(rules: []))
        #expect(none.accounts.first { $0.number == "1001" }?.autopayRules == [], "present and empty: no rules")
    }

    @Test("each bad rule is refused with its path and the reason in words", arguments: [
        (#"[{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"amount","op":"le","values":[1]}]},{"id":"R2","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"job","op":"lt","values":[1]}]}]"#,
         "autopay_rules[1].criteria[0].op: operator lt is not allowed for field job"),
        (#"[{"id":"R1","method":{"card_on_file":"K-NONE"},"criteria":[{"field":"amount","op":"le","values":[1]}]}]"#,
         "autopay_rules[0].method: the rule's payment method is not on file"),
        (#"[{"id":"R1","position":2,"method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"amount","op":"le","values":[1]}]}]"#,
         "autopay_rules[0].position: must be 1, its place in the array (or left out)"),
        (#"[{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[]}]"#, "autopay_rules[0]: a rule needs at least one row"),
        (#"[{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"amount","op":"between","values":[9,3]}]}]"#,
         "autopay_rules[0].criteria[0].values: between's low value is above its high value"),
        (#"[{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"job","op":"is","values":[9]}]}]"#,
         "autopay_rules[0].criteria[0].values: the account has no job 9"),
        (#"[{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"amount","op":"le","values":[1]}]},{"id":"R1","method":{"card_on_file":"K-1001-1"},"criteria":[{"field":"amount","op":"le","values":[1]}]}]"#,
         "autopay_rules[1].id: another rule of this account has the same id"),
    ])
    func refused(rules: String, expected: String) throws {
        let parsed = try JSONSerialization.jsonObject(with: Data(rules.utf8))
        do {
            _ = try SyncDocument.decode(from: Self.document(rules: parsed))
            Issue.record("accepted: \(rules)")
        } catch {
            #expect("\(error)".hasSuffix(expected) && "\(error)".hasPrefix("accounts["), "\(error)")
        }
    }
}
