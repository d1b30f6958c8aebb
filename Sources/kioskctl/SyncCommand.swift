import ArgumentParser
import Foundation
import KioskClient
import KioskCore
import KioskProtocol
import KioskSystem

struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load account data into the kiosk.",
        subcommands: [Apply.self, Pull.self]
    )

    @OptionGroup var connection: ConnectionOptions

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a sync document (kioskpay.sync.v1 JSON) from a file; '-' reads standard input.",
            discussion: "Applying the same document twice changes nothing. A document that fails validation changes nothing at all."
        )

        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The sync document.", valueName: "file")) var file: String
        @Flag(help: "Print the protocol's JSON result instead of text.") var json = false

        func run() async throws {
            try await reportingFailures {
                let (document, mapped) = try readDocument(file)
                try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                    let raw = try await client.applySyncDocument(document, sent: { if mapped { MappedFile.release(document, $0) } })
                    if json { Output.raw(raw); return }
                    let result: SyncApplyResult
                    do {
                        result = try JSONDecoder().decode(SyncApplyResult.self, from: raw)
                    } catch {
                        throw ClientError.malformedReply("the result of sync.apply does not have the expected fields")
                    }
                    Output.line(Self.describe(result))
                }
            }
        }

        static func describe(_ result: SyncApplyResult) -> String {
            if result.changedNothing { return "Nothing changed: this document was already applied." }
            func counts(_ name: String, _ c: SyncApplyResult.Counts) -> String {
                "\(name): \(c.inserted) inserted, \(c.updated) updated, \(c.unchanged) unchanged"
            }
            return [
                "Applied the sync document as of \(result.asOf).",
                counts("branches", result.branches),
                counts("users", result.users),
                counts("profiles", result.profiles),
                counts("accounts", result.accounts),
                "rows written: \(result.rowsWritten)",
            ].joined(separator: "\n")
        }

        /// The file's JSON object, or a sentence saying what is wrong. A document that fits in
        /// one request line is compacted to one line (`sync.apply`); a larger one is mapped from
        /// its file, checked by splitting it (JSONSplitter, never decoded) and uploaded as it is,
        /// so kioskctl never holds more than the file's pages and one chunk.
        /// `mapped`: the bytes are the file's pages (which may be handed back once sent).
        func readDocument(_ path: String) throws -> (data: Data, mapped: Bool) {
            let data: Data
            let name = path == "-" ? "standard input" : path
            if path == "-" {
                data = FileHandle.standardInput.readDataToEndOfFile()
            } else {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw CommandFailure("no such file: \(path)", status: .noInput)
                }
                guard !isDirectory.boolValue else { throw CommandFailure("\(path) is a directory, not a sync document") }
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw CommandFailure("permission denied reading \(path)", status: .noInput)
                }
                do {
                    data = try MappedFile.map(path)
                } catch {
                    throw CommandFailure("cannot read \(path): \(error)", status: .noInput)
                }
            }
            guard !data.allSatisfy({ [0x20, 0x09, 0x0A, 0x0D].contains($0) }) else {
                throw CommandFailure("\(name) is empty; expected a sync document (a JSON object)")
            }
            if data.count > Self.largeDocumentBytes {
                try checkLarge(data, name: name)
                if path != "-" { MappedFile.release(data) }
                return (data, path != "-")
            }
            guard let compact = JSONText.compactObject(data) else {
                if String(data: data, encoding: .utf8) == nil {
                    throw CommandFailure("\(name) is not UTF-8 text; expected a sync document (a JSON object)")
                }
                if (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil {
                    throw CommandFailure(Self.notAnObject(name))
                }
                throw CommandFailure("\(name) is not valid JSON; expected a sync document (a JSON object)")
            }
            return (compact, false)
        }

        /// Above this a document goes in chunks (`sync.upload.*`) as its file holds it.
        static let largeDocumentBytes = Role.manager.maximumLineLength - 128

        static func notAnObject(_ name: String) -> String {
            "\(name) is JSON but not an object; a sync document is a JSON object with \"format\": \"kioskpay.sync.v1\""
        }

        /// A large document's shape, checked by splitting it: an object whose `accounts` (if an
        /// array) has well-formed elements; what is inside them the daemon checks as it applies.
        func checkLarge(_ data: Data, name: String) throws {
            do {
                _ = try JSONSplitter.members(of: data, splitting: "accounts")
            } catch {
                let first = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
                if first != UInt8(ascii: "{"), JSONSplitter.isSingleValue(data) { throw CommandFailure(Self.notAnObject(name)) }
                throw CommandFailure("\(name) is not valid JSON (\(error.description)); expected a sync document (a JSON object)")
            }
        }
    }

    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pull the newest sync document from the back office now.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the protocol's JSON object instead of text (the exit status is the same).") var json = false
        func run() async throws {
            try await connection.withClient { client in
                let raw = try await client.callRaw(Methods.syncPull, EmptyParams())
                let r: SyncPullResult
                do { r = try JSONDecoder().decode(SyncPullResult.self, from: raw) }
                catch { throw ClientError.malformedReply("the result of sync.pull does not have the expected fields") }
                if json {
                    Output.raw(raw)
                    guard ["applied", "up_to_date"].contains(r.outcome) else { throw ExitCode(ExitStatus.unavailable.rawValue) }
                    return
                }
                switch r.outcome {
                case "applied": Output.line("Applied the back office's sync document (cursor \(r.cursor); \(r.applied ?? 0) accounts inserted or updated).")
                case "up_to_date": Output.line("Already up to date (cursor \(r.cursor)).")
                default:
                    Output.error("kioskctl: the sync pull did not apply: \(r.message ?? r.outcome)")
                    throw ExitCode(ExitStatus.unavailable.rawValue)
                }
            }
        }
    }
}
