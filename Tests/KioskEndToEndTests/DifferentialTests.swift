import Foundation
import Testing

/// The daemon's account figures against an independent Python oracle (Tests/Oracle), written
/// from DOMAIN.md and docs/DOMAIN-READINGS.md only, on seeded random sync documents.
@Suite("Differential: kioskd figures vs the Python oracle", .serialized)
struct DifferentialTests {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Oracle/differential.py").path
    }

    @Test("40 random documents: every account, every scope, every figure matches the oracle")
    func randomDocuments() throws {
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3")
        let daemon = try DaemonProcess(label: "oracle")
        defer { withExtendedLifetime(daemon) {} }
        let run = try runProcess("/usr/bin/python3", [Self.script, daemon.socketPath, "--seeds", "40"], timeout: 90)
        #expect(run.status == 0, """
            differential.py exited \(run.status)
            \(run.stdout)\(run.stderr.isEmpty ? "" : "\nstderr:\n\(run.stderr)")
            kioskd log (tail):
            \(daemon.log.split(separator: "\n").suffix(20).joined(separator: "\n"))
            """)
        #expect(run.stdout.hasSuffix("40 passed, 0 failed\n"), "\(run.stdout)")
    }
}
