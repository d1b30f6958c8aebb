import ArgumentParser
import Foundation
import KioskJSON
import KioskBackOfficeContract
import KioskCrypto
import KioskSystem

/// The back office's side of the kiosk's promises: key pairs, opening sealed captures, DUKPT.
/// A store's integrator reads this to build the real back office; tests use it to prove the
/// round trip.
@main
struct BackOffice: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-backoffice",
        abstract: "Back-office tools for kioskpay: key pairs, opening sealed captures, DUKPT.",
        discussion: """
            Examples:
              kiosk-backoffice keygen --out /srv/backoffice/store-12
              kiosk-backoffice open-capture --private-key /srv/backoffice/store-12.key capture.json

            \(ExitStatus.helpText(program: "kiosk-backoffice", causes: BackOffice.exitCauses))
            """,
        version: KioskpayVersion.current,
        subcommands: backOfficeSubcommands)

    /// What `kiosk-backoffice --help` and its manual page say about each exit status.
    static let exitCauses: [ExitStatus: String] = [
        .usage: "bad command line: unknown option or subcommand, a value that does not parse",
        .dataError: "an input is not what it must be: a key or capture file, a key id, a sealed capture that does not open with this key",
        .noInput: "a file named on the command line does not exist or cannot be read",
        .cannotCreate: "an output file cannot be created (it exists already, or the directory refuses it)",
        .ioError: "an output file cannot be written in full",
    ]

    /// ArgumentParser's main, after taking descriptors 0-2 (a closed stdout stays closed, and no
    /// key file or database can land on it and receive our output).
    static func main() async {
        StandardStreams.ensureOpen()
        // ArgumentParser's main, except that a ToolError exits with its own sysexits status.
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? AsyncParsableCommand { try await asyncCommand.run() } else { try command.run() }
        } catch let error as ToolError {
            StandardStreams.error("Error: \(error.description)\n")
            Foundation.exit(error.status.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

/// A failure the user can act on: printed as one line; its exit status is `status`.
struct ToolError: Error, CustomStringConvertible {
    let description: String
    let status: ExitStatus
    init(_ description: String, status: ExitStatus = .dataError) { self.description = description; self.status = status }
}

extension ToolError: LocalizedError { var errorDescription: String? { description } }

/// One line to stdout. When the reader goes away (`| head -1`) the tool ends quietly, and a
/// full or closed stdout is one sentence (StandardStreams), never a trap.
func emit(_ line: String) {
    StandardStreams.output(line + "\n")
}

struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make a back-office key pair: the public key goes to kiosks, the private key stays in the back office.",
        discussion: """
        Writes PREFIX.pub (install on kiosks with `kioskctl provision backoffice-key PREFIX.pub`) and
        PREFIX.key (mode 0600; keep it in the back office, never on a kiosk). Existing files are not
        overwritten.
        """)

    @Option(name: .long, help: "Path prefix of the two files.")
    var out: String = "backoffice"

    @Option(name: .long, help: "Key id (1-64 of A-Z a-z 0-9 . _ -). Default: bo- and 16 hex digits of the public key's SHA-256.")
    var keyID: String?

    func run() throws {
        let id: KeyID?
        do throws(SealingError) { id = try keyID.map { (text: String) throws(SealingError) -> KeyID in try KeyID(text) } } catch { throw ToolError(error.description) }
        let key = BackOfficePrivateKey.generate(id: id)
        try write(key.fileContents, to: out + ".key", mode: FileModes.privateKey)
        try write(key.publicKey.fileContents, to: out + ".pub", mode: FileModes.publicKey)
        emit("key id \(key.id)  fingerprint \(key.publicKey.fingerprint)")
        emit("public key:  \(out).pub  (install on kiosks)")
        emit("private key: \(out).key  (keep in the back office)")
    }

    private func write(_ data: Data, to path: String, mode: mode_t) throws {
        let fd = FileModes.open(path, flags: O_WRONLY, mode: mode, exclusive: true)
        guard fd >= 0 else {
            throw ToolError(errno == EEXIST ? "\(path) already exists; choose another --out or remove it first"
                                            : "cannot create \(path): \(String(cString: strerror(errno)))", status: .cannotCreate)
        }
        defer { close(fd) }
        let written = data.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == data.count else { throw ToolError("cannot write \(path): \(String(cString: strerror(errno)))", status: .ioError) }
    }
}

struct OpenCapture: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-capture",
        abstract: "Open a sealed capture with the back office's private key and print it as JSON.")

    @Option(name: .long, help: "The private key file written by keygen.")
    var privateKey: String

    @Argument(help: "A sealed capture (JSON), or - for standard input.")
    var captureFile: String

    func run() throws {
        let keyData = try read(privateKey, what: "private key")
        let key: BackOfficePrivateKey
        do { key = try BackOfficePrivateKey(fileContents: keyData) } catch { throw ToolError(error.description) }
        let sealed: SealedCapture
        do { sealed = try SealedCapture.decode(json: try read(captureFile, what: "capture")) } catch let error as SealingError {
            throw ToolError(error.description)
        }
        let plaintext: Data
        do { plaintext = try CaptureOpener(privateKey: key).open(sealed) } catch { throw ToolError(error.description) }
        // A payload that is not JSON (never written by a kiosk) is shown as base64 rather than lost.
        let payload = (try? BackOfficeJSON.decode(JSONValue.self, from: plaintext))
            ?? .object(["raw_base64": .string(plaintext.base64EncodedString())])
        let out: [String: JSONValue] = [
            "key_id": .string(sealed.keyID.rawValue), "kind": .string(sealed.context.kind.rawValue), "device": .string(sealed.context.device),
            "kiosk": .string(sealed.context.kiosk), "captured_at": .string(sealed.context.capturedAt), "payload": payload,
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        StandardStreams.output(try encoder.encode(out) + Data("\n".utf8))
    }

    private func read(_ path: String, what: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ToolError("cannot read the \(what) file \(path): " + (FileManager.default.fileExists(atPath: path) ? "permission denied" : "no such file"), status: .noInput)
        }
        return data
    }
}
