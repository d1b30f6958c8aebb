#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 15 item 5 through a real kioskd: payments of known amounts and methods are made at
/// the front, a manager processes, rejects and deletes some with kioskctl; `report day`'s
/// totals are their sums, `report range --csv` parses back to the same, `payment show` lists
/// every change with the manager's user name; the front is refused, bad dates are sentences.
@Suite("Reports and payment history from kioskctl", .serialized, .enabled(if: getuid() == 0, "setpriv needs root"))
struct ReportCommandTests {
    let helper = PaymentTests()

    func ctl(_ daemon: DaemonProcess, _ arguments: [String], gid: UInt32 = ScratchGroups.manager) throws -> ProcessResult {
        try ContactTests.ctl(daemon, arguments, gid: gid)
    }

    func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)\(result.stderr)")
    }

    /// Pays `amount` on account 2001 (balance forward) inside the client's session.
    func pay(_ client: RawClient, _ amount: Int, swipe: Bool = false, payOn: String? = nil) throws -> String {
        let terms = (try client.call("payment.options", id: 2).result["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let method: [String: Any] = swipe ? ["capture": try helper.swipe(client)] : ["card_on_file": "K-2001-1"]
        var params: [String: Any] = ["amount": amount, "method": method, "signature": try helper.sign(client), "terms_sha256": terms]
        if let payOn { params["pay_on"] = payOn }
        let paid = try client.call("payment.submit", params: params, id: 3)
        return try #require(paid.result["id"] as? String, "\(paid)")
    }

    /// `{currency: amount}` of a totals array.
    func totals(_ any: Any?) -> [String: Int] {
        Dictionary(((any as? [[String: Any]]) ?? []).map { ($0["currency"] as? String ?? "", $0["amount"] as? Int ?? -1) }, uniquingKeysWith: +)
    }

    @Test("report day totals equal the payments made; range CSV parses back; payment show has every change with who; front refused; bad dates")
    func endOfDay() throws {
        let daemon = try helper.demo("kioskctl-report")
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "2001", "pin": "2468"])
        let today = SchedulingCommandTests.chicagoDay(0)

        // Five payments: processed, rejected, deleted, scheduled for tomorrow, left pending.
        let processed = try pay(client, 1_234)
        #expect(try ctl(daemon, ["payment", "process", processed]).status == 0)
        let rejected = try pay(client, 2_500, swipe: true)
        let reject = try ctl(daemon, ["payment", "reject", rejected, "--reason", "payment", "--message", "Card declined, please call.", "--json"])
        let rejectJSON = try json(reject)
        #expect(reject.status == 0 && rejectJSON["state"] as? String == "rejected", "--json prints the payment: \(reject.stdout)\(reject.stderr)")
        let deleted = try pay(client, 3_000)
        let delete = try ctl(daemon, ["payment", "delete", deleted, "--reason", "entered twice"])
        #expect(delete.status == 0 && delete.stdout.contains("Deleted \(deleted)."), "\(delete.stderr)")
        let scheduled = try pay(client, 4_100, payOn: SchedulingCommandTests.chicagoDay(1))
        let pending = try pay(client, 500)
        _ = pending

        // report day: by state and method, per currency; deleted apart; reasons.
        let day = try ctl(daemon, ["report", "day", "--json"])
        #expect(day.status == 0, "\(day.stderr)")
        let report = try json(day)
        #expect(report["date"] as? String == today)
        let payments = report["payments"] as? [String: Any] ?? [:]
        #expect(payments["count"] as? Int == 4 && totals(payments["totals"]) == ["USD": 1_234 + 2_500 + 4_100 + 500], "\(day.stdout)")
        let byState = Dictionary(((payments["by_state"] as? [[String: Any]]) ?? []).map { ($0["state"] as? String ?? "", totals($0["totals"])["USD"] ?? 0) },
                                 uniquingKeysWith: +)
        #expect(byState == ["processed": 1_234, "rejected": 2_500, "scheduled": 4_100, "pending": 500], "\(day.stdout)")
        let byMethod = Dictionary(((payments["by_method"] as? [[String: Any]]) ?? []).map { ($0["method"] as? String ?? "", totals($0["totals"])["USD"] ?? 0) },
                                  uniquingKeysWith: +)
        #expect(byMethod == ["card_on_file": 1_234 + 4_100 + 500, "card_swiped": 2_500], "\(day.stdout)")
        let deletedTally = report["deleted"] as? [String: Any] ?? [:]
        #expect(deletedTally["count"] as? Int == 1 && totals(deletedTally["totals"]) == ["USD": 3_000], "\(day.stdout)")
        let rejections = report["rejections"] as? [[String: Any]] ?? []
        #expect(rejections.count == 1 && rejections.first?["id"] as? String == rejected && rejections.first?["reason"] as? String == "payment_issue_call"
                && rejections.first?["message"] as? String == "Card declined, please call."
                && (rejections.first?["actor"] as? [String: Any])?["user"] as? String == "nobody", "\(day.stdout)")
        let deletions = report["deletions"] as? [[String: Any]] ?? []
        #expect(deletions.count == 1 && deletions.first?["id"] as? String == deleted && deletions.first?["reason"] as? String == "entered twice", "\(day.stdout)")
        let outbox = report["outbox"] as? [String: Any] ?? [:]
        #expect((outbox["undelivered"] as? Int ?? 0) > 0, "no back office in the demo: entries wait: \(day.stdout)")

        // The same in words, for the given day.
        let text = try ctl(daemon, ["report", "day", today])
        #expect(text.status == 0 && text.stdout.contains("End of day \(today): 4 payments, $83.34 taken"), "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("\(rejected)") && text.stdout.contains("payment_issue_call") && text.stdout.contains("entered twice"), "\(text.stdout)")
        #expect(text.stdout.contains("Taken that day and deleted since (not in the totals): 1 payment, $30.00"), "\(text.stdout)")

        // report range as CSV, parsed back: today's row matches report day.
        let from = SchedulingCommandTests.chicagoDay(-1), to = SchedulingCommandTests.chicagoDay(1)
        let csv = try ctl(daemon, ["report", "range", from, to, "--csv"])
        #expect(csv.status == 0, "\(csv.stderr)")
        let rows = csv.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = rows.first ?? []
        #expect(header.prefix(4) == ["date", "currency", "count", "total"] && header.contains("deleted_total"), "\(csv.stdout)")
        #expect(rows.count == 4, "a header and one row per day: \(csv.stdout)")
        let row = Dictionary(zip(header, rows.first { $0.first == today } ?? []), uniquingKeysWith: { a, _ in a })
        #expect(row["currency"] == "USD" && row["count"] == "4" && row["total"] == "83.34" && row["processed_total"] == "12.34"
                && row["rejected_total"] == "25.00" && row["scheduled_total"] == "41.00" && row["pending_total"] == "5.00"
                && row["deleted_count"] == "1" && row["deleted_total"] == "30.00", "\(csv.stdout)")
        #expect(rows.first { $0.first == from }?[2] == "0", "an empty day is a row of zeros: \(csv.stdout)")
        let range = try json(try ctl(daemon, ["report", "range", from, to, "--json"]))
        #expect(totals((range["payments"] as? [String: Any])?["totals"]) == ["USD": 8_334] && (range["days"] as? [Any])?.count == 3, "\(range)")

        // payment show: method, lines, and each change with who and when.
        let shown = try ctl(daemon, ["payment", "show", rejected])
        #expect(shown.status == 0 && shown.stdout.contains("method: CARD ENDING IN 1111"), "\(shown.stdout)\(shown.stderr)")
        #expect(shown.stdout.contains("made pending  by"), "\(shown.stdout)")
        #expect(shown.stdout.contains("pending -> rejected  by nobody (uid 65534, manager): payment_issue_call \"Card declined, please call.\""), "\(shown.stdout)")
        let deletedShown = try ctl(daemon, ["payment", "show", deleted])
        #expect(deletedShown.stdout.contains("pending -> deleted  by nobody (uid 65534, manager): entered twice"), "\(deletedShown.stdout)")
        let processedJSON = try json(try ctl(daemon, ["payment", "show", "2001", processed, "--json"]))
        let history = processedJSON["history"] as? [[String: Any]] ?? []
        #expect(history.map { $0["to"] as? String ?? "" } == ["pending", "processed"] && history.first?["from"] == nil, "\(processedJSON)")
        #expect((history.last?["actor"] as? [String: Any])?["user"] as? String == "nobody"
                && (history.last?["actor"] as? [String: Any])?["role"] as? String == "manager" && history.last?["from"] as? String == "pending", "\(history)")
        let scheduledJSON = try json(try ctl(daemon, ["payment", "show", scheduled, "--json"]))
        #expect((scheduledJSON["history"] as? [[String: Any]])?.map { $0["to"] as? String ?? "" } == ["scheduled"], "\(scheduledJSON)")

        // A real front-role peer reads the same payment in its session: no history.
        let script = """
        import socket, json, sys
        s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); f = s.makefile("rwb")
        for i, (m, p) in enumerate([("session.begin", {"account": "2001", "pin": "2468"}), ("payment.get", {"id": sys.argv[2]})]):
            f.write((json.dumps({"jsonrpc": "2.0", "id": i, "method": m, "params": p}) + "\\n").encode()); f.flush()
            line = f.readline()
        print(line.decode().strip())
        """
        let asFront = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=\(ScratchGroups.front)", "--groups=\(ScratchGroups.socketGroup)", "--",
                                                           "/usr/bin/python3", "-c", script, daemon.socketPath, rejected])
        let frontReply = try #require(try JSONSerialization.jsonObject(with: Data(asFront.stdout.utf8)) as? [String: Any], "\(asFront.stderr)")
        let frontPayment = frontReply["result"] as? [String: Any] ?? [:]
        #expect(frontPayment["state"] as? String == "rejected" && frontPayment["history"] == nil, "the front never gets the history: \(frontReply)")

        // The front's role is refused (77), and bad dates are a sentence with 64 or 65.
        for arguments in [["report", "day"], ["report", "range", from, to, "--csv"]] {
            let refused = try ctl(daemon, arguments, gid: ScratchGroups.front)
            #expect(refused.status == 77 && refused.stdout.isEmpty && refused.stderr.contains("permission denied"), "\(arguments): \(refused.stderr)")
        }
        let shape = try ctl(daemon, ["report", "day", "yesterday"])
        #expect(shape.status == 64 && shape.stderr.contains("DATE must be a day written YYYY-MM-DD"), "\(shape.status) \(shape.stderr)")
        let noSuchDay = try ctl(daemon, ["report", "day", "2026-02-30"])
        #expect(noSuchDay.status == 65 && noSuchDay.stderr.contains("params.date must be a day such as"), "\(noSuchDay.status) \(noSuchDay.stderr)")
        let backwards = try ctl(daemon, ["report", "range", to, from])
        #expect(backwards.status == 65 && backwards.stderr.contains("params.to must be on or after params.from"), "\(backwards.stderr)")
        let tooLong = try ctl(daemon, ["report", "range", "2025-01-01", "2026-12-31"])
        #expect(tooLong.status == 65 && tooLong.stderr.contains("at most 366 days"), "\(tooLong.stderr)")
        let badMonth = try ctl(daemon, ["report", "range", "2026-13-01", to])
        #expect(badMonth.status == 65 && badMonth.stderr.contains("params.from"), "\(badMonth.stderr)")
    }
}
