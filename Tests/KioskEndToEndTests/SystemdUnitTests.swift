#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The unit a technician installs: it must verify, stay hardened, and let kioskd live.
@Suite("systemd unit", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let shippedUnit = repository.appendingPathComponent("systemd/kioskd.service").path
    static let sampleConfig = repository.appendingPathComponent("systemd/kioskd.toml").path
    /// Runs a command under a unit's SystemCallFilter= (and UMask=), loaded with libseccomp.
    static let seccompRunner = repository.appendingPathComponent("scripts/unit-seccomp.py").path
    /// Mounts the unit's /proc (ProtectProc=, ProcSubset=) in a private mount namespace; root only.
    static let procRunner = repository.appendingPathComponent("scripts/unit-proc.py").path

    /// The overall exposure `systemd-analyze security --offline=true` gives the unit: 1.9
    /// before issue 15, 1.5 since (IPAddressDeny=any with loopback allowed, DevicePolicy=closed
    /// with USB devices only, ProcSubset=pid). Hardening may only make it lower.
    static let exposureBefore = 1.5

    /// The shipped unit with ExecStart pointed at the binary just built (verify checks it
    /// exists), beside the socket unit it requires.
    func unitUnderTest() throws -> String {
        let text = try String(contentsOfFile: Self.shippedUnit, encoding: .utf8)
            .replacingOccurrences(of: "/usr/sbin/kioskd", with: Products.kioskd)
        let directory = try makeScratchDirectory("unit")
        let path = directory + "/kioskd.service"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        _ = try runProcess("/bin/cp", [Self.repository.appendingPathComponent("systemd/kioskd.socket").path, directory + "/kioskd.socket"])
        return path
    }

    @Test("systemd-analyze verify accepts kioskd.service")
    func verify() throws {
        let unit = try unitUnderTest()
        let socket = URL(fileURLWithPath: unit).deletingLastPathComponent().appendingPathComponent("kioskd.socket").path
        // --man=no: the man pages are installed by the package (PackageInstallTests), not here.
        let result = try runProcess("/usr/bin/systemd-analyze", ["verify", "--man=no", unit, socket])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("kioskd.service:") && !result.stderr.contains("kioskd.socket:"), "\(result.stderr)")
    }

    @Test("the unit is hardened: exposure no worse than before, notify type, no PrivateUsers (it would break roles)")
    func hardened() throws {
        let path = try unitUnderTest()
        let result = try runProcess("/usr/bin/systemd-analyze", ["security", "--offline=true", path])
        let line = result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
        let score = line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }
        #expect(score != nil && score! <= Self.exposureBefore, "\(line)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("Type=notify") && text.contains("WatchdogSec="))
        #expect(!text.contains("PrivateUsers=yes"))
    }

    @Test("kioskd --network-policy prints a drop-in systemd accepts with the back office's address; none configured is exit 78")
    func networkPolicyDropIn() throws {
        let unit = try unitUnderTest()
        let directory = (unit as NSString).deletingLastPathComponent
        let config = directory + "/kioskd.toml"
        try "[backoffice]\nurl = \"https://192.0.2.10:8443\"\ntoken_file = \"/etc/kioskd/token\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let printed = try runProcess(Products.kioskd, ["--config", config, "--network-policy"])
        #expect(printed.status == 0 && printed.stdout.contains("\nIPAddressAllow=192.0.2.10\n"), "\(printed.stdout)\(printed.stderr)")
        let dropIns = directory + "/kioskd.service.d"
        try FileManager.default.createDirectory(atPath: dropIns, withIntermediateDirectories: true)
        try printed.stdout.write(toFile: dropIns + "/50-backoffice-address.conf", atomically: true, encoding: .utf8)
        let verify = try runProcess("/usr/bin/systemd-analyze", ["verify", "--man=no", unit, directory + "/kioskd.socket"])
        #expect(verify.status == 0 && !verify.stderr.contains("50-backoffice-address"), "\(verify.stderr)")
        // systemd reads the drop-in: the unit's allow list now holds loopback and the back office.
        let shown = try runProcess("/usr/bin/systemd-analyze", ["security", "--offline=true", unit])
        #expect(shown.stdout.contains("IP address allow list with non-localhost entries"), "\(shown.stdout)")

        try "log_level = \"info\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let none = try runProcess(Products.kioskd, ["--config", config, "--network-policy"])
        #expect(none.status == 78 && none.stderr.contains("has no [backoffice] url") && none.stdout.isEmpty, "\(none.status) \(none.stderr)")
        try "[backoffice]\nurl = \"https://no-such-host.invalid\"\ntoken_file = \"/t\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let unresolvable = try runProcess(Products.kioskd, ["--config", config, "--network-policy"])
        #expect(unresolvable.status == 69 && unresolvable.stderr.contains("cannot resolve the back office host no-such-host.invalid"), "\(unresolvable.stderr)")
    }

    @Test("a call outside the filter is refused with EPERM under systemd, not a SIGSYS kill")
    func errorNumber() throws {
        let text = try String(contentsOfFile: Self.shippedUnit, encoding: .utf8)
        #expect(text.split(separator: "\n").contains("SystemCallErrorNumber=EPERM"))
    }

    /// The filter the unit gives kioskd, as systemd computes it (scripts/unit-seccomp.py --print).
    static func allowedCalls(unit: String) throws -> Set<String> {
        let printed = try runProcess("/usr/bin/python3", [seccompRunner, unit, "--print"])
        guard printed.status == 0 else { throw CopyFailure(message: "unit-seccomp.py --print: \(printed.stderr)") }
        return Set(printed.stdout.split(separator: "\n").filter { !$0.hasPrefix("#") }.map(String.init))
    }

    @Test("the filter's expansion follows systemd: @default added, ~ lists removed in order")
    func filterExpansion() throws {
        let allowed = try Self.allowedCalls(unit: Self.shippedUnit)
        // What kioskd calls: the socket's group, the Swift runtime's threads and their priority.
        for call in ["chown", "fchownat", "setpriority", "clone3", "rseq", "execve", "flock", "fdatasync"] {
            #expect(allowed.contains(call), "\(call) is not allowed")
        }
        // Still denied: the rest of @privileged and @resources.
        for call in ["fchown", "lchown", "setuid", "setresuid", "setgroups", "chroot", "pivot_root", "settimeofday",
                     "init_module", "reboot", "swapon", "mount", "setrlimit", "sched_setaffinity", "sched_setscheduler",
                     "set_mempolicy", "bpf"] {
            #expect(!allowed.contains(call), "\(call) is allowed")
        }
    }

    @Test("the seccomp harness does kill: a denied call ends the process with SIGSYS",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func harnessKills() throws {
        let result = try runProcess("/usr/bin/python3", [Self.seccompRunner, Self.shippedUnit, "--",
                                                         "/usr/bin/python3", "-c", "import os; os.chroot('/')"])
        // Foundation reports a death by signal as the signal's number.
        #expect(result.status == SIGSYS, "status \(result.status): \(result.stderr)")
    }

    /// kioskd's life under the shipped unit's filter: the sample config (socket_group set, so
    /// the socket is chown'd), the unit's user, umask and watchdog, USB on; hello, a sync, a
    /// payment with a signature, SIGTERM. The filter's default action is *kill*, whatever
    /// SystemCallErrorNumber= says, so any call the unit forgets ends kioskd with SIGSYS.
    @Test("kioskd lives under the unit's system-call filter: start, hello, sync apply, a payment, a backup, diagnose, SIGTERM",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func livesUnderTheFilter() throws {
        let run = try FilteredDaemon(unit: Self.shippedUnit)
        defer { run.kill() }
        let ready = run.waitForReady()
        try #require(ready, "kioskd did not report READY=1 under the unit's filter: \(run.death)\n\(run.log.suffix(3000))")
        // The filter is really on: seccomp mode 2 for kioskd itself.
        let status = (try? String(contentsOfFile: "/proc/\(run.process.processIdentifier)/status", encoding: .utf8)) ?? ""
        #expect(status.contains("Seccomp:\t2"), "\(status)")
        // And its /proc is the unit's: processes only, other users' hidden.
        if getuid() == 0 {
            let mounts = (try? String(contentsOfFile: "/proc/\(run.process.processIdentifier)/mountinfo", encoding: .utf8)) ?? ""
            // The last /proc mount is the one on top (the unit's, over the host's).
            let proc = mounts.split(separator: "\n").last { $0.split(separator: " ").dropFirst(4).first == "/proc" } ?? ""
            #expect(proc.contains("hidepid=invisible") && proc.contains("subset=pid"), "\(proc)")
        }

        let hello = try runProcess(Products.kioskctl, ["--socket", run.socketPath, "hello"], watching: [run.process.processIdentifier])
        #expect(hello.status == 0, "\(hello.stderr) \(run.death)")
        let document = run.directory + "/store.json"
        try JSONSerialization.data(withJSONObject: PayingStore.document(count: 2)).write(to: URL(fileURLWithPath: document))
        let sync = try runProcess(Products.kioskctl, ["--socket", run.socketPath, "sync", "apply", document],
                                  watching: [run.process.processIdentifier])
        #expect(sync.status == 0, "\(sync.stderr) \(run.death)")

        // A payment as the front makes it: a back-office key, the emulated pad, a signature.
        let prefix = run.directory + "/bo"
        let keygen = try runProcess(Products.backoffice, ["keygen", "--out", prefix, "--key-id", "bo-seccomp"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let provision = try runProcess(Products.kioskctl, ["--socket", run.socketPath, "provision", "backoffice-key", prefix + ".pub"],
                                       watching: [run.process.processIdentifier])
        #expect(provision.status == 0, "\(provision.stderr) \(run.death)")
        let client = try RawClient(path: run.socketPath)
        #expect(try client.call("device.allow", params: ["id": "emulated-pad-1"], id: 1).error == nil)
        #expect(try client.call("session.begin", params: ["account": "C10000", "pin": PayingStore.pin], id: 2).error == nil)
        let capture = try client.call("device.capture.begin", params: ["kind": "signature"], id: 3).result["capture"] as? String ?? ""
        _ = try client.call("device.emulate.sign", params: ["strokes": [[[0.1, 0.1, 0.5], [0.2, 0.3, 0.5]]]], id: 4)
        _ = try client.call("device.capture.finish", params: ["capture": capture], id: 5)
        let payment = try client.call("payment.submit", params: [
            "amount": 1_000, "method": ["card_on_file": "K-0"], "signature": capture, "terms_sha256": PayingStore.termsSHA256], id: 6)
        #expect(payment.result["id"] is String, "\(payment) \(run.death)")

        // A backup (SQLite's backup API, statvfs, fsync) and a diagnostic report (uname, os-release).
        let backup = try runProcess(Products.kioskctl, ["--socket", run.socketPath, "backup", run.directory + "/backup.sqlite"],
                                    watching: [run.process.processIdentifier])
        #expect(backup.status == 0, "\(backup.stderr) \(run.death)")
        let diagnose = try runProcess(Products.kioskctl, ["--socket", run.socketPath, "diagnose", "--output", run.directory + "/diag.tar.gz"],
                                      watching: [run.process.processIdentifier])
        #expect(diagnose.status == 0, "\(diagnose.stderr) \(run.death)")

        let exit = run.stop()
        #expect(exit == "exit 0", "\(exit)\n\(run.log.suffix(3000))")
        #expect(run.notifications.contains { $0.contains("STOPPING=1") }, "\(run.notifications)")
        #expect(!run.log.contains("Error: CancellationError"))
    }
}

/// kioskd started the way the unit starts it, under the unit's system-call filter (kill action).
final class FilteredDaemon {
    let directory: String
    let socketPath: String
    let process = Process()
    private let stderrPath: String
    private let notify: NotifyListener
    private(set) var notifications: [String] = []

    init(unit: String) throws {
        directory = try makeScratchDirectory("seccomp")
        let state = directory + "/state", runtime = directory + "/run"
        socketPath = runtime + "/kioskd.sock"
        stderrPath = directory + "/kioskd.stderr"
        // The unit's user and group (User=kioskd, Group=kiosk) stand in as nobody and the scratch socket group.
        let asRoot = getuid() == 0
        for (path, mode) in [(state, 0o750), (runtime, 0o755)] {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: mode])
            if asRoot { chown(path, ScratchGroups.nobody, ScratchGroups.socketGroup) }
        }
        // The sample config, with the groups it names mapped to the scratch gids; the emulated pad
        // (test only) so a payment can be signed.
        var config = try String(contentsOfFile: SystemdUnitTests.sampleConfig, encoding: .utf8)
        for (name, gid) in [("\"kiosk-tech\"", ScratchGroups.technician), ("\"kiosk-manager\"", ScratchGroups.manager),
                            ("\"kiosk-front\"", ScratchGroups.front), ("\"kiosk\"", ScratchGroups.socketGroup)] {
            config = config.replacingOccurrences(of: name, with: "\(gid)")
        }
        config = config.replacingOccurrences(of: "\n[roles]", with: "\nemulated_devices = true  # test only\n\n[roles]")
        let configPath = directory + "/kioskd.toml"
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        notify = try NotifyListener(path: directory + "/notify.sock")
        chmod(notify.path, 0o666)

        let unitText = try String(contentsOfFile: unit, encoding: .utf8)
        let watchdog = unitText.split(separator: "\n").last { $0.hasPrefix("WatchdogSec=") }
            .flatMap { UInt64($0.dropFirst("WatchdogSec=".count)) } ?? 30
        let unitCopy = try publicCopy(of: unit, in: directory)
        let runner = [ "/usr/bin/python3", try publicCopy(of: SystemdUnitTests.seccompRunner, in: directory), unitCopy, "--",
                       try publicCopy(of: Products.kioskd, in: directory), "--config", configPath]
        // As root: the unit's /proc first (a private mount namespace), then its user, then its filter.
        let command = asRoot
            ? ["/usr/bin/python3", try publicCopy(of: SystemdUnitTests.procRunner, in: directory), unitCopy, "--",
               "/usr/bin/setpriv", "--reuid=\(ScratchGroups.nobody)", "--regid=\(ScratchGroups.socketGroup)", "--clear-groups", "--"] + runner
            : runner
        process.executableURL = URL(fileURLWithPath: command[0])
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "JOURNAL_STREAM")
        environment.merge(["STATE_DIRECTORY": state, "RUNTIME_DIRECTORY": runtime, "NOTIFY_SOCKET": notify.path,
                           "WATCHDOG_USEC": "\(watchdog * 1_000_000)", "SWIFT_BACKTRACE": "enable=no"]) { _, new in new }
        process.environment = environment
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// How kioskd ended, if it did ("killed by signal 31 (SIGSYS)…").
    var death: String {
        guard !process.isRunning else { return "" }
        return process.terminationReason == .uncaughtSignal
            ? "kioskd was killed by signal \(process.terminationStatus)" + (process.terminationStatus == SIGSYS ? " (SIGSYS: the unit's filter lacks a system call kioskd makes)" : "")
            : "kioskd exited with status \(process.terminationStatus)"
    }

    /// Waits for READY=1 while kioskd runs and makes progress.
    func waitForReady() -> Bool {
        let hang = HangDetector(pids: [process.processIdentifier], idleLimit: 30)
        while process.isRunning || notify.pending, !hang.hung() {
            if let message = notify.receive(timeout: 0.25) {
                notifications.append(message)
                if message.contains("READY=1") { return true }
            }
        }
        return false
    }

    /// SIGTERM; "exit N" or "signal N".
    func stop() -> String {
        Glibc.kill(process.processIdentifier, SIGTERM)
        let hang = HangDetector(pids: [process.processIdentifier], idleLimit: 30)
        while process.isRunning, !hang.hung() {
            if let message = notify.receive(timeout: 0.1) { notifications.append(message) }
        }
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        while let message = notify.receive(timeout: 0.1) { notifications.append(message) }
        return (process.terminationReason == .exit ? "exit " : "signal ") + "\(process.terminationStatus)"
    }

    func kill() {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
