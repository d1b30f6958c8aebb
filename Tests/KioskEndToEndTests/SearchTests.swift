#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures
import Testing

/// Issue 15 item 5, `kioskctl search` through a real kioskd: each kind of thing found, the
/// ranking, a sync that renames an account, refusals by role and for bad text.
@Suite("Search from kioskctl", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct SearchTests {
    /// The demo store as of `asOf`, plus three accounts that make "kim" match at every rank,
    /// as `sync.apply` params.
    static func document(asOf: Date, edit: (inout SyncDocument) -> Void = { _ in }) throws -> [String: Any] {
        var doc = DemoStore.document(today: DemoStore.today(at: Date()), now: Instant(asOf))
        let branch = doc.accounts[0].branch
        doc.accounts += [Account(number: "9001", name: "Zed Traders", company: "Kim", branch: branch),
                         Account(number: "9002", name: "Kimberly Ross", branch: branch),
                         Account(number: "9003", name: "Joakim Berg", branch: branch)]
        edit(&doc)
        return try JSONSerialization.jsonObject(with: JSONEncoder().encode(doc)) as? [String: Any] ?? [:]
    }

    /// `kioskctl search ARGS --json`'s results.
    static func results(_ daemon: DaemonProcess, _ arguments: [String], gid: UInt32 = ScratchGroups.manager) throws -> [[String: Any]] {
        let run = try ContactTests.ctl(daemon, ["search"] + arguments + ["--json"], gid: gid)
        #expect(run.status == 0, "\(arguments): \(run.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any]
        return object?["results"] as? [[String: Any]] ?? []
    }

    /// `kind account rank` per result.
    static func ranked(_ results: [[String: Any]]) -> [String] {
        results.map { "\($0["kind"] as? String ?? "?") \($0["account"] as? String ?? "?") \($0["rank"] as? Int ?? 0)" }
    }

    @Test("finds an account by number and by a word of its name, a contact, an invoice and a PO number; ranked; the table keeps ids whole")
    func findsEachKind() throws {
        let daemon = try PaymentTests().demo("search-kinds")
        #expect(try daemon.client().call("sync.apply", params: Self.document(asOf: Date())).error == nil)

        let number = try Self.results(daemon, ["1001"])
        #expect(number.first?["kind"] as? String == "account" && number.first?["account"] as? String == "1001"
                && number.first?["match"] as? String == "number" && number.first?["rank"] as? Int == 1, "\(number)")
        #expect(Self.ranked(try Self.results(daemon, ["PATEL"])) == ["account 4001 3", "contact 4001 3"])
        let contact = try Self.results(daemon, ["jamie"])
        #expect((contact.first?["contact"] as? [String: Any])?["id"] as? String == "C-1001-2" && contact.count == 1, "\(contact)")
        let invoice = try Self.results(daemon, ["40117"])
        #expect((invoice.first?["invoice"] as? [String: Any])?["id"] as? String == "I-1001-1" && invoice.first?["account_name"] as? String == "Pat Doe",
                "\(invoice)")
        let po = try Self.results(daemon, ["oak-deck"])
        #expect(po.first?["kind"] as? String == "po_number" && po.first?["po_number"] as? String == "OAK-DECK"
                && (po.first?["invoice"] as? [String: Any])?["number"] as? String == "40231", "\(po)")

        // Exact, prefix, a later word, anywhere; at one rank by name (an account before its contact).
        #expect(Self.ranked(try Self.results(daemon, ["kim"])) == ["account 9001 1", "account 9002 2", "account 3001 3", "contact 3001 3", "account 9003 4"])
        let page = try ContactTests.ctl(daemon, ["search", "kim", "--limit", "2", "--json"])
        let pageObject = try JSONSerialization.jsonObject(with: Data(page.stdout.utf8)) as? [String: Any]
        #expect((pageObject?["results"] as? [Any])?.count == 2 && pageObject?["more"] as? Bool == true, "\(page.stdout)")

        // The table: kind, account, name, what matched, with the ids to copy next.
        let table = try ContactTests.ctl(daemon, ["search", "oak"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(table.status == 0 && lines.first?.hasPrefix("KIND") == true && lines.count == 5, "\(table.stdout)")
        #expect(lines.dropFirst().first?.contains("PO OAK-DECK on invoice 40231 (id I-1001-3)") == true, "\(table.stdout)")
        #expect(lines.last?.contains("9003") == true && lines.last?.contains("Joakim Berg") == true, "\(table.stdout)")
        let people = try ContactTests.ctl(daemon, ["search", "doe", "--limit", "1"])
        #expect(people.stdout.contains("More match"), "\(people.stdout)")
        let none = try ContactTests.ctl(daemon, ["search", "zzzz"])
        #expect(none.status == 0 && none.stdout == "No account, contact, invoice or PO number matches.\n", "\(none)")

        // A technician may search too.
        #expect(Self.ranked(try Self.results(daemon, ["1001"], gid: ScratchGroups.technician)).first == "account 1001 1")
    }

    @Test("after a sync renames an account the new name is found and the old one is not; a dropped invoice is gone")
    func followsSync() throws {
        let daemon = try PaymentTests().demo("search-sync")
        let root = try daemon.client()
        #expect(try root.call("sync.apply", params: Self.document(asOf: Date())).error == nil)
        #expect(Self.ranked(try Self.results(daemon, ["patel"])) == ["account 4001 3", "contact 4001 3"])
        #expect(Self.ranked(try Self.results(daemon, ["52045"])) == ["invoice 4001 1"])

        let renamed = try Self.document(asOf: Date().addingTimeInterval(1)) { doc in
            let i = doc.accounts.firstIndex { $0.number == "4001" }!
            doc.accounts[i].name = "Samira Quinn"
            doc.accounts[i].items.removeAll { $0.id == "I-4001-2" }
        }
        let applied = try root.call("sync.apply", params: renamed)
        #expect(applied.error == nil, "\(applied)")
        let quinn = try Self.results(daemon, ["quinn"])
        #expect(Self.ranked(quinn) == ["account 4001 3"] && quinn.first?["account_name"] as? String == "Samira Quinn", "\(quinn)")
        // Sam Patel is still a contact's name; the account is no longer found by it.
        #expect(Self.ranked(try Self.results(daemon, ["patel"])) == ["contact 4001 3"])
        #expect(try Self.results(daemon, ["52045"]).isEmpty)
        let invoice = try Self.results(daemon, ["52011"])
        #expect(invoice.first?["account_name"] as? String == "Samira Quinn", "\(invoice)")
    }

    @Test("refused: the front's role (77); empty, too long (64); card data (65, never sent or repeated); bad params at the socket")
    func refusals() throws {
        let daemon = try PaymentTests().demo("search-refusals")
        let front = try ContactTests.ctl(daemon, ["search", "1001"], gid: ScratchGroups.front)
        #expect(front.status == 77 && front.stdout.isEmpty && front.stderr.contains("permission denied"), "\(front)")

        for text in ["", "   ", String(repeating: "a", count: 65)] {
            let bad = try ContactTests.ctl(daemon, ["search", text])
            #expect(bad.status == 64 && bad.stdout.isEmpty, "\(text.count): \(bad)")
        }
        #expect(try ContactTests.ctl(daemon, ["search", ""]).stderr.contains("Give something to search for"))
        #expect(try ContactTests.ctl(daemon, ["search", String(repeating: "a", count: 65)]).stderr.contains("at most 64"))
        #expect(try ContactTests.ctl(daemon, ["search", "1001", "--limit", "0"]).status == 64)

        for card in ["4111 1111 1111 1111", "4111111111111111", ";4111111111111111=2812"] {
            let refused = try ContactTests.ctl(daemon, ["search", card])
            #expect(refused.status == 65 && refused.stderr.contains("looks like a card number") && !refused.stderr.contains("4111"), "\(refused)")
        }

        // The daemon refuses on its own too (another client), naming the parameter, never the value.
        let root = try daemon.client()
        let card = try root.call("search", params: ["text": "5500 0055 5555 5559"])
        #expect(card.errorCode == -32602 && card.errorData["path"] as? String == "params.text" && card.errorMessage.contains("card data")
                && !card.errorMessage.contains("5500"), "\(card)")
        let empty = try root.call("search", params: ["text": " "])
        #expect(empty.errorCode == -32602 && empty.errorMessage.contains("1 to 64 characters"), "\(empty)")
        let limit = try root.call("search", params: ["text": "doe", "limit": 101])
        #expect(limit.errorCode == -32602 && limit.errorData["path"] as? String == "params.limit", "\(limit)")
        #expect(!daemon.log.contains("5500 0055"), "the log never holds it")
    }
}
