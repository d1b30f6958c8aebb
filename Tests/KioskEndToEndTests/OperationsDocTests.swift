import Foundation
import Testing

/// docs/OPERATIONS.md's `sh` blocks, in order, against a real kioskd with the demo store
/// (issue 15 item 9): what a manager or technician reads there is what the programs do. The
/// `sh root` blocks (install, provision files, units, restore) run in PackageInstallTests.
@Suite("OPERATIONS.md, run", .serialized)
struct OperationsDocTests {
    @Test("the document has runnable blocks in every section that names commands, and only known fences")
    func shape() throws {
        let markdown = try String(contentsOfFile: OperationsDoc.path, encoding: .utf8)
        let blocks = OperationsDoc.blocks(in: markdown)
        #expect(blocks.filter { $0.kind == .demo }.count >= 6 && blocks.filter { $0.kind == .root }.count >= 5, "\(blocks.map(\.line))")
        // A fence the tests do not run must not hold commands: only sh, sh root, text and toml.
        let fences = markdown.split(separator: "\n").filter { $0.hasPrefix("```") && $0.count > 3 }
        for fence in fences {
            #expect(["```sh", "```sh root", "```text", "```toml"].contains(String(fence)), "an unknown fence \(fence): is it run?")
        }
        // Every kioskctl command of the document runs somewhere: the manager's commands of issue 15 among them.
        let commands = blocks.flatMap(OperationsDoc.commands).joined(separator: "\n")
        for command in ["kioskctl search", "kioskctl payment show", "kioskctl report day", "kioskctl report range", "kioskctl backup",
                        "kioskctl diagnose", "kioskctl audit verify", "kioskctl status", "kioskd --network-policy", "kioskd --config /etc/kioskd/kioskd.toml --restore"] {
            #expect(commands.contains(command), "no runnable block has \(command)")
        }
    }

    @Test("every sh block runs against a demo kioskd and exits 0")
    func demoBlocks() throws {
        let daemon = try PaymentTests().demo("operations-doc")
        defer { daemon.stop() }
        let payment = try Self.pendingPayment(daemon)
        let directory = try makeScratchDirectory("operations-doc-cwd")
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = Products.directory.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        environment["KIOSKD_SOCKET"] = daemon.socketPath
        environment["PAYMENT"] = payment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let markdown = try String(contentsOfFile: OperationsDoc.path, encoding: .utf8)
        for block in OperationsDoc.blocks(in: markdown) where block.kind == .demo {
            let result = try OperationsDoc.run(block, in: directory, environment: environment)
            #expect(result.status == 0, "docs/OPERATIONS.md:\(block.line) (\(block.section)) failed:\n\(result.stderr.suffix(2000))\n\(result.stdout.suffix(1000))")
        }
    }

    /// A pending card payment made at the front for account 1001, as `$PAYMENT` for the document.
    static func pendingPayment(_ daemon: DaemonProcess) throws -> String {
        let tests = PaymentTests()
        let client = try daemon.client()
        _ = try client.call("session.begin", params: ["account": "1001", "pin": "4821"], id: 2)
        let options = try client.call("payment.options", params: ["job": 1], id: 3).result
        let terms = (options["terms"] as? [String: Any])?["sha256"] as? String ?? ""
        let paid = try client.call("payment.submit", params: ["job": 1, "invoices": ["I-1001-1"], "method": ["card_on_file": "K-1001-1"],
                                                              "signature": try tests.sign(client), "terms_sha256": terms], id: 5)
        let id = paid.result["id"] as? String ?? ""
        guard !id.isEmpty else { throw CopyFailure(message: "no payment for the document: \(paid)") }
        return id
    }
}
