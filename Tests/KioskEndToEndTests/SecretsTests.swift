import Foundation
import Testing

/// No PIN hash, vault token or card number ever reaches a log, an error message or (for card
/// numbers) the database. Checked by scanning what was actually written.
@Suite("Secrets stay out of logs, errors and the database", .serialized)
struct SecretsTests {
    static let pan = "4111111111111111"
    static let pinHash = "oh0cBIoPcynMsfc6EiDvyX+yAexpqYVcTdVbDz7JmK4"
    static let token = "vault-token-secret-0001"

    @Test("a full day of traffic, good and bad, leaves no secret behind")
    func scan() throws {
        let daemon = try DaemonProcess(label: "secrets")
        let client = try daemon.client()
        var replies = [String]()
        var example = try FixtureFiles.json("sync/store-example.json")
        replies.append("\(try client.call("sync.apply", params: example))")
        for method in ["account.get", "account.balances", "account.summary", "account.activity", "items.open"] {
            replies.append("\(try client.call(method, params: ["account": "1001"]))")
        }
        // A card number where a description belongs: refused, and not echoed back.
        var accounts = example["accounts"] as! [[String: Any]]
        var cards = accounts[0]["cards_on_file"] as! [[String: Any]]
        cards[0]["description"] = "Visa \(Self.pan)"
        accounts[0]["cards_on_file"] = cards
        example["accounts"] = accounts
        example["as_of"] = "2026-11-21T00:00:00Z"
        let refused = try client.call("sync.apply", params: example, id: 2)
        #expect(refused.errorCode == -32602)
        replies.append("\(refused)")
        // A card number and a PIN hash inside a malformed request line.
        try client.send("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"account.get\",\"params\":{\"account\":\(Self.pan)}}\n")
        replies.append(try client.readLine())
        try client.send("{\"pin\":\"\(Self.pinHash)\" \(Self.pan)\n")
        replies.append(try client.readLine())
        let show = try daemon.kioskctl(["account", "show", "1001"])
        #expect(show.status == 0)
        daemon.stop()

        let log = daemon.log
        #expect(log.contains("sync applied"))  // the log was really written
        for secret in [Self.pan, Self.pinHash, Self.token, "pbkdf2"] {
            #expect(!log.contains(secret), "kioskd's log contains \(secret.prefix(6))…")
            #expect(!replies.joined().contains(secret), "a reply contains \(secret.prefix(6))…")
            #expect(!show.stdout.contains(secret) && !show.stderr.contains(secret), "kioskctl printed \(secret.prefix(6))…")
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: daemon.dataDirectory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.dataDirectory + "/" + file))
            #expect(bytes.range(of: Data(Self.pan.utf8)) == nil, "\(file) holds a card number")
        }
    }
}
