#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// What the harness logged a device receiving as SET_REPORT, in order: (report ID, data hex).
func setReports(in log: String, device: String) -> [(id: Int, data: String)] {
    log.split(separator: "\n").compactMap { line in
        guard let range = line.range(of: "\(device): SET_REPORT type 3 id ") else { return nil }
        let fields = line[range.upperBound...].split(separator: " ")
        guard fields.count == 3, fields[1] == "data", let id = Int(fields[0]) else { return nil }
        return (id, String(fields[2]))
    }
}

/// The SET_REPORT IDs with each run of image blocks (0x26) folded into one, so a sequence reads
/// as commands: clear, start image, blocks, end image, inking.
func commandSequence(_ reports: [(id: Int, data: String)]) -> [String] {
    var result: [String] = []
    for report in reports {
        let name = report.id == 0x26 ? "26…" : report.data.count <= 4 ? report.data : String(format: "%02x", report.id)
        if name == "26…", result.last == name { continue }
        result.append(name)
    }
    return result
}

extension USBDaemonTests {
    @Test("Wacom STU over USB: prompt and inking around captures, plain and timed pen reports, unplug fails, replug works")
    func wacomSTU() throws {
        let daemon = try daemon("usb-stu", scenario: "stu-sign.json")
        let id = "serial:STU430-0001"
        let tech = try daemon.client()
        let pad = try waitFor(tech, id) { $0 != nil }
        #expect(pad?["driver"] as? String == "wacom-stu")
        #expect(pad?["kind"] as? String == "signature_pad")
        #expect(pad?["vendor_id"] as? Int == 0x056a && pad?["product_id"] as? Int == 0x00a4)
        #expect(try tech.call("device.allow", params: ["id": id], id: 2).error == nil)

        // Capture 1 (pen reports at 3.0–3.4 s): 30 plain, a lift, 30 timed, a lift.
        let front = try daemon.client()
        let begin = try front.call("device.capture.begin", params: ["kind": "signature", "prompt": "Sign for $123.45"])
        let capture = try #require(begin.result["capture"] as? String, "\(begin)")
        _ = try event(front, "capture.progress", capture: capture)
        try waitForReports(tech, id, count: 62)
        #expect(try front.call("device.capture.finish", params: ["capture": capture], id: 2).error == nil)
        let done = try event(front, "capture.done", capture: capture)
        #expect(done["points"] as? Int == 60, "\(done)")
        #expect(done["strokes"] as? Int == 2, "\(done)")

        // Capture 2: the pad is unplugged at 6.1 s while the pen is down.
        let second = try front.call("device.capture.begin", params: ["kind": "signature", "prompt": "Sign for $7.00"], id: 3)
        let capture2 = try #require(second.result["capture"] as? String, "\(second)")
        let failed = try event(front, "capture.failed", capture: capture2)
        #expect(failed["error"] as? String == "device_unavailable", "\(failed)")

        // Replugged at 7.5 s: same id, still allowed; capture 3 (pen at 9.5 s) completes.
        let back = try waitFor(tech, id) { $0?["state"] as? String == "ready" }
        #expect(back?["allowed"] as? Bool == true)
        let third = try front.call("device.capture.begin", params: ["kind": "signature"], id: 4)
        let capture3 = try #require(third.result["capture"] as? String, "\(third)")
        _ = try event(front, "capture.progress", capture: capture3)
        try waitForReports(tech, id, count: 26)
        #expect(try front.call("device.capture.finish", params: ["capture": capture3], id: 5).error == nil)
        let done3 = try event(front, "capture.done", capture: capture3)
        #expect(done3["points"] as? Int == 25, "\(done3)")
        #expect(daemon.stop() == 0)

        // What the pad was told, in order (harness log): connect clean-up and timed pen data;
        // each capture clears, uploads the prompt band (1-bit, area), then inks; a finished
        // capture stops inking and clears. Capture 2 ended by the unplug: nothing to tidy.
        let commands = commandSequence(setReports(in: daemon.log, device: "stu1"))
        let connect = ["2100", "2000", "3203"]
        let withPrompt = ["2000", "24", "26…", "2700", "2101"]
        let finish = ["2100", "2000"]
        let expected = connect + withPrompt + finish + withPrompt + connect + ["2000", "2101"] + finish
        #expect(commands == expected, "\(daemon.log)")
        let start = try #require(setReports(in: daemon.log, device: "stu1").first { $0.id == 0x24 })
        #expect(start.data.hasPrefix("240001"), "StartImageDataArea, 1-bit: \(start.data)")
        #expect(daemon.log.contains("Wacom STU ready") && daemon.log.contains("model=\"STU-430\""), "\(daemon.log)")
        #expect(!daemon.log.contains("USB device failed") && !daemon.log.contains("command failed"), "\(daemon.log)")
        #expect(!daemon.log.contains("re-opening USB device"), "an unplug is not a reset: \(daemon.log)")
    }

    @Test("a prompt is checked before the capture starts")
    func promptValidation() throws {
        let daemon = try daemon("usb-stu-prompt", scenario: "stu-sign.json")
        let client = try daemon.client()
        let id = "serial:STU430-0001"
        _ = try waitFor(client, id) { $0 != nil }
        _ = try client.call("device.allow", params: ["id": id], id: 2)
        let euro = try client.call("device.capture.begin", params: ["kind": "signature", "prompt": "Sign for €5"], id: 3)
        #expect(euro.errorCode == -32602 && euro.errorMessage.contains("\"€\""), "\(euro)")
        let card = try client.call("device.capture.begin", params: ["kind": "card", "prompt": "Swipe"], id: 4)
        #expect(card.errorCode == -32602, "\(card)")
        let long = try client.call("device.capture.begin", params: ["kind": "signature", "prompt": String(repeating: "a", count: 41)], id: 5)
        #expect(long.errorCode == -32602, "\(long)")
        #expect(commandSequence(setReports(in: daemon.log, device: "stu1")) == ["2100", "2000", "3203"], "nothing sent for refused prompts")
    }
}
