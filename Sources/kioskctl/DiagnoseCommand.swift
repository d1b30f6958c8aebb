#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Foundation
import KioskClient
import KioskJSON
import KioskProtocol
import KioskSystem

/// `kioskctl diagnose`: one tar.gz a technician can be sent, with what kioskd says about
/// itself (`diagnose`: versions, configuration with secrets redacted, status, devices and
/// their descriptors, integrity check, outbox counts) and what kioskctl adds (its version,
/// the OS, kioskd's recent journal). Never card data, PINs, tokens or keys: kioskd redacts
/// its configuration, and kioskctl drops any journal line that looks like card data.
struct DiagnoseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnose",
        abstract: "Write a diagnostic bundle (tar.gz) to send to a technician (managers, technicians).",
        discussion: """
            The bundle holds versions, the configuration without secrets, devices and their \
            descriptors, status, the database's integrity check, the outbox's counts and \
            kioskd's last 2000 journal lines (when journalctl can read them). Default name: \
            kioskpay-diagnose-<kiosk>-<time>.tar.gz in the current directory; mode 0600. \
            When kioskd does not answer, the bundle holds what kioskctl can collect (versions, \
            the journal, why) and kioskctl exits 69.

            Examples:
              kioskctl diagnose
              kioskctl diagnose --output /media/usb/kiosk-diagnose.tar.gz
              tar -tzf kioskpay-diagnose-*.tar.gz
            """)

    @OptionGroup var connection: ConnectionOptions
    @Option(help: ArgumentHelp("Where to write the bundle.", valueName: "FILE")) var output: String?
    @Flag(help: "Replace the output file if it exists.") var force = false
    @Flag(help: "Print kioskd's diagnose JSON object instead of writing a bundle.") var json = false

    /// The journal lines the bundle asks for.
    static let journalLines = 2000

    func run() async throws {
        try await reportingFailures {
            var fetched: (raw: Data, result: DiagnoseResult)?
            do {
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    let raw = try await client.callRaw(Methods.diagnose, EmptyParams())
                    do { fetched = (raw, try JSONDecoder().decode(DiagnoseResult.self, from: raw)) }
                    catch { throw ClientError.malformedReply("the result of diagnose does not have the expected fields") }
                }
            } catch let error as ClientError {
                // kioskd down is when a technician most needs the bundle: write what kioskctl can
                // collect (versions, the journal), say so, and still exit 69.
                guard !json, Self.unreachable(error) else { throw error }
                let files = Self.localFiles(problem: error.description)
                let target = try write(files, kioskID: HostFacts.hostName())
                Output.error("kioskctl: \(error.description)")
                Output.line("kioskd did not answer; the bundle \(target) holds only what kioskctl could collect (versions, kioskd's journal).")
                throw ExitCode(ExitStatus.unavailable.rawValue)
            }
            guard let (raw, result) = fetched else { return }
            if json { Output.raw(raw); return }
            try write(Self.files(raw: raw, result: result), kioskID: result.kioskID)
            Output.line("It holds no card data, PINs, tokens or keys; send it to your technician.")
        }
    }

    /// Packs `files` to --output (or the default name) and says where.
    @discardableResult
    private func write(_ files: [(name: String, text: String)], kioskID: String) throws -> String {
        let name = "kioskpay-diagnose-\(kioskID)-\(HostFacts.compactStamp(Date()))"
        let target = URL(fileURLWithPath: output ?? name + ".tar.gz").standardizedFileURL.path
        try Self.writeBundle(files, folder: name, to: target, force: force)
        Output.line("Diagnostic bundle written to \(target) (\(files.count) files: \(files.map(\.name).joined(separator: ", "))).")
        return target
    }

    /// Whether kioskd is simply not there (not a refusal, nor a reply kioskctl cannot read).
    static func unreachable(_ error: ClientError) -> Bool {
        switch error {
        case .daemonNotRunning, .cannotConnect: return true
        default: return false
        }
    }

    /// The bundle without kioskd: why, versions and the OS as kioskctl sees them, the journal.
    static func localFiles(problem: String) -> [(name: String, text: String)] {
        let os = [HostFacts.osName(), HostFacts.kernel()].compactMap { $0 }.joined(separator: "; ")
        return [
            ("README.txt", """
                kioskpay diagnostic bundle made by kioskctl diagnose while kioskd did not answer.
                kioskd.txt       why kioskctl could not reach kioskd
                versions.txt     kioskctl and the operating system
                journal.txt      journalctl -u kioskd -n \(journalLines), or why it could not be read
                No card data, PINs, tokens or keys are included.

                """),
            ("kioskd.txt", "kioskd did not answer: \(problem)\n"),
            ("versions.txt", "kioskctl \(KioskpayVersion.current)\nOS (kioskctl): \(os)\nkioskd: not reachable\n"),
            ("journal.txt", journal()),
        ]
    }

    /// The bundle's files, in the order they are listed.
    static func files(raw: Data, result: DiagnoseResult) -> [(name: String, text: String)] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        func pretty<T: Encodable>(_ value: T) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) + "\n" } ?? "null\n"
        }
        let local = [HostFacts.osName(), HostFacts.kernel()].compactMap { $0 }.joined(separator: "; ")
        let versions = """
            kioskd \(result.version) (kiosk \(result.kioskID))
            kioskctl \(KioskpayVersion.current)
            OS (kioskd): \(result.os["pretty_name"] ?? "unknown"); \(result.os["kernel"] ?? "unknown")
            OS (kioskctl): \(local)
            generated at \(result.generatedAt)

            """
        let integrity = result.integrity == ["ok"] ? "ok: PRAGMA integrity_check found no problem\n"
            : "NOT ok: PRAGMA integrity_check reports:\n" + result.integrity.map { "  \($0)\n" }.joined()
        let readme = """
            kioskpay diagnostic bundle for kiosk \(result.kioskID), made \(result.generatedAt) by kioskctl diagnose.
            versions.txt     kioskd, kioskctl and the operating system
            config.json      kioskd's effective configuration; secret-looking values read "<redacted>"
            status.txt       kioskctl status, as text (status.json: the protocol's object)
            devices.json     device.list; descriptors.json: device.describe of each present device
            integrity.txt    PRAGMA integrity_check of the live database
            outbox.json      the outbox's counts by topic/state, the oldest undelivered entry, last errors
            journal.txt      journalctl -u kioskd -n \(journalLines), or why it could not be read
            diagnose.json    everything kioskd answered, as it answered it
            No card data, PINs, tokens or keys are included.

            """
        return [
            ("README.txt", readme),
            ("versions.txt", versions),
            ("config.json", pretty(result.config)),
            ("status.txt", Status.lines(result.status).joined(separator: "\n") + "\n"),
            ("status.json", pretty(result.status)),
            ("devices.json", pretty(result.devices)),
            ("descriptors.json", pretty(result.descriptors)),
            ("integrity.txt", integrity),
            ("outbox.json", pretty(result.outbox)),
            ("journal.txt", journal()),
            ("diagnose.json", String(decoding: raw, as: UTF8.self) + "\n"),
        ]
    }

    /// kioskd's recent journal, or a sentence saying why there is none. Lines that look like
    /// card data are dropped (kioskd never logs any; this is the last guard).
    static func journal() -> String {
        let candidates = ["/usr/bin/journalctl", "/bin/journalctl"]
        guard let journalctl = candidates.first(where: { access($0, X_OK) == 0 }) else {
            return "journalctl is not installed here, so kioskd's log could not be collected (kioskd logs to stderr; see how it was started).\n"
        }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: journalctl)
        run.arguments = ["-u", "kioskd", "-n", String(journalLines), "--no-pager", "-o", "short-iso"]
        let out = Pipe()
        run.standardOutput = out
        run.standardError = out
        run.standardInput = FileHandle.nullDevice
        do { try run.run() } catch {
            return "journalctl could not be run (\(error.localizedDescription)), so kioskd's log could not be collected.\n"
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let kept = lines.filter { !CardDataPattern.appears(in: String($0)) }
        let dropped = lines.count - kept.count
        var text = "$ journalctl -u kioskd -n \(journalLines) (exit status \(run.terminationStatus))\n" + kept.joined(separator: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        if dropped > 0 { text += "(\(dropped) line(s) that looked like card data were left out)\n" }
        let output = kept.joined(separator: "\n")
        if run.terminationStatus != 0 || output.contains("-- No entries --") || output.contains("No journal files") || output.isEmpty {
            text += "(no kioskd journal lines were collected: kioskd may not run under systemd here, or this user cannot read the system journal; run kioskctl diagnose as a member of group systemd-journal or adm to include them)\n"
        }
        return text
    }

    /// Writes the files into a private temporary folder, has tar(1) pack and gzip it beside
    /// the target, sets 0600 and renames it into place.
    static func writeBundle(_ files: [(name: String, text: String)], folder: String, to target: String, force: Bool) throws {
        let directory = URL(fileURLWithPath: target).deletingLastPathComponent().path
        var info = stat()
        if lstat(target, &info) == 0, !force {
            throw CommandFailure("\(target) exists already; choose another --output, or pass --force to replace it", status: .cannotCreate)
        }
        guard access(directory, W_OK) == 0 else {
            throw CommandFailure("cannot write in \(directory): \(String(cString: strerror(errno))); pass --output in a directory you may write to", status: .cannotCreate)
        }
        var template = Array((NSTemporaryDirectory() + "/kioskpay-diagnose-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CommandFailure("cannot make a temporary folder: \(String(cString: strerror(errno)))", status: .cannotCreate)
        }
        let scratch = String(cString: made)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let root = scratch + "/" + folder
        guard mkdir(root, 0o700) == 0 else { throw CommandFailure("cannot make \(root): \(String(cString: strerror(errno)))", status: .cannotCreate) }
        for file in files {
            let fd = FileModes.open(root + "/" + file.name, flags: O_WRONLY, mode: 0o600, exclusive: true)
            guard fd >= 0 else { throw CommandFailure("cannot write \(file.name) in \(root)", status: .cannotCreate) }
            let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
            try? handle.write(contentsOf: Data(file.text.utf8))
            try? handle.close()
        }
        let partial = directory + "/." + URL(fileURLWithPath: target).lastPathComponent + ".partial-" + UUID().uuidString.prefix(8).lowercased()
        // Created 0600 here and filled by tar on its stdout: the bundle is never readable by others.
        let fd = FileModes.open(partial, flags: O_WRONLY, mode: 0o600, exclusive: true)
        guard fd >= 0 else {
            throw CommandFailure("cannot write in \(directory): \(String(cString: strerror(errno))); pass --output in a directory you may write to", status: .cannotCreate)
        }
        let bundle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        defer { try? bundle.close() }
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-cz", "-C", scratch, "--owner=0", "--group=0", folder]
        tar.standardOutput = bundle
        let errors = Pipe()
        tar.standardError = errors
        do { try tar.run() } catch {
            unlink(partial)
            throw CommandFailure("cannot run /bin/tar: \(error.localizedDescription)", status: .software)
        }
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        tar.waitUntilExit()
        guard tar.terminationStatus == 0 else {
            unlink(partial)
            throw CommandFailure("tar could not write \(target): \(message.trimmingCharacters(in: .whitespacesAndNewlines))", status: .cannotCreate)
        }
        guard fsync(fd) == 0, rename(partial, target) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(partial)
            throw CommandFailure("cannot write \(target): \(reason)", status: .cannotCreate)
        }
    }
}
