import Foundation
import Testing

/// Issue 15 item 4: every binary prints one version, shows examples in --help, and exits with
/// the sysexits status its manual page documents, each caused here for real (a real daemon,
/// real roles through setpriv, real files).
@Suite("Command line: versions and exit statuses", .serialized)
struct CommandLineExitTests {
    static let binaries = [Products.kioskd, Products.kioskctl, TmuxFront.frontPath, Products.backoffice]

    @Test("--version: every binary prints the same version, the one kioskd's hello returns")
    func versions() throws {
        var printed: [String] = []
        for binary in Self.binaries {
            let result = try runProcess(binary, ["--version"])
            #expect(result.status == 0, "\(binary): \(result.stderr)")
            printed.append(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        #expect(Set(printed).count == 1, "\(printed)")
        #expect(printed[0].split(separator: ".").count == 3, "\(printed[0])")
        let daemon = try DaemonProcess(label: "version")
        defer { daemon.stop() }
        #expect(try daemon.client().call("hello").result["version"] as? String == printed[0])
    }

    @Test("--help: every binary shows examples and the six exit statuses")
    func help() throws {
        for binary in Self.binaries {
            let result = try runProcess(binary, ["--help"])
            #expect(result.status == 0, "\(binary): \(result.stderr)")
            #expect(result.stdout.contains("Examples:"), "\(binary): \(result.stdout)")
            for code in ["64", "65", "69", "70", "77", "78"] {
                #expect(result.stdout.range(of: "\n  \(code)  EX_", options: []) != nil, "\(binary) --help lacks \(code): \(result.stdout)")
            }
        }
    }

    @Test("kioskctl: 64 bad argument, 65 unknown account, 66 missing file, 65 bad file, 69 no daemon, 77 wrong role")
    func kioskctl() throws {
        let daemon = try DaemonProcess(label: "ctl-exit")
        defer { daemon.stop() }

        let unknownOption = try daemon.kioskctl(["payments", "list", "--no-such-option"])
        #expect(unknownOption.status == 64, "\(unknownOption.stderr)")
        let missingArgument = try daemon.kioskctl(["account", "show"])
        #expect(missingArgument.status == 64, "\(missingArgument.stderr)")

        let unknownAccount = try daemon.kioskctl(["account", "show", "999999"])
        #expect(unknownAccount.status == 65, "\(unknownAccount.stderr)")
        #expect(unknownAccount.stderr.hasPrefix("kioskctl: "), "\(unknownAccount.stderr)")

        let missingFile = try daemon.kioskctl(["sync", "apply", daemon.directory + "/no-such-document.json"])
        #expect(missingFile.status == 66, "\(missingFile.stderr)")
        let notJSON = daemon.directory + "/not-json.json"
        try Data("this is not a sync document".utf8).write(to: URL(fileURLWithPath: notJSON))
        let badFile = try daemon.kioskctl(["sync", "apply", notJSON])
        #expect(badFile.status == 65 && badFile.stderr.contains("is not valid JSON"), "\(badFile.stderr)")
        let badDocument = daemon.directory + "/bad-document.json"
        try Data(#"{"format": "kioskpay.sync.v1"}"#.utf8).write(to: URL(fileURLWithPath: badDocument))
        let refusedDocument = try daemon.kioskctl(["sync", "apply", badDocument])
        #expect(refusedDocument.status == 65, "invalid params from kioskd: \(refusedDocument.stderr)")

        let nowhere = try runProcess(Products.kioskctl, ["--socket", daemon.directory + "/nothing-here.sock", "hello"])
        #expect(nowhere.status == 69, "\(nowhere.stderr)")
        #expect(nowhere.stderr.contains("kioskd is not running"), "\(nowhere.stderr)")

        let front = try daemon.kioskctl(["payments", "list"], uid: ScratchGroups.nobody, gid: ScratchGroups.front)
        #expect(front.status == 77, "front role on a manager command: \(front.stderr)")
        let noRole = try daemon.kioskctl(["hello"], uid: ScratchGroups.nobody, gid: ScratchGroups.nobody)
        #expect(noRole.status == 77, "no role at all: \(noRole.stderr)")
        let manager = try daemon.kioskctl(["payments", "list"], uid: ScratchGroups.nobody, gid: ScratchGroups.manager)
        #expect(manager.status == 0, "the same command as a manager: \(manager.stderr)")
    }

    @Test("kioskd: 78 for a configuration with an unknown key, 64 for a bad argument")
    func kioskd() throws {
        let directory = try makeScratchDirectory("kioskd-exit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let config = directory + "/kioskd.toml"
        try Data("sockett = \"/tmp/typo.sock\"\n".utf8).write(to: URL(fileURLWithPath: config))
        let typo = try runProcess(Products.kioskd, ["--config", config, "--data-dir", directory + "/data", "--socket", directory + "/k.sock"], timeout: 60)
        #expect(typo.status == 78, "\(typo.stderr)")
        #expect(typo.stderr.contains("unknown key \"sockett\""), "\(typo.stderr)")
        let missing = try runProcess(Products.kioskd, ["--config", directory + "/absent.toml", "--data-dir", directory + "/data"], timeout: 60)
        #expect(missing.status == 78, "\(missing.stderr)")
        let badFlag = try runProcess(Products.kioskd, ["--no-such-flag"], timeout: 60)
        #expect(badFlag.status == 64, "\(badFlag.stderr)")
    }

    @Test("kiosk-front --check: 69 with no daemon, 77 outside the socket's group or without a role, 0 as the front; 64 for a bad argument")
    func front() throws {
        let directory = try makeScratchDirectory("front-exit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let nowhere = try runProcess(TmuxFront.frontPath, ["--check", "--socket", directory + "/kioskd.sock"], timeout: 60)
        #expect(nowhere.status == 69, "\(nowhere.stderr)")
        #expect(nowhere.stderr.hasPrefix("kiosk-front: kioskd is not running"), "\(nowhere.stderr)")
        let badSequence = try runProcess(TmuxFront.frontPath, ["--kiosk"], timeout: 60)
        #expect(badSequence.status == 64, "\(badSequence.stderr)")

        guard getuid() == 0 else { return }  // setpriv needs root
        let daemon = try DaemonProcess(label: "front-check")
        defer { daemon.stop() }
        let front = try publicCopy(of: TmuxFront.frontPath, in: daemon.directory)
        func check(_ groups: String, gid: UInt32) throws -> ProcessResult {
            try runProcess("/usr/bin/setpriv", ["--reuid=\(ScratchGroups.nobody)", "--regid=\(gid)", groups, "--",
                                                front, "--check", "--socket", daemon.socketPath],
                           timeout: 60, watching: [daemon.process.processIdentifier])
        }
        let outsider = try check("--clear-groups", gid: ScratchGroups.nobody)
        #expect(outsider.status == 77 && outsider.stderr.contains("permission denied on"), "\(outsider.stderr)")
        let noRole = try check("--groups=\(ScratchGroups.socketGroup)", gid: ScratchGroups.nobody)
        #expect(noRole.status == 77, "\(noRole.stderr)")
        let served = try check("--groups=\(ScratchGroups.socketGroup)", gid: ScratchGroups.front)
        #expect(served.status == 0 && served.stdout.contains("role front"), "\(served.stdout)\(served.stderr)")
    }

    /// The package's root (this file is Tests/KioskEndToEndTests/CommandLineExitTests.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// Where `make man`'s first step (ArgumentParser's GenerateManual plugin) leaves the raw
    /// pages. The plugin cannot run from inside `swift test` (SwiftPM holds the build
    /// directory's lock), so `make test` runs `make man` first and this test finishes them.
    static let rawManualPages = packageRoot + "/.build/plugins/GenerateManual/outputs"

    @Test("make man: every page exists with NAME, SYNOPSIS and an EXIT STATUS listing the six codes",
          .enabled(if: FileManager.default.fileExists(atPath: rawManualPages + "/kioskd"), "run `make man` first (make test does)"))
    func manualPages() throws {
        let raw = Self.rawManualPages
        let out = try makeScratchDirectory("man")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let finish = try runProcess("/usr/bin/env", ["python3", Self.packageRoot + "/scripts/man.py", raw, out])
        try #require(finish.status == 0, "\(finish.stderr)")

        let pages = ["kioskctl.1", "kiosk-front.1", "kiosk-backoffice.1", "kioskd.8", "kioskd.toml.5"]
        for page in pages {
            let text = try String(contentsOfFile: out + "/" + page, encoding: .utf8)
            let headings = text.split(separator: "\n").filter { $0.hasPrefix(".Sh ") || $0.hasPrefix(".SH ") }.map { String($0.dropFirst(4)).uppercased() }
            for heading in ["NAME", "SYNOPSIS", "EXIT STATUS"] {
                #expect(headings.contains(heading), "\(page) has no \(heading): \(headings)")
            }
            let section = text.components(separatedBy: ".Sh EXIT STATUS").dropFirst().first ?? text.components(separatedBy: ".SH EXIT STATUS").dropFirst().first ?? ""
            let exitStatus = section.components(separatedBy: "\n.S").first ?? ""
            for code in ["64", "65", "69", "70", "77", "78"] {
                #expect(exitStatus.contains(".It \(code) ") || exitStatus.contains("\\fB\(code)\\fR"), "\(page): EXIT STATUS lacks \(code)")
            }
        }
        let daemon = try String(contentsOfFile: out + "/kioskd.8", encoding: .utf8)
        #expect(daemon.contains(".Dt KIOSKD 8"), "kioskd is in section 8")
        // kioskd.toml(5) comes from docs/CONFIGURATION.md: every key kioskd's sample names is in it.
        let config = try String(contentsOfFile: out + "/kioskd.toml.5", encoding: .utf8)
        for key in ["data_dir", "socket_group", "log_level", "session_idle_seconds", "pin_max_failures", "token_file"] {
            #expect(config.contains(key), "kioskd.toml.5 lacks \(key)")
        }
        // groff reads every page without a warning.
        for page in pages {
            let rendered = try runProcess("/usr/bin/groff", ["-k", "-mandoc", "-Tutf8", "-ww", "-z", out + "/" + page])
            #expect(rendered.status == 0 && rendered.stderr.isEmpty, "\(page): \(rendered.stderr)")
        }
    }

    @Test("make completions' step: bash, zsh and fish scripts for kioskctl and kiosk-front; bash parses them")
    func completions() throws {
        let directory = try makeScratchDirectory("completions")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (tool, binary) in [("kioskctl", Products.kioskctl), ("kiosk-front", TmuxFront.frontPath)] {
            for shell in ["bash", "zsh", "fish"] {
                let script = try runProcess(binary, ["--generate-completion-script", shell])
                #expect(script.status == 0 && script.stdout.contains(tool), "\(tool) \(shell): \(script.stderr)")
                if shell == "bash" {
                    let file = directory + "/\(tool).bash"
                    try Data(script.stdout.utf8).write(to: URL(fileURLWithPath: file))
                    let parsed = try runProcess("/bin/bash", ["-n", file])
                    #expect(parsed.status == 0, "\(tool).bash: \(parsed.stderr)")
                }
            }
        }
        let ctl = try runProcess(Products.kioskctl, ["--generate-completion-script", "bash"]).stdout
        #expect(ctl.contains("payments") && ctl.contains("--socket"), "the subcommands and options are in it")
    }

    @Test("kiosk-backoffice: 66 for a missing key file, 73 for a key pair that exists already")
    func backoffice() throws {
        let directory = try makeScratchDirectory("backoffice-exit")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let missing = try runProcess(Products.backoffice, ["open-capture", "--private-key", directory + "/absent.key", "-"], stdin: Data())
        #expect(missing.status == 66, "\(missing.stderr)")
        let first = try runProcess(Products.backoffice, ["keygen", "--out", directory + "/bo"])
        #expect(first.status == 0, "\(first.stderr)")
        let again = try runProcess(Products.backoffice, ["keygen", "--out", directory + "/bo"])
        #expect(again.status == 73 && again.stderr.contains("already exists"), "\(again.stderr)")
    }
}
