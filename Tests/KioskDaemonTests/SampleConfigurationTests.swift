import Foundation
import Testing
@testable import KioskDaemon

/// The package's /etc/kioskd/kioskd.toml (systemd/kioskd.toml, issue 15 item 1): every key kioskd
/// knows is there, commented at its default, and the file parses both as shipped and with
/// every "#key = value" line uncommented, so a technician who removes a "#" gets a valid file.
@Suite("Sample configuration")
struct SampleConfigurationTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("systemd/kioskd.toml").path

    /// The keys kioskd's parser knows at the top level, as its unknown-key error lists them.
    func knownKeys(_ text: String) -> [String] {
        do {
            _ = try Configuration.parse(text, path: "probe.toml", environment: [:])
        } catch {
            if case .unknownKey(_, _, _, let known) = error { return known }
        }
        return []
    }

    /// The sample with "#key = value" and "#[table]" lines made settings.
    func uncommented(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.range(of: #"^#(\[[a-z]+\]|[a-z_]+ = )"#, options: .regularExpression) != nil ? String(line.dropFirst()) : String(line)
        }.joined(separator: "\n")
    }

    @Test("every key kioskd knows is in the sample; it parses as shipped and uncommented")
    func everyKey() throws {
        let text = try String(contentsOfFile: Self.sample, encoding: .utf8)
        let top = knownKeys("no_such_key = 1")
        let backoffice = knownKeys("[backoffice]\nurl = \"https://x.example\"\ntoken_file = \"/t\"\nno_such_key = 1")
        let receipt = knownKeys("[receipt]\nno_such_key = 1")
        #expect(top.count > 10 && backoffice.contains("token_file") && receipt.contains("footer"), "\(top) \(backoffice) \(receipt)")
        for key in top.filter({ !["backoffice", "receipt", "roles"].contains($0) }) + backoffice.map({ $0.replacingOccurrences(of: "backoffice.", with: "") })
            + receipt {
            #expect(text.contains("\n#\(key) = ") || text.contains("\n\(key) = "), "the sample lacks \(key)")
        }
        #expect(text.contains("\n#[backoffice]\n") && text.contains("\n#[receipt]\n") && text.contains("\n[roles]\n"))

        let shipped = try Configuration.parse(text, path: Self.sample, environment: [:])
        #expect(shipped.backOffice == nil && shipped.socketGroup != nil)
        let all = try Configuration.parse(uncommented(text), path: Self.sample, environment: [:])
        #expect(all.backOffice?.url.absoluteString == "https://backoffice.example.com")
        #expect(all.backOffice?.clientKey == "/etc/kioskd/client.key" && all.backOffice?.heartbeatSeconds == 60)
        #expect(all.dataDirectory == "/var/lib/kioskd" && all.sessions.idleSeconds == 120 && all.emulatedDevices == false)
        #expect(all.receipt.storeName == "Main St Lumber" && all.receipt.address.count == 2 && all.receipt.codePage == nil)
    }
}
