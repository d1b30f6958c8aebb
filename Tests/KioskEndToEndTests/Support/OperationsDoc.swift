import Foundation

/// The runnable blocks of docs/OPERATIONS.md, so the docs cannot drift from the programs.
///
/// A fenced block whose info string is `sh` runs against a kioskd with the demo store
/// (OperationsDocTests); `sh root` runs as root on a machine where the package has just been
/// installed (PackageInstallTests). Other fences (tables, TOML, output) are not run. Each
/// block runs as one bash script with `set -euo pipefail` and `-x`, so a failing command
/// fails the test with the command's own line.
struct OperationsDoc {
    enum Kind: String { case demo = "sh", root = "sh root" }

    struct Block: Equatable {
        var kind: Kind
        /// 1-based line of the opening fence, for messages.
        var line: Int
        var script: String
        /// The section heading the block is under ("## 6. Backup and restore").
        var section: String
    }

    static let path = SystemdUnitTests.repository.appendingPathComponent("docs/OPERATIONS.md").path

    static func blocks(in markdown: String) -> [Block] {
        var blocks: [Block] = []
        var open: (kind: Kind?, line: Int, lines: [String])?
        var section = ""
        for (index, line) in markdown.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if open == nil, line.hasPrefix("#") { section = String(line) }
            guard line.hasPrefix("```") else {
                open?.lines.append(String(line))
                continue
            }
            if let current = open {
                if let kind = current.kind {
                    blocks.append(Block(kind: kind, line: current.line, script: current.lines.joined(separator: "\n") + "\n", section: section))
                }
                open = nil
            } else {
                let info = line.dropFirst(3).trimmingCharacters(in: .whitespaces)
                open = (Kind(rawValue: info), index + 1, [])
            }
        }
        return blocks
    }

    /// The commands a block runs: its lines without comments and blanks, continuations joined.
    static func commands(_ block: Block) -> [String] {
        var commands: [String] = []
        var pending = ""
        for raw in block.script.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (line.isEmpty || line.hasPrefix("#")) { continue }
            if line.hasSuffix("\\") { pending += line.dropLast() + " "; continue }
            commands.append(pending + line)
            pending = ""
        }
        return commands
    }

    /// bash running `block` in `directory` with `environment`; the trace goes to stderr.
    static func run(_ block: Block, in directory: String, environment: [String: String], prelude: String = "") throws -> ProcessResult {
        let script = "set -euo pipefail\n" + prelude + "\ncd \(quote(directory))\nset -x\n" + block.script
        return try runProcess("/bin/bash", ["-c", script], environment: environment, timeout: 300)
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
