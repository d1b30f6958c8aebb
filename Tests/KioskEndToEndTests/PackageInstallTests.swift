#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The Debian package as a technician installs it (issue 15 items 1–2): built from the binaries
/// the tests use (`scripts/make-deb.sh`; `make deb` builds the same layout in release), installed
/// with dpkg on this machine, its files, users, modes and units checked, kioskd started from
/// the installed binary with the installed configuration under the unit's system-call filter
/// and handed its socket as systemd does, then removed (data kept) and purged (nothing left).
@Suite("Debian package", .serialized,
       .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg-deb")
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")
                    && FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-socket-activate"),
                "needs root, dpkg-deb, systemd-analyze and systemd-socket-activate"))
struct PackageInstallTests {
    static let repository = SystemdUnitTests.repository

    func run(_ command: String, _ arguments: [String], environment: [String: String]? = nil) throws -> ProcessResult {
        try runProcess(command, arguments, environment: environment, timeout: 300)
    }

    /// `stat -c FORMAT path`, trimmed.
    func stat(_ format: String, _ path: String) throws -> String {
        try run("/usr/bin/stat", ["-c", format, path]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func exists(_ path: String) -> Bool {
        var info = Glibc.stat()
        return lstat(path, &info) == 0
    }

    @Test("make-deb builds it; dpkg -i installs files, users, modes and enabled units; kioskd runs from it socket-activated under the filter; -r keeps data, -P leaves nothing")
    func installRemovePurge() throws {
        // A package installed by hand on this machine would be replaced: not here.
        let before = try run("/usr/bin/dpkg-query", ["-W", "-f=${Status}", "kioskpay"])
        try #require(!before.stdout.contains("installed"), "a kioskpay package is already installed on this machine: \(before.stdout)")
        let out = try makeScratchDirectory("deb")
        let built = try run(Self.repository.appendingPathComponent("scripts/make-deb.sh").path, [Products.directory.path, out, "none"])
        try #require(built.status == 0, "make-deb: \(built.stderr)")
        let deb = built.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(deb.hasSuffix(".deb") && exists(deb), "\(built.stdout)")
        let info = try run("/usr/bin/dpkg-deb", ["--info", deb]).stdout
        #expect(info.contains("Package: kioskpay") && info.contains("Depends:") && info.contains("libsqlite3-0"), "\(info)")
        let contents = try run("/usr/bin/dpkg-deb", ["--contents", deb]).stdout
        for path in ["./usr/sbin/kioskd", "./usr/bin/kioskctl", "./usr/bin/kiosk-front", "./lib/systemd/system/kioskd.socket",
                     "./lib/systemd/system/kiosk-front@.service", "./lib/udev/rules.d/70-kioskpay.rules", "./etc/kioskd/kioskd.toml",
                     "./usr/lib/sysusers.d/kioskpay.conf", "./usr/lib/tmpfiles.d/kioskpay.conf", "./usr/share/doc/kioskpay/copyright"] {
            #expect(contents.contains(path), "\(path) is not in the package")
        }
        let owners = contents.split(separator: "\n").filter { !$0.contains(" root/root ") }
        #expect(owners.isEmpty, "every file is root's: \(owners.prefix(3))")

        defer { _ = try? run("/usr/bin/dpkg", ["--purge", "kioskpay"]) }
        let install = try run("/usr/bin/dpkg", ["-i", deb])
        try #require(install.status == 0, "dpkg -i: \(install.stdout)\(install.stderr)")

        // Users and groups, from sysusers.d.
        for group in ["kiosk", "kiosk-tech", "kiosk-manager", "kiosk-front"] {
            #expect(try run("/usr/bin/getent", ["group", group]).status == 0, "group \(group)")
        }
        #expect(try run("/usr/bin/id", ["-gn", "kioskd"]).stdout.hasPrefix("kiosk"), "kioskd's group is kiosk")
        #expect(try run("/usr/bin/id", ["-Gn", "kiosk-front"]).stdout.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.contains("kiosk"))
        // Files and modes.
        #expect(try stat("%a %U %G", "/usr/sbin/kioskd") == "755 root root")
        #expect(try stat("%a %U %G", "/etc/kioskd") == "750 root kiosk")
        #expect(try stat("%a %U %G", "/etc/kioskd/kioskd.toml") == "644 root root", "private by its 0750 directory")
        #expect(try stat("%a %U %G", "/var/lib/kioskd") == "750 kioskd kiosk")
        #expect(try stat("%a", "/lib/udev/rules.d/70-kioskpay.rules") == "644")
        // Enabled at boot (symlinks made by systemctl, with or without a running systemd).
        #expect(exists("/etc/systemd/system/sockets.target.wants/kioskd.socket"))
        #expect(exists("/etc/systemd/system/multi-user.target.wants/kioskd.service"))
        // The installed units verify (the front's template as an instance).
        let units = try makeScratchDirectory("installed-units")
        for unit in ["kioskd.service", "kioskd.socket", "kiosk-front@.service"] {
            _ = try run("/bin/cp", ["/lib/systemd/system/\(unit)", units + "/\(unit)"])
        }
        let verify = try run("/usr/bin/systemd-analyze", ["verify", "--man=no", units + "/kioskd.service", units + "/kioskd.socket", units + "/kiosk-front@tty1.service"])
        #expect(verify.status == 0 && !verify.stderr.contains("kioskd") && !verify.stderr.contains("kiosk-front"), "\(verify.stderr)")

        // kioskd from the installed binary and configuration, as the unit runs it: user kioskd,
        // group kiosk, the unit's filter, its state directory, and the socket from systemd.
        try serveOnce(unit: "/lib/systemd/system/kioskd.service")

        // No back office configured: no drop-in, the unit's loopback-only allow list stands.
        let dropIn = "/etc/systemd/system/kioskd.service.d/50-backoffice-address.conf"
        #expect(!exists(dropIn))
        // Upgrade (the package again: dpkg runs the upgrade path) after the technician set the
        // back office: data and the edited configuration kept, the drop-in written from it.
        try "kept".write(toFile: "/var/lib/kioskd/keep-me", atomically: true, encoding: .utf8)
        let edited = try String(contentsOfFile: "/etc/kioskd/kioskd.toml", encoding: .utf8)
            .replacingOccurrences(of: "#[backoffice]\n#url = \"https://backoffice.example.com\"\n", with: "[backoffice]\nurl = \"https://192.0.2.10:8443\"\n")
            .replacingOccurrences(of: "#token_file = ", with: "token_file = ")
        try edited.write(toFile: "/etc/kioskd/kioskd.toml", atomically: false, encoding: .utf8)
        let upgrade = try run("/usr/bin/dpkg", ["-i", "--force-confold", deb])
        #expect(upgrade.status == 0, "dpkg -i again: \(upgrade.stdout)\(upgrade.stderr)")
        #expect(exists("/var/lib/kioskd/keep-me") && (try? String(contentsOfFile: "/etc/kioskd/kioskd.toml", encoding: .utf8)) == edited)
        let policy = (try? String(contentsOfFile: dropIn, encoding: .utf8)) ?? ""
        #expect(policy.hasPrefix("# Written by `kioskd --network-policy`") && policy.contains("\nIPAddressAllow=192.0.2.10\n"), "\(policy)")

        // Remove: binaries and units gone, data and configuration kept.
        let installed = try run("/usr/bin/dpkg-query", ["-L", "kioskpay"]).stdout.split(separator: "\n").map(String.init)
        let remove = try run("/usr/bin/dpkg", ["-r", "kioskpay"])
        #expect(remove.status == 0, "\(remove.stderr)")
        #expect(!exists("/usr/sbin/kioskd") && !exists("/lib/systemd/system/kioskd.socket") && !exists("/lib/udev/rules.d/70-kioskpay.rules"))
        #expect(exists("/var/lib/kioskd/keep-me") && exists("/etc/kioskd/kioskd.toml"), "remove keeps the data and the configuration")
        #expect(!exists("/etc/systemd/system/sockets.target.wants/kioskd.socket"), "disabled on remove")

        // Purge: the data and configuration go too; nothing the package installed is left.
        let purge = try run("/usr/bin/dpkg", ["-P", "kioskpay"])
        #expect(purge.status == 0, "\(purge.stderr)")
        #expect(!exists("/var/lib/kioskd") && !exists("/etc/kioskd"))
        #expect(!exists(dropIn) && !exists("/etc/systemd/system/kioskd.service.d"), "purge removes the back-office drop-in")
        let shared: Set<String> = ["/.", "/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/share", "/usr/share/doc", "/lib", "/lib/systemd",
                                   "/lib/systemd/system", "/lib/udev", "/lib/udev/rules.d", "/etc", "/usr/lib/sysusers.d", "/usr/lib/tmpfiles.d",
                                   "/usr/share/man", "/usr/share/man/man1", "/usr/share/man/man5", "/usr/share/man/man8",
                                   "/usr/share/bash-completion", "/usr/share/bash-completion/completions", "/usr/share/zsh",
                                   "/usr/share/zsh/vendor-completions", "/usr/share/fish", "/usr/share/fish/vendor_completions.d", "/usr/share/lintian", "/usr/share/lintian/overrides",
                                   "/usr/share/metainfo"]
        let left = installed.filter { !shared.contains($0) && exists($0) }
        #expect(left.isEmpty, "left behind: \(left)")
        #expect(try run("/usr/bin/dpkg-query", ["-W", "-f=${Status}", "kioskpay"]).stdout.contains("installed") == false)
    }

    /// Starts the installed kioskd the way kioskd.socket + kioskd.service would, answers one
    /// hello through the activated socket, and stops it.
    func serveOnce(unit: String) throws {
        let directory = try makeScratchDirectory("installed-kioskd")
        let runtime = directory + "/run"
        _ = try run("/usr/bin/install", ["-d", "-m", "0755", "-o", "kioskd", "-g", "kiosk", runtime])
        let socket = runtime + "/kioskd.sock"
        let notify = try NotifyListener(path: directory + "/notify.sock")
        chmod(notify.path, 0o666)
        // systemd-socket-activate passes on only the variables named with -E, as systemd
        // gives a service only its unit's environment.
        let variables = ["STATE_DIRECTORY": "/var/lib/kioskd", "RUNTIME_DIRECTORY": runtime, "NOTIFY_SOCKET": notify.path,
                         "SWIFT_BACKTRACE": "enable=no"]
        // The unit's /proc (ProtectProc=, ProcSubset=), then its user, then its filter.
        let seccomp = try publicCopy(of: SystemdUnitTests.seccompRunner, in: directory)
        let command = ["/usr/bin/systemd-socket-activate", "-l", socket] + variables.sorted { $0.key < $1.key }.flatMap { ["-E", "\($0.key)=\($0.value)"] } + ["--",
                       "/usr/bin/python3", try publicCopy(of: SystemdUnitTests.procRunner, in: directory), unit, "--",
                       "/usr/bin/setpriv", "--reuid=kioskd", "--regid=kiosk", "--init-groups", "--",
                       "/usr/bin/python3", seccomp, unit, "--",
                       "/usr/sbin/kioskd", "--config", "/etc/kioskd/kioskd.toml"]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "JOURNAL_STREAM")
        environment.merge(variables) { _, new in new }
        process.environment = environment
        let log = directory + "/kioskd.stderr"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        // Like systemd, systemd-socket-activate starts the daemon on the first connection: the
        // client connects before kioskd exists, and its hello is answered once kioskd is up.
        let deadline = Date().addingTimeInterval(60)
        while !exists(socket), process.isRunning, Date() < deadline { usleep(50_000) }
        let client = try RawClient(path: socket)
        try client.send(#"{"jsonrpc":"2.0","id":1,"method":"hello","params":{}}"# + "\n")
        let reply = try client.readLine(timeout: 120)
        let hello = (try? JSONSerialization.jsonObject(with: Data(reply.utf8))) as? [String: Any] ?? [:]
        var ready = false
        let readyBy = Date().addingTimeInterval(120)
        while !ready, process.isRunning, Date() < readyBy {
            ready = notify.receive(timeout: 0.25)?.contains("READY=1") ?? false
        }
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(hello.result["version"] as? String != nil, "\(hello)\n\(text.suffix(3000))")
        try #require(ready, "the installed kioskd did not get ready: \(text.suffix(3000))")
        #expect(text.contains("activation=\"systemd\""), "the socket came from systemd: \(text.suffix(2000))")
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "\(text.suffix(2000))")
        #expect(exists("/var/lib/kioskd/kiosk.sqlite"), "the database is in the state directory")
    }
}
