import Foundation
import Testing

/// The unit a technician installs: it must verify, and stay hardened.
@Suite("systemd unit", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct SystemdUnitTests {
    /// The shipped unit with ExecStart pointed at the binary just built (verify checks it exists).
    func unitUnderTest() throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("systemd/kioskd.service")
        let text = try String(contentsOf: source, encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/kioskd", with: Products.kioskd)
        let directory = try makeScratchDirectory("unit")
        let path = directory + "/kioskd.service"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("systemd-analyze verify accepts kioskd.service")
    func verify() throws {
        let result = try runProcess("/usr/bin/systemd-analyze", ["verify", try unitUnderTest()])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("kioskd.service:"), "\(result.stderr)")
    }

    @Test("the unit is hardened: exposure below 2.5, notify type, no PrivateUsers (it would break roles)")
    func hardened() throws {
        let path = try unitUnderTest()
        let result = try runProcess("/usr/bin/systemd-analyze", ["security", "--offline=true", path])
        let line = result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! < 2.5, "\(line)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("Type=notify") && text.contains("WatchdogSec="))
        #expect(!text.contains("PrivateUsers=yes"))
    }
}
