#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// The real `kiosk-front` in a real terminal: a private tmux server (its own `-L` socket, so
/// nothing else's sessions are touched) at 80×24, driven with send-keys and read with
/// capture-pane. NCURSES_NO_UTF8_ACS=1 keeps box lines as Unicode in captures.
final class TmuxFront {
    static let tmux = "/usr/bin/tmux"
    static var frontPath: String { Products.directory.appendingPathComponent("kiosk-front").path }

    let server = "kioskpay-\(UUID().uuidString.prefix(8))"
    let session = "front"

    /// The front's environment unless a test says otherwise: a UTF-8 locale.
    static let defaultLocale = ["LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]

    /// Starts the front against `socketPath` with `arguments` after the socket. `environment`
    /// replaces the locale variables (and adds others, e.g. faketime's); `wrapper` runs the
    /// front under another program (setpriv, to be another user); `front` is the binary.
    init(socketPath: String, arguments: [String] = ["--demo", "--branch", "Main St Lumber"], width: Int = 80, height: Int = 24,
         environment: [String: String] = defaultLocale, wrapper: [String] = [], front: String = TmuxFront.frontPath) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tmux) else {
            throw Failure("tmux is not installed: run scripts/install-deps.sh (the front's end-to-end tests need it)")
        }
        let command = (wrapper + [front, "--socket", socketPath] + arguments).map(Self.quote).joined(separator: " ")
        // `env -u` first, so a locale left in the test's own environment cannot leak in.
        let variables = environment.sorted { $0.key < $1.key }.map { Self.quote("\($0.key)=\($0.value)") }.joined(separator: " ")
        let env = "env -u LANG -u LC_ALL -u LC_CTYPE -u LANGUAGE TERM=screen-256color NCURSES_NO_UTF8_ACS=1 SWIFT_BACKTRACE=enable=no " + variables
        // The server is started by this call and would inherit (and hold open) our pipes:
        // start it with its output going nowhere.
        let start = ([Self.tmux, "-L", server, "new-session", "-d", "-s", session, "-x", String(width), "-y", String(height)]
                     .map(Self.quote) + [Self.quote("\(env) \(command)")]).joined(separator: " ")
        let (status, output) = Self.shell(start)
        guard status == 0 else { throw Failure("tmux new-session failed (status \(status)): \(output)") }
    }

    deinit { _ = Self.shell(([Self.tmux, "-L", server, "kill-server"]).map(Self.quote).joined(separator: " ")) }

    @discardableResult
    func tmux(_ arguments: [String]) throws -> String {
        let (status, output) = Self.shell(([Self.tmux, "-L", server] + arguments).map(Self.quote).joined(separator: " "))
        guard status == 0 else { throw Failure("tmux \(arguments.first ?? "") failed: \(output)") }
        return output
    }

    /// Runs a shell command with posix_spawn and waitpid, output through a file. (Foundation's
    /// Process waits for its pipes to close, and tmux's server, forked by the first client,
    /// would keep them open for as long as it lives.)
    static func shell(_ command: String) -> (status: Int32, output: String) {
        let file = NSTemporaryDirectory() + "tmux-out-\(UUID().uuidString)"
        defer { unlink(file) }
        var pid: pid_t = 0
        let line: String = command + " </dev/null >" + quote(file) + " 2>&1"
        let words: [String] = ["/bin/sh", "-c", line]
        var argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
        argv.append(nil)
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { return (-1, "posix_spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF, output)
    }

    /// Key names as tmux knows them: Enter, Escape, Up, Down, Right, Space, F5, BSpace…
    func keys(_ names: String...) throws { try tmux(["send-keys", "-t", session] + names) }

    /// Literal text (digits of an account number or PIN).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", session, "-l", text]) }

    func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", session]) }

    /// Waits until the screen shows `text`; returns that screen, or throws with the last one.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15, poll: useconds_t = 50_000) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            usleep(poll)
        }
        throw Failure("the front did not show \"\(text)\" within \(Int(timeout)) s; the screen was:\n\(last)")
    }

    /// Waits until the screen no longer shows `text` (a reply has redrawn it); returns that screen.
    @discardableResult
    func waitForGone(_ text: String, timeout: TimeInterval = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if !last.contains(text) { return last }
            usleep(50_000)
        }
        throw Failure("the front still showed \"\(text)\" after \(Int(timeout)) s; the screen was:\n\(last)")
    }

    /// Waits until the screen shows one of `texts` (the same screen on either side of a
    /// midnight, say); returns that screen.
    @discardableResult
    func waitForAny(_ texts: [String], timeout: TimeInterval = 15) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            let plain = String(last.map { $0 == "\u{A0}" || $0 == "\u{202F}" ? " " : $0 })
            if texts.contains(where: plain.contains) { return last }
            usleep(50_000)
        }
        throw Failure("the front showed none of \(texts) within \(Int(timeout)) s; the screen was:\n\(last)")
    }

    /// Writes the screen under docs/screens/NAME.txt when KIOSK_SCREENS=1 (`make screens`).
    func saveScreen(_ name: String) throws {
        guard ProcessInfo.processInfo.environment["KIOSK_SCREENS"] == "1" else { return }
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("docs/screens")
        try FileManager.default.createDirectory(at: docs, withIntermediateDirectories: true)
        try (try screen()).write(to: docs.appendingPathComponent(name + ".txt"), atomically: true, encoding: .utf8)
    }

    static func quote(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

extension TmuxFront {
    /// A demo contact signs in from the welcome screen; returns the screen once `greeting` shows.
    @discardableResult
    func signIn(account: String, pin: String, greeting: String, welcomeTimeout: TimeInterval = 15) throws -> String {
        try waitFor("Type your account number", timeout: welcomeTimeout)
        try type(account)
        try keys("Enter")
        try type(pin)
        try keys("Enter")
        return try waitFor(greeting)
    }

    /// The demo's Pat Doe (1001, PIN 4821).
    func signInAsPat(welcomeTimeout: TimeInterval = 15) throws {
        try signIn(account: "1001", pin: "4821", greeting: "Hello, Pat Doe", welcomeTimeout: welcomeTimeout)
    }
}
