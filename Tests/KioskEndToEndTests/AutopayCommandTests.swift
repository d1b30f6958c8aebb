import Foundation
import KioskCore
import KioskFixtures
import Testing

/// `kioskctl autopay …` through the real daemon with the demo store (issue 14, item 7): staff
/// list, create, change, move, enable, disable and delete an account's rules in words; every
/// refusal (the grammar's, the daemon's invalid_rule, an unknown rule, a bad position, the
/// front's role) is a sentence and a failing exit status; payments a rule made say so.
@Suite("Autopay from kioskctl", .serialized)
struct AutopayCommandTests {
    let helper = PaymentTests()

    /// Runs kioskctl as a manager (not the technician the test's own user is).
    func manager(_ daemon: DaemonProcess, _ arguments: [String]) throws -> ProcessResult {
        try daemon.kioskctl(arguments, uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
    }

    /// The id in "Created rule A7K2QXM of account 1001…".
    static func createdID(_ result: ProcessResult) -> String {
        result.stdout.firstMatch(of: /Created rule (\S+) of account/).map { String($0.1) } ?? ""
    }

    /// No run of 12 or more digits (a card number, spaced or not) anywhere in what was printed.
    static func noPAN(_ results: [ProcessResult]) {
        for r in results {
            let text = r.stdout + r.stderr
            #expect(text.firstMatch(of: /\d(?:[ -]?\d){11,}/) == nil, "a card-like number was printed: \(text)")
            #expect(!text.contains("4242424242424242") && !text.contains("4111111111111111"))
        }
    }

    @Test("a manager creates rules with --when rows, sees them in words, changes, moves, disables, enables, locks and deletes them")
    func managerManagesRules() throws {
        let daemon = try helper.demo("kioskctl-autopay")
        var outputs: [ProcessResult] = []
        func run(_ arguments: [String]) throws -> ProcessResult {
            let result = try manager(daemon, arguments)
            outputs.append(result)
            return result
        }

        let empty = try run(["autopay", "list", "1001"])
        #expect(empty.status == 0 && empty.stdout.contains("Account 1001 has no autopay rules."), "\(empty.stdout)\(empty.stderr)")

        let small = try run(["autopay", "create", "1001", "--card", "K-1001-1", "--when", "amount le 1000.00", "--when", "age_days ge 15"])
        #expect(small.status == 0 && small.stdout.contains("Created rule A"), "\(small.stdout)\(small.stderr)")
        let a = Self.createdID(small)
        #expect(a.count == 7, "\(small.stdout)")
        let listed = try run(["autopay", "list", "1001"])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("1. \(a)  enabled, made here, waiting for the back office  pays with CARD ENDING IN 4242 (card K-1001-1)"), "\(listed.stdout)")
        #expect(listed.stdout.contains("when amount at most $1,000.00") && listed.stdout.contains("and age in days at least 15"), "\(listed.stdout)")

        // A second, locked and disabled, put first.
        let oak = try run(["autopay", "create", "1001", "--card", "K-1001-2", "--when", "job is 2", "--when", "days_until_due between 0,5",
                           "--position", "1", "--locked", "--disabled"])
        #expect(oak.status == 0, "\(oak.stdout)\(oak.stderr)")
        let b = Self.createdID(oak)
        let two = try run(["autopay", "list", "1001"]).stdout
        #expect(two.contains("1. \(b)  disabled, locked, made here") && two.contains("2. \(a)  enabled"), "\(two)")
        #expect(two.contains("pays with Pat's Oak St Amex (card K-1001-2)") && two.contains("when job is 2")
                && two.contains("and days until due between 0 and 5"), "\(two)")

        // --json is the daemon's object.
        let json = try run(["autopay", "list", "1001", "--json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any] ?? [:]
        let rules = object["rules"] as? [[String: Any]] ?? []
        #expect(rules.map { $0["id"] as? String } == [b, a] && rules.first?["locked"] as? Bool == true, "\(json.stdout)")
        #expect((rules.last?["criteria"] as? [[String: Any]])?.first?["values"] as? [Int] == [100_000], "amounts go as minor units: \(json.stdout)")

        // Rows replaced; amounts as money both ways.
        let changed = try run(["autopay", "update", "1001", a, "--when", "po_number one_of A, B", "--when", "amount between 10.50,2000"])
        #expect(changed.status == 0 && changed.stdout.contains("Changed rule \(a)"), "\(changed.stdout)\(changed.stderr)")
        #expect(changed.stdout.contains("when PO number one of A, B") && changed.stdout.contains("and amount between $10.50 and $2,000.00"), "\(changed.stdout)")

        let card = try run(["autopay", "update", "1001", a, "--card", "K-1001-2"])
        #expect(card.status == 0 && card.stdout.contains("pays with Pat's Oak St Amex (card K-1001-2)") && card.stdout.contains("PO number one of A, B"),
                "the method replaced, the rows kept: \(card.stdout)\(card.stderr)")
        #expect(try run(["autopay", "update", "1001", a, "--card", "K-1001-1"]).status == 0)

        let moved = try run(["autopay", "move", "1001", b, "2"])
        #expect(moved.status == 0 && moved.stdout.contains("Moved rule \(b) to position 2"), "\(moved.stdout)\(moved.stderr)")
        let order = try run(["autopay", "list", "1001"]).stdout
        #expect(order.contains("1. \(a)  enabled") && order.contains("2. \(b)  disabled, locked"), "\(order)")

        #expect(try run(["autopay", "enable", "1001", b]).stdout.contains("Rule \(b) is enabled."))
        let disabled = try run(["autopay", "disable", "1001", a])
        #expect(disabled.status == 0 && disabled.stdout.contains("Rule \(a) is disabled"), "\(disabled.stdout)\(disabled.stderr)")
        let states = try run(["autopay", "list", "1001"]).stdout
        #expect(states.contains("1. \(a)  disabled") && states.contains("2. \(b)  enabled, locked"), "\(states)")

        let unlocked = try run(["autopay", "update", "1001", b, "--unlocked"])
        #expect(unlocked.status == 0 && !unlocked.stdout.contains("locked,"), "\(unlocked.stdout)\(unlocked.stderr)")
        let relocked = try run(["autopay", "update", "1001", b, "--locked"])
        #expect(relocked.stdout.contains("enabled, locked"), "\(relocked.stdout)")

        let deleted = try run(["autopay", "delete", "1001", a])
        #expect(deleted.status == 0 && deleted.stdout.contains("Deleted rule \(a) of account 1001") && deleted.stdout.contains("PO number one of A, B"),
                "what was deleted is shown: \(deleted.stdout)\(deleted.stderr)")
        let left = try run(["autopay", "list", "1001"]).stdout
        #expect(!left.contains(a) && left.contains("1. \(b)  enabled, locked"), "\(left)")

        // Audited as the manager's.
        let audited = try helper.sql(daemon, "SELECT count(*) FROM audit_log WHERE action LIKE 'autopay.%'")
        #expect(Int(audited) ?? 0 >= 11, "\(audited)")
        Self.noPAN(outputs)
    }

    @Test("refused with a sentence and a failing status: the grammar, the daemon's invalid rule (row named), an unknown rule, a position out of range, the front's role; a technician may")
    func refusals() throws {
        let daemon = try helper.demo("kioskctl-autopay-refused")
        var outputs: [ProcessResult] = []
        func run(_ arguments: [String], gid: UInt32 = ScratchGroups.manager) throws -> ProcessResult {
            let result = try daemon.kioskctl(arguments, uid: ScratchGroups.nobody, gid: gid)
            outputs.append(result)
            return result
        }
        func refused(_ arguments: [String], _ sentence: String, gid: UInt32 = ScratchGroups.manager, sourceLocation: SourceLocation = #_sourceLocation) throws {
            let result = try run(arguments, gid: gid)
            #expect(result.status != 0, "\(arguments): \(result.stdout)", sourceLocation: sourceLocation)
            #expect(result.stderr.contains(sentence), "\(arguments): \(result.stderr)", sourceLocation: sourceLocation)
            #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"), "\(result.stderr)", sourceLocation: sourceLocation)
        }
        let create = ["autopay", "create", "1001", "--card", "K-1001-1"]

        // The grammar's: nothing reaches the daemon.
        try refused(create + ["--when", "amount le lots"], "--when 1 \"amount le lots\": amounts are money, like 1000.00 or $12.50")
        try refused(create + ["--when", "age_days ge 15", "--when", "colour is red"], "--when 2 \"colour is red\": the field must be one of")
        try refused(create + ["--when", "amount"], "--when 1 \"amount\": write it as FIELD OP VALUE")
        try refused(create + ["--when", "amount about 5"], "the operator must be one of is, is_not, lt, le, gt, ge, contains, between, one_of")
        try refused(create + ["--when", "age_days between 5"], "between takes two values, LOW,HIGH")
        try refused(create + ["--when", "job is two"], "job values are whole numbers")
        try refused(create + ["--when", "amount le 10.005"], "USD amounts have 2 decimal places at most")
        try refused(create + ["--when", "po_number is 4111 1111 1111 1111"], "--when 1: a value looks like a card number")
        try refused(["autopay", "create", "1001", "--when", "amount le 5"], "Give the method the rule pays with: --card ID or --bank-account ID.")
        try refused(create + ["--bank-account", "B-1", "--when", "amount le 5"], "Give one of --card and --bank-account, not both.")
        try refused(create, "Give at least one --when row")
        try refused(["autopay", "update", "1001", "A-NONE"], "Nothing to change")
        try refused(["autopay", "move", "1001", "A-NONE", "0"], "The position counts from 1")
        try refused(["autopay", "update", "1001", "A-NONE", "--locked", "--unlocked"], "--unlocked")

        // The daemon's invalid_rule: its sentence, with the row and the --when it came from.
        try refused(create + ["--when", "amount le 10", "--when", "job lt 1"],
                    "the rule cannot be saved: row 2: operator lt is not allowed for field job (--when 2 \"job lt 1\")")
        try refused(create + ["--when", "age_days between 30,10"], "row 1: between's low value is above its high value")
        try refused(create + ["--when", "job is 9"], "row 1: the account has no job 9")
        try refused(["autopay", "create", "1001", "--card", "K-NONE", "--when", "amount le 5"], "the rule cannot be saved")
        try refused(["autopay", "create", "1001", "--bank-account", "B-NONE", "--when", "amount le 5"], "the rule cannot be saved")
        #expect(try run(["autopay", "list", "1001"]).stdout.contains("has no autopay rules"), "nothing was saved")

        let made = try run(create + ["--when", "amount le 5"])
        #expect(made.status == 0, "\(made.stderr)")
        let a = Self.createdID(made)
        try refused(["autopay", "enable", "1001", "A-NONE"], "this account has no autopay rule with that id")
        try refused(["autopay", "delete", "1001", "A-NONE"], "this account has no autopay rule with that id")
        try refused(["autopay", "update", "1001", "A-NONE", "--when", "amount le 5"], "this account has no autopay rule with that id")
        try refused(["autopay", "move", "1001", a, "9"], "position must be 1 to 1")
        try refused(create + ["--when", "amount le 5", "--position", "5"], "position must be 1 to 2")
        try refused(["autopay", "list", "9999"], "no account with that number")

        // The front's role: refused, with the daemon's sentence (the front acts only inside a
        // customer's session, and has none here); nothing changed.
        for command in [["autopay", "list", "1001"], create + ["--when", "amount le 5"], ["autopay", "delete", "1001", a], ["autopay", "disable", "1001", a]] {
            let front = try run(command, gid: ScratchGroups.front)
            #expect(front.status != 0 && front.stderr.hasPrefix("kioskctl: ") && front.stderr.count > 20, "\(command): \(front.stdout)\(front.stderr)")
            #expect(front.stderr.contains("sign in first"), "\(front.stderr)")
        }
        let still = try run(["autopay", "list", "1001"]).stdout
        #expect(still.contains("1. \(a)  enabled") && !still.contains("2. "), "\(still)")

        // A technician may.
        let tech = try run(create + ["--when", "po_number contains oak", "--locked"], gid: ScratchGroups.technician)
        #expect(tech.status == 0 && tech.stdout.contains("locked"), "\(tech.stdout)\(tech.stderr)")
        let t = Self.createdID(tech)
        #expect(try run(["autopay", "move", "1001", t, "1"], gid: ScratchGroups.technician).status == 0)
        #expect(try run(["autopay", "list", "1001"], gid: ScratchGroups.technician).stdout.contains("1. \(t)  enabled, locked"))
        #expect(try run(["autopay", "delete", "1001", t], gid: ScratchGroups.technician).status == 0)
        Self.noPAN(outputs)
    }

    @Test("a payment a back-office rule made reads \"autopay (rule …)\" in payments list and payment show; the rule reads as the back office's")
    func paymentsByRule() throws {
        let daemon = try helper.demo("kioskctl-autopay-paid")
        // R-SMITH pays job 1's past-due invoices (40117 and 40188) today with the account's card.
        let rules = [AutopayRule(id: "R-SMITH", position: 1, method: .cardOnFile("K-1001-1"),
                                 criteria: [.init(field: "po_number", op: "contains", values: [.text("smith")])])]
        let today = DemoStore.today(at: Date())
        var document = DemoStore.document(today: today, now: Instant(Date()))
        let i = try #require(document.accounts.firstIndex { $0.number == "1001" })
        document.accounts[i].autopayRules = rules
        let file = daemon.directory + "/rules.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        #expect(try daemon.kioskctl(["sync", "apply", file]).status == 0)

        let list = try manager(daemon, ["payments", "list", "--account", "1001"])
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains("autopay (rule R-SMITH)") }, "\(list.stdout)\(list.stderr)")
        #expect(line.contains("$5,588.90") && line.contains("CARD ENDING IN 4242"), "\(line)")
        let id = String(line.prefix { !$0.isWhitespace })
        let shown = try manager(daemon, ["payment", "show", "1001", id])
        #expect(shown.status == 0 && shown.stdout.contains(", autopay (rule R-SMITH)"), "\(shown.stdout)\(shown.stderr)")
        let rule = try manager(daemon, ["autopay", "list", "1001"])
        #expect(rule.stdout.contains("1. R-SMITH  enabled, from the back office  pays with CARD ENDING IN 4242 (card K-1001-1)")
                && rule.stdout.contains("when PO number contains smith") && !rule.stdout.contains("waiting for the back office"), "\(rule.stdout)")
        Self.noPAN([list, shown, rule])
    }
}
