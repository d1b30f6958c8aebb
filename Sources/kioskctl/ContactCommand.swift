import ArgumentParser
import Foundation
import Glibc
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl contacts list ACCOUNT`: who may sign in to an account at the kiosk.
struct ContactsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contacts", abstract: "An account's contacts.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an account's contacts: profile, PIN, locks, changes the back office has not acknowledged.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.contactsList, ContactsListParams(account: account), json: json) { list in
                guard !list.contacts.isEmpty else { return ["Account \(account) has no contacts."] }
                return list.contacts.map(ContactCommand.line)
            }
        }
    }
}

/// `kioskctl contact unlock|revoke|restore|set-profile|set-pin ACCOUNT CONTACT …`.
struct ContactCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "contact", abstract: "Change one contact of an account.",
                                                    subcommands: [Unlock.self, Revoke.self, Restore.self, SetProfile.self, SetPIN.self])

    /// One contact as one line of text.
    static func line(_ c: ContactInfo) -> String {
        var facts = ["profile \(c.profile) (\(c.profileName))", c.hasPIN ? "PIN set" : "no PIN"]
        if c.revoked { facts.append("REVOKED") }
        if c.failedAttempts > 0 { facts.append("\(c.failedAttempts) failed \(c.failedAttempts == 1 ? "attempt" : "attempts")") }
        if let until = c.lockedUntil { facts.append("locked until \(until)") }
        if c.pendingSync { facts.append("changed here, not yet acknowledged by the back office") }
        return "\(c.id)  \(c.name)" + (c.email.map { " <\($0)>" } ?? "") + ": " + facts.joined(separator: ", ")
    }

    struct Target: ParsableArguments {
        @Argument(help: ArgumentHelp("The account number.", valueName: "account")) var account: String
        @Argument(help: ArgumentHelp("The contact's id (as `kioskctl contacts list` shows it).", valueName: "contact")) var contact: String
        var params: ContactParams { ContactParams(account: account, contact: contact) }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Clear a contact's sign-in lock and failure count (a customer at the counter).")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws { try await connection.show(Methods.contactUnlock, target.params, json: json) { [ContactCommand.line($0)] } }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop a contact signing in; their open sessions end at once.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws { try await connection.show(Methods.contactRevoke, target.params, json: json) { [ContactCommand.line($0)] } }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Let a revoked contact sign in again.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws { try await connection.show(Methods.contactRestore, target.params, json: json) { [ContactCommand.line($0)] } }
    }

    struct SetProfile: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "set-profile",
                                                        abstract: "Give a contact another profile (`kioskctl profiles list`); open sessions have it from their next request.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Argument(help: ArgumentHelp("The profile's id.", valueName: "profile")) var profile: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            let params = ContactSetProfileParams(account: target.account, contact: target.contact, profile: profile)
            try await connection.show(Methods.contactSetProfile, params, json: json) { [ContactCommand.line($0)] }
        }
    }

    struct SetPIN: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-pin",
            abstract: "Set a contact's PIN. It is asked twice, never taken as an argument.",
            discussion: """
            On a terminal the PIN is read from /dev/tty with echo off. When standard input is not a \
            terminal (a script, a test), the PIN and its repetition are its first two lines. The two \
            must match. The kiosk keeps only the PIN's PBKDF2 hash; 4 to 8 digits, not one digit \
            repeated, not a run like 1234.
            """)
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var target: Target
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            let first: String, second: String
            do {
                first = try PINPrompt.read("New PIN for \(target.contact): ")
                second = try PINPrompt.read("Type the new PIN again: ")
            } catch let failure as CommandFailure {
                Output.error("kioskctl: \(failure.description)")
                throw ExitCode(failure.status.rawValue)
            }
            guard first == second else {
                Output.error("kioskctl: the two PINs differ; nothing was changed")
                throw ExitCode(ExitStatus.dataError.rawValue)
            }
            let params = ContactSetPINParams(account: target.account, contact: target.contact, pin: first)
            try await connection.show(Methods.contactSetPIN, params, json: json) { [ContactCommand.line($0)] }
        }
    }
}

/// `kioskctl profiles list`: the profiles the back office defined, with their permissions.
struct ProfilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "profiles", abstract: "Contact profiles.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the profiles and what each lets a contact do.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.profilesList, EmptyParams(), json: json) { list in
                guard !list.profiles.isEmpty else { return ["No profiles: no sync document has been applied yet."] }
                return list.profiles.map { "\($0.id)  \($0.name): \($0.permissions.isEmpty ? "no permissions" : $0.permissions.joined(separator: ", "))" }
            }
        }
    }
}

/// Reads a PIN without showing it: from /dev/tty with echo off when standard input is a
/// terminal, else one line of standard input (scripts and tests). Never from an argument.
enum PINPrompt {
    static func read(_ prompt: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1 else {
            guard let line = readLine(strippingNewline: true) else { throw CommandFailure("no PIN on standard input (give it twice, one a line)") }
            return line
        }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { throw CommandFailure("cannot open the terminal to ask for the PIN") }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { throw CommandFailure("cannot read the terminal's settings to hide the PIN") }
        var quiet = saved
        quiet.c_lflag &= ~tcflag_t(ECHO)
        quiet.c_lflag |= tcflag_t(ECHONL)
        guard tcsetattr(fd, TCSAFLUSH, &quiet) == 0 else { throw CommandFailure("cannot turn the terminal's echo off to hide the PIN") }
        defer { _ = tcsetattr(fd, TCSAFLUSH, &saved) }
        _ = prompt.withCString { write(fd, $0, strlen($0)) }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while Glibc.read(fd, &byte, 1) == 1, byte != UInt8(ascii: "\n") {
            if bytes.count < 64 { bytes.append(byte) }
        }
        defer { for i in bytes.indices { bytes[i] = 0 } }
        return String(decoding: bytes.filter { $0 != UInt8(ascii: "\r") }, as: UTF8.self)
    }
}
