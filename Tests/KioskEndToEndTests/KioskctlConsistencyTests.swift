#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 15 item 5: every kioskctl command has `--json`, and tables never cut an id.
@Suite("kioskctl: --json on every command, ids whole in tables")
struct KioskctlConsistencyTests {
    /// Commands allowed to lack `--json`: none since issue 15 (kept so a reasoned exception has a place).
    static let knownExceptions: Set<String> = []

    /// Every leaf command (`device emulate swipe`) and whether it takes `--json`, from the
    /// argument definitions themselves (ArgumentParser's dump of the whole tree).
    static func leaves() throws -> [String: Bool] {
        let dump = try runProcess(Products.kioskctl, ["--experimental-dump-help"])
        #expect(dump.status == 0, "\(dump.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        var out: [String: Bool] = [:]
        func walk(_ command: [String: Any], _ path: [String]) {
            let subcommands = (command["subcommands"] as? [[String: Any]] ?? []).filter { $0["commandName"] as? String != "help" }
            guard subcommands.isEmpty else {
                for sub in subcommands { walk(sub, path + [sub["commandName"] as? String ?? "?"]) }
                return
            }
            let names = (command["arguments"] as? [[String: Any]] ?? []).flatMap { $0["names"] as? [[String: Any]] ?? [] }
            out[path.joined(separator: " ")] = names.contains { $0["name"] as? String == "json" && $0["kind"] as? String == "long" }
        }
        walk(try #require(root["command"] as? [String: Any]), [])
        return out
    }

    @Test("every leaf command takes --json (a new command cannot miss it); the exceptions are only those still without it")
    func everyCommandHasJSON() throws {
        let leaves = try Self.leaves()
        #expect(leaves.count >= 50, "the walk found the tree: \(leaves.keys.sorted())")
        #expect(leaves["search"] == true && leaves["device emulate swipe"] == true && leaves["sync pull"] == true)
        let missing = leaves.filter { !$0.value }.map(\.key)
        #expect(Set(missing).subtracting(Self.knownExceptions).sorted() == [], "commands without --json")
        // An exception that gained --json (or went away) is taken off the list, so it cannot hide a later regression.
        #expect(Self.knownExceptions.filter { leaves[$0] != false }.sorted() == [], "exceptions that no longer apply")
    }

    @Test("device list shows emulated-secure-reader-1 whole, columns aligned; device allow/forget --json print the protocol's result",
          .enabled(if: getuid() == 0, "setpriv needs root"))
    func deviceListWholeIDs() throws {
        let daemon = try PaymentTests().demo("ctl-tables")
        let list = try ContactTests.ctl(daemon, ["device", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        let lines = list.stdout.split(separator: "\n").map(String.init)
        let ids = lines.dropFirst().map { String($0.split(separator: " ").first ?? "") }
        #expect(ids.sorted() == ["emulated-pad-1", "emulated-printer-1", "emulated-reader-1", "emulated-secure-reader-1"], "\(list.stdout)")
        // The KIND column starts after the longest id, on every line.
        let start = "emulated-secure-reader-1".count + 2
        #expect(lines.allSatisfy { $0.count > start && $0.dropFirst(start - 2).hasPrefix("  ") && !$0.dropFirst(start).hasPrefix(" ") }, "\(list.stdout)")

        for verb in ["allow", "forget"] {
            let changed = try ContactTests.ctl(daemon, ["device", verb, "emulated-secure-reader-1", "--json"], gid: ScratchGroups.technician)
            let object = try JSONSerialization.jsonObject(with: Data(changed.stdout.utf8)) as? [String: Any]
            #expect(changed.status == 0 && object?["ok"] as? Bool == true && changed.stdout.split(separator: "\n").count == 1, "\(verb): \(changed)")
        }
    }
}
