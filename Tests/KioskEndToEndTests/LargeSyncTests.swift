import Foundation
import KioskCore
import KioskFixtures
import Testing

/// A whole store in one document: more than one 16 MiB line, so kioskctl uploads it in chunks.
@Suite("Large sync documents over the socket", .serialized)
struct LargeSyncTests {
    @Test("10,000 accounts × 50 items through kioskctl sync apply, then the same file again")
    func wholeStore() throws {
        let daemon = try DaemonProcess(label: "large")
        let document = SyntheticStore.document(accounts: 10_000, itemsPerAccount: 50)
        let file = daemon.directory + "/store.json"
        try SyntheticStore.json(document).write(to: URL(fileURLWithPath: file))
        let first = try daemon.kioskctl(["sync", "apply", file, "--json"])
        #expect(first.status == 0, "\(first.stderr)\n\(daemon.log.suffix(2000))")
        let result = try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any]
        #expect((result?["accounts"] as? [String: Any])?["inserted"] as? Int == 10_000)
        let second = try daemon.kioskctl(["sync", "apply", file])
        #expect(second.status == 0)
        #expect(second.stdout.contains("Nothing changed"))
        let client = try daemon.client()
        let balances = try client.call("account.balances", params: ["account": "1009999"])
        #expect(balances.error == nil)
    }

    @Test("upload protocol errors: unknown upload, out-of-order chunk, over-size, early commit")
    func uploadErrors() throws {
        let daemon = try DaemonProcess(label: "upload")
        let client = try daemon.client()
        let document = try FixtureFiles.data("sync/store-example.json")
        #expect(try client.call("sync.upload.chunk", params: ["upload": "U0", "offset": 0, "data": "AAAA"]).errorKind == "not_found")
        #expect(try client.call("sync.upload.begin", params: ["size": 0]).errorCode == -32602)
        #expect(try client.call("sync.upload.begin", params: ["size": 1 << 40]).errorCode == -32602)
        let begin = try client.call("sync.upload.begin", params: ["size": document.count]).result
        let upload = begin["upload"] as! String
        let half = document.count / 2
        let outOfOrder = try client.call("sync.upload.chunk", params: ["upload": upload, "offset": 5,
                                                                      "data": document.prefix(half).base64EncodedString()])
        #expect(outOfOrder.errorKind == "conflict")
        #expect(try client.call("sync.upload.chunk", params: ["upload": upload, "offset": 0, "data": "@@not base64@@"]).errorCode == -32602)
        let firstHalf = try client.call("sync.upload.chunk", params: ["upload": upload, "offset": 0,
                                                                     "data": document.prefix(half).base64EncodedString()])
        #expect(firstHalf.result["received"] as? Int == half)
        let early = try client.call("sync.upload.commit", params: ["upload": upload])
        #expect(early.errorKind == "conflict")
        #expect(early.errorMessage.contains("\(half) of \(document.count)"))
        let rest = try client.call("sync.upload.chunk", params: ["upload": upload, "offset": half,
                                                                "data": document.suffix(from: half).base64EncodedString()])
        #expect(rest.result["received"] as? Int == document.count)
        let commit = try client.call("sync.upload.commit", params: ["upload": upload])
        #expect(((commit.result["accounts"] as? [String: Any])?["inserted"] as? Int) == 2, "\(commit)")
        // The upload is gone once committed.
        #expect(try client.call("sync.upload.commit", params: ["upload": upload]).errorKind == "not_found")
    }

    @Test("an uploaded document that is invalid is refused with its path and changes nothing")
    func uploadedInvalid() throws {
        let daemon = try DaemonProcess(label: "upload-bad")
        let client = try daemon.client()
        let text = try String(decoding: FixtureFiles.data("sync/store-example.json"), as: UTF8.self)
            .replacingOccurrences(of: "\"2026-10-31\"", with: "\"2026-10-32\"")
        let document = Data(text.utf8)
        let upload = try client.call("sync.upload.begin", params: ["size": document.count]).result["upload"] as! String
        _ = try client.call("sync.upload.chunk", params: ["upload": upload, "offset": 0, "data": document.base64EncodedString()])
        let commit = try client.call("sync.upload.commit", params: ["upload": upload])
        #expect(commit.errorCode == -32602)
        #expect(commit.errorMessage.contains("accounts[0].items[0].due_date: not a date"), "\(commit.errorMessage)")
        #expect(try client.call("account.get", params: ["account": "1001"]).errorKind == "not_found")
    }

    @Test("a bad account at index 9,000 of an uploaded document refuses all of it; nothing is written or left behind")
    func badAccountLate() throws {
        let daemon = try DaemonProcess(label: "large-bad")
        let document = SyntheticStore.document(accounts: 9_001, itemsPerAccount: 12)
        var text = String(decoding: try SyntheticStore.json(document), as: UTF8.self)
        #expect(text.utf8.count > 16 * 1024 * 1024, "the document must need an upload")
        let last = text.range(of: "\"number\":\"1009000\"")!
        let date = text.range(of: "\"date\":\"", range: last.upperBound..<text.endIndex)!
        text.replaceSubrange(date.upperBound..<text.index(date.upperBound, offsetBy: 10), with: "2026-02-30")
        let file = daemon.directory + "/bad.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let applied = try daemon.kioskctl(["sync", "apply", file])
        #expect(applied.status == 65, "\(applied.stdout)\n\(applied.stderr)")
        #expect(applied.stderr.contains("accounts[9000].") && applied.stderr.contains("not a date"), "\(applied.stderr)")
        let client = try daemon.client()
        #expect(try client.call("account.get", params: ["account": "1000000"]).errorKind == "not_found")
        // The upload's spool file never had a name after it was opened: nothing is left.
        let left = try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory).filter { $0.contains("upload") }
        #expect(left.isEmpty, "\(left)")

        // Cut short: kioskctl refuses it itself, naming where it ends; nothing is sent.
        let truncated = daemon.directory + "/truncated.json"
        try Data(text.utf8.prefix(text.utf8.count - 3)).write(to: URL(fileURLWithPath: truncated))
        let cut = try daemon.kioskctl(["sync", "apply", truncated])
        // Where the cut falls depends on the generated text: inside a string ("a string is not
        // closed") or between tokens ("the text ends early"); both name the byte and say why.
        #expect(cut.status == 65 && cut.stderr.contains("is not valid JSON (") && cut.stderr.contains("(truncated?) at byte "), "\(cut.stderr)")
    }
}
