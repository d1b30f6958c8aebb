#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import KioskDevices

// Bulk transfers, the printer class and reports longer than a packet, through real libusb
// (KioskDevices/USB) against the test bed: `usb-probe --step …` (Tests/USBProbe/Steps.swift)
// under `kiosk-usb-harness`, with the printer's OUT bytes recorded by `--record DIR`.

/// The probe's arguments for the emulated TM-T20II (04b8:0e15) and a list of steps.
private func printerSteps(_ steps: [String]) -> [String] {
    ["--vid", "04b8", "--pid", "0e15"] + steps.flatMap { ["--step", $0] }
}

/// Bytes i & 0xff, what the probe's `pattern:N` step writes.
private func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8($0 & 0xFF) } }

private func bytes(_ hex: String) -> [UInt8] {
    let d = Array(hex)
    return stride(from: 0, to: d.count - 1, by: 2).map { UInt8(String(d[$0...$0 + 1]), radix: 16)! }
}

/// A fresh directory for `--record`, and what the harness recorded for device `name` there.
private struct Recording {
    let directory: URL
    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("usb-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }
    var options: [String] { ["--record", directory.path] }
    func bytes(of name: String) throws -> [UInt8] { Array(try Data(contentsOf: directory.appendingPathComponent("\(name).out"))) }
    func remove() { try? FileManager.default.removeItem(at: directory) }
}

private func context(_ run: USBTestBed.Run) -> Comment {
    Comment(rawValue: "stdout:\n" + run.stdout.joined(separator: "\n") + "\nstderr:\n" + run.stderr)
}

/// The probe's lines from the first step's output on (after the claim).
private func stepLines(_ run: USBTestBed.Run) -> [String] {
    Array(run.stdout.drop { !$0.hasPrefix("kernel-driver-after-claim") }.dropFirst().filter { $0 != "bye" })
}

@Suite("USB bulk transfers and printer class (umockdev)", .enabled(if: USBTestBed.umockdevInstalled, "umockdev is not installed"))
struct USBBulkTests {
    @Test("printer-receipt.json: class, GET_DEVICE_ID, bulk OUT recorded byte for byte, DLE EOT answered, IN timeout, close cancels a read")
    func receiptPrinter() throws {
        let recording = try Recording()
        defer { recording.remove() }
        let run = try USBTestBed.run(scenario: "printer-receipt.json", probeArguments: printerSteps([
            "class", "device-id", "write:1b40:1000", "pattern:1000:2000",
            "write:100401:1000", "read:1:1000",
            "write:1004:1000", "write:02:1000", "read:1:1000",  // a status request split across two transfers
            "write:100403100404:1000", "read:64:1000", "read:64:1000",  // each answer ends its own transfer
            "read:1:200",
            "spawn-read:1:20000", "sleep:100", "close", "await-read",
        ]), harnessOptions: recording.options)
        #expect(run.status == 0, context(run))
        #expect(run.stdout.contains("info serial=TMT20-0001 manufacturer=EPSON product=TM-T20II identity=serial:TMT20-0001"), context(run))
        // usblp was bound; the auto-detach claim unbound it, as usbhid.
        #expect(run.stdout.contains("kernel-driver-before-claim=yes") && run.stdout.contains("kernel-driver-after-claim=no"))
        let lines = stepLines(run)
        let expected = [
            "interface-class 7/1/2 bulk-in=82 bulk-out=01 interrupt-in=none",
            "device-id MFG:EPSON;CMD:ESCPOS;MDL:TM-T20II;CLS:PRINTER;DES:EPSON TM-T20II;",
            "wrote 2", "wrote 1000", "wrote 3", "read 16", "wrote 2", "wrote 1", "read 12",
            "wrote 6", "read 12", "read 12", "read-error timedOut",
        ]
        #expect(Array(lines.prefix(expected.count)) == expected, context(run))
        // close() with a read in flight cancels it and waits for libusb to return it: the read
        // ends as .closed at once, not after its 20 s timeout.
        let tail = Array(lines.dropFirst(expected.count))
        #expect(tail.count == 3 && tail[0].hasPrefix("closed ms=") && tail[1] == "read-error closed", context(run))
        if let ms = tail.first.flatMap({ Int($0.dropFirst("closed ms=".count)) }) { #expect(ms < 5000) }
        let sent = bytes("1b40") + pattern(1000) + bytes("100401") + bytes("1004") + bytes("02") + bytes("100403100404")
        #expect(try recording.bytes(of: "printer") == sent, "the recorded OUT bytes differ from what was written")
        #expect(run.stderr.contains("printer: \(sent.count) bytes received on bulk OUT; 4 answers queued, 4 bytes delivered on bulk IN"), context(run))
        #expect(run.stderr.contains("GET_DEVICE_ID config 0 interface 0 alt 0 -> ok"))
    }

    @Test("printer-faults.json: after_out_bytes changes the answer mid-receipt; a full buffer NAKs until the write times out")
    func faults() throws {
        let recording = try Recording()
        defer { recording.remove() }
        let run = try USBTestBed.run(scenario: "printer-faults.json", probeArguments: printerSteps([
            "write:100404:1000", "read:1:1000",     // 3 bytes: paper present (12)
            "pattern:297:1000",                     // 300: the answer to DLE EOT 4 becomes 7e (paper out)
            "write:100404:1000", "read:1:1000",
            "pattern:600:300",                      // 303 + 600 > 800: NAKed after 497, times out
            "read:1:200",
        ]), harnessOptions: recording.options)
        #expect(run.status == 0, context(run))
        #expect(stepLines(run) == ["wrote 3", "read 12", "wrote 297", "wrote 3", "read 7e", "write-error timedOut", "read-error timedOut"], context(run))
        let sent = bytes("100404") + pattern(297) + bytes("100404") + pattern(497)
        #expect(try recording.bytes(of: "printer") == sent, "the printer must have taken exactly 800 bytes")
        #expect(run.stderr.contains("URB on endpoint 0x01 discarded after 497 bytes"), context(run))
    }

    @Test("printer-unplug.json: unplugged mid-receipt, the pending bulk read and write end with .deviceGone")
    func unplugMidPrint() throws {
        let recording = try Recording()
        defer { recording.remove() }
        let run = try USBTestBed.run(scenario: "printer-unplug.json", probeArguments: printerSteps([
            "spawn-read:1:20000", "sleep:100", "pattern:200:10000", "await-read",
        ]), harnessOptions: recording.options)
        #expect(run.status == 0, context(run))
        let lines = stepLines(run)
        #expect(Array(lines.prefix(2)) == ["write-error deviceGone", "read-error deviceGone"], context(run))
        #expect(try recording.bytes(of: "printer") == pattern(50))
    }

    @Test("long-report.json: a 198-byte report is 64+64+64+6 with 64-byte transfers and whole with 256; ZLP only when asked")
    func reportsLongerThanAPacket() throws {
        func reports(_ length: Int, _ count: Int) throws -> ([String], USBTestBed.Run) {
            let run = try USBTestBed.run(scenario: "long-report.json",
                                         probeArguments: ["--vid", "1b96", "--pid", "0001", "--step", "interrupt:\(length):\(count)"])
            return (run.stdout.filter { $0.hasPrefix("report ") }.map { String($0.dropFirst(7)) }, run)
        }
        func hex(_ b: [UInt8]) -> String { b.map { String(format: "%02x", $0) }.joined() }
        let r198 = pattern(198), r128 = (0..<128).map { UInt8(0x80 | ($0 & 0x7F)) }
        let six1: [UInt8] = [1, 2, 3, 4, 5, 6], six2: [UInt8] = [10, 11, 12, 13, 14, 15]
        func line(_ b: [UInt8]) -> String { "\(b.count) \(hex(b))" }

        let (small, run64) = try reports(64, 15)
        #expect(run64.status == 0, context(run64))
        #expect(small == [
            line(Array(r198[0..<64])), line(Array(r198[64..<128])), line(Array(r198[128..<192])), line(Array(r198[192...])),
            line(Array(r198[0..<64])), line(Array(r198[64..<128])), line(Array(r198[128..<192])), line(Array(r198[192...])),
            line(Array(r128[0..<64])), line(Array(r128[64...])), "0 ",  // the zero-length packet the scenario asked for
            line(six1),
            line(Array(r128[0..<64])), line(Array(r128[64...])), line(six2),
        ], context(run64))

        let (large, run256) = try reports(256, 5)
        #expect(run256.status == 0, context(run256))
        // Without a ZLP, a 128-byte report (2 full packets) and the next one share a transfer, as on a real bus.
        #expect(large == [line(r198), line(r198), line(r128), line(six1), line(r128 + six2)], context(run256))

        // A packet larger than the room left in the transfer is babble.
        let (_, run100) = try reports(100, 1)
        #expect(run100.stdout.contains("interrupt-error overflow"), context(run100))
    }

    @Test("bad scenarios exit 2 with a sentence", arguments: [
        (#"{"devices": [{"name": "p", "vid": "04b8", "pid": "0e15", "interface_class": 7, "bulk_out": "01", "bulk_in": "82", "answers": [{"when": "10g4", "reply": "12"}]}]}"#,
         "bad hex digit 'g'"),
        (#"{"devices": [{"name": "p", "vid": "04b8", "pid": "0e15", "interface_class": 7, "bulk_out": "01", "bulk_in": "82"}], "events": [{"after_out_bytes": -5, "unplug": "p"}]}"#,
         "\"after_out_bytes\" must be a whole number of bytes, 0 or more"),
        (#"{"devices": [{"name": "p", "vid": "04b8", "pid": "0e15", "interface_class": 7, "bulk_out": "01", "bulk_in": "02"}]}"#,
         "\"bulk_in\" must be an IN endpoint address (81 to 8f, bit 7 set), not 02"),
        (#"{"devices": [{"name": "p", "vid": "04b8", "pid": "0e15", "interface_class": 7, "endpoint": null, "bulk_out": "01"}], "events": [{"at_ms": 1, "device": "p", "answer": {"when": "100401", "reply": "16"}}]}"#,
         "an \"answer\" needs a device with \"bulk_out\" and \"bulk_in\""),
        (#"{"devices": [{"name": "p", "vid": "04b8", "pid": "0e15", "interface_class": 7}], "events": [{"after_out_bytes": 3, "unplug": "p"}]}"#,
         "device \"p\" has no \"bulk_out\" endpoint"),
    ])
    func badScenario(json: String, sentence: String) throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-scenario-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try USBTestBed.run(scenario: file.path, probeArguments: [])
        #expect(run.status == 2, context(run))
        #expect(run.stderr.contains(sentence), context(run))
        #expect(run.stdout.isEmpty, "the program must not run")
    }

    @Test("GET_DEVICE_ID answers: length prefix stripped and clamped; a nonsense length refused with a sentence")
    func deviceIDParsing() throws {
        let id = Array("MFG:EPSON;CMD:ESCPOS;".utf8)
        let op = "read the IEEE 1284 device ID of 04b8:0e15"
        #expect(try USBDeviceHandle.parseDeviceID([0, UInt8(id.count + 2)] + id, operation: op) == "MFG:EPSON;CMD:ESCPOS;")
        // A length beyond what arrived is clamped (usblp does the same).
        #expect(try USBDeviceHandle.parseDeviceID([0x03, 0xE8] + id, operation: op) == "MFG:EPSON;CMD:ESCPOS;")
        #expect(try USBDeviceHandle.parseDeviceID([0, 7] + id, operation: op) == "MFG:E")
        #expect(throws: USBError.self) { try USBDeviceHandle.parseDeviceID([0, 1] + id, operation: op) }
        do {
            _ = try USBDeviceHandle.parseDeviceID([0], operation: op)
            Issue.record("a 1-byte answer must be refused")
        } catch {
            #expect(error.description.hasPrefix("Could not read the IEEE 1284 device ID of 04b8:0e15: the device does not have a device ID"))
        }
        #expect(bulkTimeoutMs(.zero) == 0)
        #expect(bulkTimeoutMs(.microseconds(1)) == 1, "a positive timeout never becomes libusb's 0 = forever")
        #expect(bulkTimeoutMs(.milliseconds(1500)) == 1500)
    }
}
