import Foundation
import Testing

/// The receipt printer over USB through the real kioskd under the test bed: an Epson
/// TM-T20II-like printer (printer class, bulk OUT for ESC/POS, bulk IN for DLE EOT answers;
/// Tests/Fixtures/usb/printer-receipt.json). Each fault is put exactly mid-receipt by an event
/// that fires after so many bytes reached the printer; unplugging mid-print too.
@Suite("Receipt printer over USB (umockdev)", .serialized, .enabled(if: USBTestBed.available, "umockdev is not installed"))
struct ReceiptUSBTests {
    static let printer = "serial:TMT20-0001"

    /// printer-receipt.json with `events` added and the printer's first answers to DLE EOT n
    /// replaced by `answers` (n: hex reply), written next to the test's record directory.
    func scenario(_ events: [[String: Any]], answers: [Int: String] = [:], in directory: String) throws -> String {
        let base = try Data(contentsOf: URL(fileURLWithPath: FixtureFiles.path("usb/printer-receipt.json")))
        var object = try #require(try JSONSerialization.jsonObject(with: base) as? [String: Any])
        object["events"] = (object["events"] as? [[String: Any]] ?? []) + events
        var devices = object["devices"] as? [[String: Any]] ?? []
        for (i, device) in devices.enumerated() where device["name"] as? String == "printer" {
            devices[i]["answers"] = (device["answers"] as? [[String: Any]] ?? []).map { answer in
                guard let when = answer["when"] as? String, let n = Int(when.suffix(2), radix: 16), let reply = answers[n] else { return answer }
                return ["when": when, "reply": reply]
            }
        }
        object["devices"] = devices
        let path = directory + "/scenario.json"
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// kioskd --demo under the bed with the printer allowed; the record directory.
    func daemon(_ label: String, events: [[String: Any]] = [], answers: [Int: String] = [:]) throws -> (DaemonProcess, String) {
        let record = try makeScratchDirectory(label + "-record")
        let daemon = try DaemonProcess(label: label, extraArguments: ["--demo"],
                                       wrapper: [Products.usbHarness, "--record", record, try scenario(events, answers: answers, in: record), "--"])
        let tech = try daemon.client()
        let found = try USBDaemonTests().waitFor(tech, Self.printer) { $0?["state"] as? String == "ready" }
        #expect(found?["driver"] as? String == "escpos-printer" && found?["kind"] as? String == "receipt_printer", "\(String(describing: found))")
        #expect(found?["vendor_id"] as? Int == 0x04b8 && found?["product_id"] as? Int == 0x0e15)
        #expect(try tech.call("device.allow", params: ["id": Self.printer], id: 2).error == nil)
        return (daemon, record)
    }

    func received(_ record: String) -> [UInt8] {
        Array((try? Data(contentsOf: URL(fileURLWithPath: record + "/printer.out"))) ?? Data())
    }

    /// The printer's answers to DLE EOT `n` from now on.
    static func answer(_ n: Int, _ reply: String, after bytes: Int) -> [String: Any] {
        ["after_out_bytes": bytes, "device": "printer", "answer": ["when": "10040\(n)", "reply": reply]]
    }

    @Test("paper out mid-receipt: the customer is sent to the staff, status names it, the reprint prints it once paper is back",
          .timeLimit(.minutes(3)))
    func paperOut() throws {
        // Out of paper once 300 bytes are in (inside the first 512-byte chunk); a new roll is in
        // place after attempt one's last status request (12 + 512 + 12 bytes).
        let (daemon, record) = try daemon("receipt-paper-out", events: [
            Self.answer(2, "32", after: 300), Self.answer(4, "72", after: 300),
            Self.answer(2, "12", after: 537), Self.answer(4, "12", after: 537),
        ])
        defer { daemon.stop() }
        let client = try daemon.client()
        let id = try ReceiptTests().pay(client)
        let row = try client.call("receipt.print", params: ["payment": id], id: 6).result
        #expect(row["state"] as? String == "failed" && row["fault"] as? String == "paper_out", "\(row)")
        #expect(row["message"] as? String == "The printer is out of paper. Please ask the staff for your receipt.", "\(row)")
        #expect(received(record).count == 536, "stopped after the chunk that ran it out: \(received(record).count) bytes")

        let status = try ContactTests.ctl(daemon, ["status"])
        #expect(status.stdout.contains("receipt printer \(Self.printer): NEEDS ATTENTION (paper_out)"), "\(status.stdout)")
        #expect(status.stdout.contains("receipts not printed: 1"), "\(status.stdout)")
        let reprint = try ContactTests.ctl(daemon, ["receipt", "reprint", id])
        #expect(reprint.status == 0 && reprint.stdout.contains("printed") && reprint.stdout.contains("attempt 2"), "\(reprint.stdout)\(reprint.stderr)")
        let whole = received(record).dropFirst(536)
        #expect(Array(whole.suffix(16)).contains(0x1D), "the reprint ends with its cut")
        let after = try ContactTests.ctl(daemon, ["status"])
        #expect(after.stdout.contains("receipt printer \(Self.printer): ready") && !after.stdout.contains("receipts not printed"), "\(after.stdout)")
    }

    @Test("cover open, printer error and offline each stop the receipt with their fault; nothing is sent while the printer reports one",
          arguments: [("cover_open", [(2, "16")]), ("error", [(2, "52"), (3, "3a")]), ("offline", [(1, "1a")])])
    func faults(_ fault: String, _ answers: [(Int, String)]) throws {
        let (daemon, record) = try daemon("receipt-\(fault)", answers: Dictionary(uniqueKeysWithValues: answers))
        defer { daemon.stop() }
        let client = try daemon.client()
        let id = try ReceiptTests().pay(client)
        let row = try client.call("receipt.print", params: ["payment": id], id: 6).result
        #expect(row["state"] as? String == "failed" && row["fault"] as? String == fault, "\(row)")
        // No receipt byte is sent to a printer that reports a fault: the four status requests only.
        #expect(received(record) == [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 3, 0x10, 0x04, 4], "\(received(record))")
        let json = try ContactTests.ctl(daemon, ["status", "--json"])
        #expect(json.stdout.contains("\"\(fault)\""), "\(json.stdout)")
    }

    @Test("unplugged mid-receipt: failed as disconnected, the printer leaves the list, the receipt waits for a reprint")
    func unplugMidPrint() throws {
        let (daemon, _) = try daemon("receipt-unplug", events: [["after_out_bytes": 300, "unplug": "printer"]])
        defer { daemon.stop() }
        let client = try daemon.client()
        let id = try ReceiptTests().pay(client)
        let row = try client.call("receipt.print", params: ["payment": id], id: 6).result
        #expect(row["state"] as? String == "failed" && row["fault"] as? String == "disconnected", "\(row)")
        _ = try USBDaemonTests().waitFor(client, Self.printer) { $0 == nil }
        let failed = try ContactTests.ctl(daemon, ["receipt", "list", "--failed"])
        #expect(failed.stdout.contains(id) && failed.stdout.contains("plug it in") && failed.stdout.contains("kioskctl receipt reprint \(id)"), "\(failed.stdout)")
        // With the USB printer gone, the reprint goes to the only printer left: the demo's emulated one.
        let reprint = try ContactTests.ctl(daemon, ["receipt", "reprint", id])
        #expect(reprint.status == 0 && reprint.stdout.contains("printed") && reprint.stdout.contains("emulated-printer-1"), "\(reprint.stdout)\(reprint.stderr)")
        #expect(daemon.stop() == 0)
        #expect(!daemon.log.contains("level=error"), "\(daemon.log)")
    }

    @Test("kioskctl device test PRINTER prints a test page: the accented sample in PC858, then a cut")
    func testPage() throws {
        let (daemon, record) = try daemon("receipt-test-page")
        defer { daemon.stop() }
        let result = try ContactTests.ctl(daemon, ["device", "test", Self.printer], gid: ScratchGroups.technician)
        #expect(result.status == 0 && result.stdout.contains("printed a test page"), "\(result.stdout)\(result.stderr)")
        let bytes = received(record)
        // "Müller, Peña" in PC858: ü 0x81, ñ 0xA4.
        #expect(ReceiptTests.contains(bytes, Array("M".utf8) + [0x81] + Array("ller, Pe".utf8) + [0xA4] + Array("a".utf8)), "\(bytes)")
        #expect(ReceiptTests.contains(bytes, [0x1B, 0x74, 19]) && ReceiptTests.contains(bytes, [0x1D, 0x56]))
    }
}
