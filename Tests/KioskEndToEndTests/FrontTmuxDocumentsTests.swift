#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The customer's walk-through of past statements and "Send me this" in the real front under
/// tmux: more than 25 statements ("Load more"), a past statement opened as a page, asked for
/// by email, and "My documents" showing it sent, against the reference back office and a
/// local SMTP server.
@Suite("kiosk-front under tmux: past statements and documents", .serialized)
struct FrontTmuxDocumentsTests {
    @Test("open a past statement, ask for it by email, see it marked sent",
          .enabled(if: SMTPSink.available, "python3's smtpd module is missing (it exists in Python 3.11, Debian 12)"))
    func sendMeThis() throws {
        let sink = try SMTPSink(label: "front-documents-smtp")
        let office = try BackOfficeProcess(label: "front-documents")
        try office.start(extraArguments: ["--smtp-url", sink.url, "--smtp-from", "statements@mainstlumber.example"])
        let daemon = try DaemonProcess(label: "front-documents", configExtra: "kiosk_id = \"yard-1\"\n" + office.kioskdConfig(),
                                       extraArguments: ["--demo"])
        defer { daemon.stop(); office.stop() }
        let file = try DemoDocuments.write(daemon.directory) { DemoDocuments.manyStatements(&$0, count: 22) }
        #expect(try daemon.kioskctl(["sync", "apply", file]).status == 0)

        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signInAsPat()
        try front.keys("3")
        // 30 statements: the first 25, then "Load more" brings the rest.
        let list = try front.waitFor("L Load more")
        #expect(list.contains("Smith remodel") && list.contains("Oak St duplex") && list.contains("issued "), "\(list)")
        #expect(!list.contains("S-OLD-22"))
        try front.saveScreen("statements-jobs")
        try front.keys("l")
        try front.waitFor("Enter Open")
        try front.keys("PageDown", "PageDown", "PageDown")
        let end = try front.waitFor("S-OLD-22")
        #expect(!end.contains("L Load more"), "\(end)")
        try front.keys("PageUp", "PageUp", "PageUp")
        try front.waitFor("Job 1 Smith remodel")

        // The newest statement (job 1) as a page.
        try front.keys("Enter")
        let page = try front.waitFor("Closing balance")
        #expect(page.contains("Opening balance") && page.contains("Aging") && page.contains("Job 1: Smith remodel")
                && page.contains("S Send me this"), "\(page)")
        try front.saveScreen("past-statement")
        try front.keys("s")
        try front.waitFor("We will email it to pat@…")
        try front.saveScreen("past-statement-sent")

        // Back to the list as it was, home, then My documents: sent.
        try front.keys("Escape")
        try front.waitFor("Enter Open")
        try front.keys("Escape")
        try front.waitFor("[D] My documents")
        try front.keys("d")
        let documents = try front.waitFor("sent to pat@…", timeout: 30)
        #expect(documents.contains("Statement S-1001-"), "\(documents)")
        try front.saveScreen("documents")
        #expect(try eventually { sink.messages.contains { $0.to == ["pat@doebuilders.example"] && $0.data.contains("Closing balance") } })
    }
}
