import Foundation
import Testing

/// Receipts on the demo's emulated printer through the real kioskd: what is printed after a
/// payment (and what never is), who may print which receipt, the list and the reprint, and a
/// receipt cut off by a stop. The USB printer, its faults and unplugging are in ReceiptUSBTests.
@Suite("Receipts", .serialized)
struct ReceiptTests {
    static let accented = "Peña & Müller Lumber"

    func demo(_ label: String, config: String = "") throws -> DaemonProcess {
        try DaemonProcess(label: label, configExtra: config, extraArguments: ["--demo"])
    }

    func printed(_ daemon: DaemonProcess) -> [UInt8] {
        Array((try? Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/emulated-printer.escpos"))) ?? Data())
    }

    /// Signs in as Pat (1001), swipes the demo card and pays invoice 40117 of job 1; the payment id.
    func pay(_ client: RawClient) throws -> String {
        #expect(try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 2).error == nil)
        let terms = try client.call("payment.options", params: ["job": 1], id: 3).result["terms"] as? [String: Any] ?? [:]
        let payments = PaymentTests()
        let signature = try payments.sign(client)
        let card = try payments.swipe(client)
        let paid = try client.call("payment.submit", params: ["job": 1, "invoices": ["I-1001-1"], "method": ["capture": card],
                                                          "signature": signature, "terms_sha256": terms["sha256"] as? String ?? ""], id: 5)
        return try #require(paid.result["id"] as? String, "\(paid)")
    }

    static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= bytes.count else { return false }
        return (0...(bytes.count - needle.count)).contains { Array(bytes[$0..<($0 + needle.count)]) == needle }
    }

    @Test("Print a receipt after paying: the store, the payment, the masked card, the invoices, a cut; never the card number")
    func receiptAfterPaying() throws {
        let daemon = try demo("receipt-print", config: "[receipt]\nstore_name = \"\(Self.accented)\"\naddress = [\"1200 Main St\"]\nfooter = [\"Thank you!\"]")
        let client = try daemon.client()
        let id = try pay(client)
        let row = try client.call("receipt.print", params: ["payment": id], id: 6)
        #expect(row.result["state"] as? String == "printed", "\(row)")
        #expect(row.result["printer"] as? String == "emulated-printer-1")
        #expect(row.result["attempts"] as? Int == 1)
        #expect(row.result["fault"] == nil)

        let bytes = printed(daemon)
        #expect(Array(bytes.prefix(2)) == [0x1B, 0x40], "starts with ESC @")
        #expect(Self.contains(bytes, [0x1B, 0x74, 19]), "selects code page PC858")
        // "Peña & Müller": ñ is 0xA4 and ü 0x81 in PC858.
        #expect(Self.contains(bytes, Array("Pe".utf8) + [0xA4] + Array("a & M".utf8) + [0x81] + Array("ller Lumber".utf8)), "accented store name in CP858")
        for text in [id, "1200 Main St", "VISA **** 1111", "Invoice 40117", "$4,823.50", "1001 Doe Builders LLC", "1 Smith remodel",
                     "Pending approval by the store", "Thank you!"] {
            #expect(Self.contains(bytes, Array(text.utf8)), "the receipt lacks \(text)")
        }
        #expect(Array(bytes.suffix(4)) == [0x1D, 0x56, 0x42, 0x03] || Self.contains(Array(bytes.suffix(8)), [0x1D, 0x56]), "ends with a cut")
        #expect(!Self.contains(bytes, Array("4111111111111111".utf8)) && !Self.contains(bytes, Array("411111".utf8)), "no card number reaches the printer")

        // Staff see it in the list; the audit log has the attempt.
        let list = try ContactTests.ctl(daemon, ["receipt", "list"])
        #expect(list.status == 0 && list.stdout.contains(id) && list.stdout.contains("printed"), "\(list.stdout)\(list.stderr)")
        let audit = try PaymentTests().sql(daemon, "SELECT detail FROM audit_log WHERE action = 'receipt.print'")
        #expect(audit.contains("receipt \(id): attempt 1 on emulated-printer-1, asked by contact C-1001-1"), "\(audit)")

        // A reprint by a manager prints it again, attempt 2.
        let again = try ContactTests.ctl(daemon, ["receipt", "reprint", id])
        #expect(again.status == 0 && again.stdout.contains("attempt 2"), "\(again.stdout)\(again.stderr)")
        #expect(printed(daemon).count > bytes.count * 3 / 2)
        #expect(daemon.stop() == 0)
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let data = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            #expect(data.range(of: Data("4111111111111111".utf8)) == nil, "\(file) holds the card number")
        }
        #expect(!daemon.log.contains("4111111111111111"))
    }

    @Test("receipt.print refuses another account's payment, bad ids and states; reprint of an unknown id exits 65")
    func refusals() throws {
        let daemon = try demo("receipt-refusals")
        let pat = try daemon.client()
        let id = try pay(pat)
        let luis = try daemon.client()
        #expect(try luis.call("session.begin", params: ["account": "2001", "pin": "2468"], id: 2).error == nil)
        let other = try luis.call("receipt.print", params: ["payment": id], id: 3)
        #expect(other.errorKind == "not_found", "another account's payment is not there for this session: \(other)")
        #expect(try pat.call("receipt.print", params: ["payment": String(repeating: "X", count: 65)], id: 7).errorCode == -32602)
        #expect(try pat.call("receipt.print", params: ["payment": "NOPE42"], id: 8).errorKind == "not_found")
        let tech = try daemon.client()
        let badState = try tech.call("receipt.list", params: ["state": "lost"], id: 9)
        #expect(badState.errorCode == -32602 && (badState.error?["message"] as? String)?.contains("printing, printed or failed") == true, "\(badState)")
        let unknown = try ContactTests.ctl(daemon, ["receipt", "reprint", "NOPE42"])
        #expect(unknown.status == 65 && unknown.stderr.contains("kioskctl receipt list"), "\(unknown.stderr)")
        let both = try ContactTests.ctl(daemon, ["receipt", "list", "--failed", "--state", "printed"])
        #expect(both.status == 64, "\(both.stderr)")
        // The front role may not reprint or list.
        let front = try ContactTests.ctl(daemon, ["receipt", "list"], gid: ScratchGroups.front)
        #expect(front.status == 77, "\(front.stderr)")
        #expect(daemon.stop() == 0)
    }

    @Test("a receipt cut off by a stop is failed (interrupted) at the next start; status and kioskctl name it")
    func interruptedByStop() throws {
        let daemon = try demo("receipt-interrupted")
        let id = try pay(try daemon.client())
        #expect(daemon.stop() == 0)
        _ = try runProcess("/usr/bin/sqlite3", [daemon.dataDirectory + "/kiosk.sqlite", """
            INSERT INTO receipt (payment, account, state, printer, attempts, requested_at, requested_by, updated_at)
            VALUES ('\(id)', '1001', 'printing', 'emulated-printer-1', 1, '2026-12-01T10:00:00Z', 'contact C-1001-1', '2026-12-01T10:00:00Z')
            """])
        let again = try DaemonProcess(label: "receipt-interrupted-2", dataDirectory: daemon.dataDirectory, extraArguments: ["--demo"])
        let status = try ContactTests.ctl(again, ["status"])
        #expect(status.stdout.contains("receipts not printed: 1"), "\(status.stdout)")
        #expect(status.stdout.contains("receipt printer emulated-printer-1"), "\(status.stdout)")
        let failed = try ContactTests.ctl(again, ["receipt", "list", "--failed"])
        #expect(failed.stdout.contains(id) && failed.stdout.contains("interrupted") && failed.stdout.contains("kioskctl receipt reprint \(id)`"), "\(failed.stdout)")
        let reprint = try ContactTests.ctl(again, ["receipt", "reprint", id])
        #expect(reprint.status == 0 && reprint.stdout.contains("printed"), "\(reprint.stdout)\(reprint.stderr)")
        let after = try ContactTests.ctl(again, ["status", "--json"])
        #expect(after.stdout.contains("\"failed\":0") || after.stdout.contains("\"failed\" : 0"), "\(after.stdout)")
        #expect(again.log.contains("receipts cut off by the last stop"))
        #expect(again.stop() == 0)
    }
}
