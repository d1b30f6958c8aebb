#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// docs/OPERATIONS.md's `sh root` blocks, in order, as root on this machine (issue 15 item 9):
/// the package the tests build installed with the document's own command, users made,
/// provisioned, the front checked, upgraded, backed up and restored, logs and troubleshooting.
/// Where systemd is not PID 1 (CI containers) Tests/Fixtures/docs/without-systemd.sh makes
/// `systemctl` start the installed kioskd as its unit runs it (user, /proc, system-call filter).
extension PackageInstallTests {
    @Test("every `sh root` block of OPERATIONS.md runs as root where the package was built, and exits 0")
    func operationsRootBlocks() throws {
        let before = try run("/usr/bin/dpkg-query", ["-W", "-f=${Status}", "kioskpay"])
        try #require(!before.stdout.contains("installed"), "a kioskpay package is already installed on this machine: \(before.stdout)")
        let work = try makeScratchDirectory("operations-root")
        let emulation = try makeScratchDirectory("operations-systemd")
        let built = try run(Self.repository.appendingPathComponent("scripts/make-deb.sh").path, [Products.directory.path, work, "none"])
        try #require(built.status == 0, "make-deb: \(built.stderr)")
        // What the back office hands the technician with its key: this kiosk's token.
        var token = [UInt8](repeating: 0, count: 24)
        for i in token.indices { token[i] = UInt8.random(in: 0...255) }
        try token.map { String(format: "%02x", $0) }.joined().write(toFile: work + "/backoffice.token", atomically: true, encoding: .utf8)

        let booted = exists("/run/systemd/system")
        let prelude = booted ? "" : "source " + OperationsDoc.quote(FixtureFiles.path("docs/without-systemd.sh"))
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "KIOSKD_SOCKET")
        environment["KIOSKPAY_SCRIPTS"] = Self.repository.appendingPathComponent("scripts").path
        environment["KIOSKPAY_EMULATION"] = emulation
        environment["DEBIAN_FRONTEND"] = "noninteractive"
        defer {
            if !booted {
                _ = try? runProcess("/bin/bash", ["-c", prelude + "\nkioskpay_stop_kioskd"], environment: environment)
            }
            _ = try? run("/usr/bin/dpkg", ["--purge", "kioskpay"])
            _ = try? run("/usr/sbin/userdel", ["--remove", "alice"])
            _ = try? run("/bin/systemctl", ["unmask", "getty@tty1.service", "autovt@tty1.service"])
            _ = try? run("/bin/rm", ["-rf", "/var/backups/kiosk-backup.sqlite", "/run/kioskd"])
        }

        let markdown = try String(contentsOfFile: OperationsDoc.path, encoding: .utf8)
        var installed = false
        for block in OperationsDoc.blocks(in: markdown) where block.kind == .root {
            let result = try OperationsDoc.run(block, in: work, environment: environment, prelude: prelude)
            let log = (try? String(contentsOfFile: emulation + "/kioskd.log", encoding: .utf8)) ?? ""
            try #require(result.status == 0, "docs/OPERATIONS.md:\(block.line) (\(block.section)) failed:\n\(result.stderr.suffix(3000))\n\(result.stdout.suffix(1000))\nkioskd: \(log.suffix(1500))")
            // The package starts kioskd.socket when systemd runs; here the emulation does.
            if !installed, !booted, block.script.contains("install -y ./kioskpay_") {
                installed = true
                let started = try runProcess("/bin/bash", ["-c", prelude + "\nsystemctl start kioskd.socket"], environment: environment)
                try #require(started.status == 0, "\(started.stderr)")
            }
        }
        #expect(installed, "no block installs the package")
    }
}

/// lintian over the package (issue 15 item 1): clean but for what the overrides explain
/// (packaging/debian/lintian-overrides), and for the one thing only this debug build has.
extension PackageInstallTests {
    @Test("lintian: no error or warning except the debug build's RUNPATH; every override is used",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/lintian"), "needs lintian (scripts/install-deps.sh)"))
    func lintianClean() throws {
        let out = try makeScratchDirectory("lintian")
        let built = try run(Self.repository.appendingPathComponent("scripts/make-deb.sh").path, [Products.directory.path, out, "gzip"])
        try #require(built.status == 0, "make-deb: \(built.stderr)")
        let deb = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let lint = try run("/usr/bin/lintian", ["--info", "--pedantic", deb])
        let tags = lint.stdout.split(separator: "\n").map(String.init)
        // A debug build loads the Swift runtime from the toolchain (RUNPATH /opt/swift/…);
        // `make deb` links it in (--static-swift-stdlib) and runs lintian with --fail-on itself.
        let unexpected = tags.filter { ($0.hasPrefix("E: ") || $0.hasPrefix("W: ")) && !$0.contains("custom-library-search-path RUNPATH /opt/swift/") }
        #expect(unexpected.isEmpty, "lintian: \(unexpected.joined(separator: "\n"))")
        #expect(!lint.stdout.contains("unused-override") && !lint.stdout.contains("malformed-override"), "\(lint.stdout)")
        // The overrides are installed where lintian reads them, and say why (a comment each).
        let overrides = try String(contentsOf: Self.repository.appendingPathComponent("packaging/debian/lintian-overrides"), encoding: .utf8)
        var explained = false
        for line in overrides.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("#") { explained = true; continue }
            if line.isEmpty { explained = false; continue }
            #expect(explained, "an override without its reason: \(line)")
        }
    }
}
