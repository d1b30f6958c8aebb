#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCore
import KioskFixtures

/// A local SMTP server for the document tests: Support/smtp_sink.py on python3's standard
/// smtpd (Python 3.11), each message written as JSON into its directory; a recipient whose
/// address contains "refuse" is refused with 550.
final class SMTPSink {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("smtp_sink.py").path
    /// smtpd exists in Python 3.11 (Debian 12) and was removed in 3.12.
    static var available: Bool {
        (try? runProcess("/usr/bin/python3", ["-W", "ignore", "-c", "import asyncore, smtpd"]).status) == 0
    }

    struct Message { let from: String; let to: [String]; let data: String }

    let directory: String
    private(set) var port = 0
    private let process = Process()

    init(label: String) throws {
        directory = try makeScratchDirectory(label) + "/mail"
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.script, directory]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }), let n = Int(line.dropFirst(13)) {
                port = n
                return
            }
        }
        throw BackOfficeProcess.BackOfficeFailure(text: "the SMTP sink did not start: \(text)")
    }

    deinit {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    var url: String { "smtp://127.0.0.1:\(port)" }

    /// Every message received so far, in arrival order.
    var messages: [Message] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".json") }
            .sorted { (Int($0.dropLast(5)) ?? 0) < (Int($1.dropLast(5)) ?? 0) }
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: directory + "/" + name),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
            return Message(from: object["from"] as? String ?? "", to: object["to"] as? [String] ?? [], data: object["data"] as? String ?? "")
        }
    }
}

/// Demo documents for the statement and document tests: today's demo, newer than what
/// `kioskd --demo` seeded, changed as a test needs, written to a file for `kioskctl sync apply`.
enum DemoDocuments {
    static func write(_ directory: String, minutesAhead: Double = 1, _ edit: (inout SyncDocument) -> Void) throws -> String {
        let now = Date().addingTimeInterval(minutesAhead * 60)
        var document = DemoStore.document(today: DemoStore.today(at: Date()), now: Instant(now))
        edit(&document)
        let path = directory + "/demo-\(UUID().uuidString.prefix(6)).json"
        try JSONEncoder().encode(document).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Account 1001 with `count` more month-end statements of job 1, going back month by month.
    static func manyStatements(_ document: inout SyncDocument, count: Int) {
        guard let a = document.accounts.firstIndex(where: { $0.number == "1001" }) else { return }
        let oldest = document.accounts[a].statements.map(\.issuedAt).min() ?? Instant(Date())
        for n in 1...count {
            let issued = Instant(oldest.date.addingTimeInterval(-Double(n) * 30 * 86_400))
            document.accounts[a].statements.append(Statement(number: "S-OLD-\(n)", issuedAt: issued, job: 1, openingBalance: 0,
                                                             closingBalance: 100 * n, lines: []))
        }
    }
}
