import ArgumentParser
import Foundation
import KioskClient
import KioskFront
import KioskSystem

/// `kiosk-front`: the customer's full-screen program. See README "The kiosk front".
@main
struct FrontCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-front",
        abstract: "The full-screen text UI a customer uses at the kiosk.",
        discussion: """
            Draws on the terminal it is started on (a tty under kiosk-front@.service). While kioskd \
            cannot be reached it shows "Service unavailable, please wait" and keeps trying; --check \
            says once why, without the screen.

            Examples:
              kiosk-front --socket /run/kioskd/kioskd.sock --branch "Main Street"
              kiosk-front --kiosk --exit-sequence "F12 F12 F1" --locale fr_CA
              kiosk-front --check --socket /run/kioskd/kioskd.sock

            \(ExitStatus.helpText(program: "kiosk-front", causes: StartupCheck.causes))
            """,
        version: KioskpayVersion.current)

    @Option(help: "kioskd's socket.") var socket = KioskClient.defaultSocketPath
    @Option(help: "Shown on the welcome screen.") var branch = "kioskpay"
    @Option(help: "Locale for money and dates, e.g. en_US or fr_CA.") var locale = "en_US"
    @Flag(help: "Kiosk mode: Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing; only --exit-sequence leaves.") var kiosk = false
    @Option(help: "Keys that leave the program in kiosk mode, e.g. \"F12 F12 F1\".") var exitSequence = ""
    @Flag(help: "Demo keys: S swipes the demo card, D draws a demo signature (kioskd --demo, run as its user).") var demo = false
    @Flag(help: "Connect to kioskd once, print whether the front would be served, and exit (0, 69 or 77) without drawing.") var check = false

    func validate() throws {
        guard FrontConfig.parseSequence(exitSequence) != nil else {
            throw ValidationError("--exit-sequence: use key names such as F12, Esc or single characters, separated by spaces")
        }
        if kiosk && exitSequence.isEmpty {
            throw ValidationError("--kiosk needs --exit-sequence, or a technician could never leave the program")
        }
        // One sentence before the screen starts, not "Service unavailable" forever.
        if let problem = KioskClient.socketPathProblem(socket) {
            let sentence = Array("kiosk-front: cannot use the socket \(socket): \(problem)\n".utf8)
            _ = sentence.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    func run() throws {
        if check {
            let (status, sentence) = StartupCheck.run(socketPath: socket)
            let line = Array("kiosk-front: \(sentence)\n".utf8)
            _ = line.withUnsafeBytes { write(status == .success ? STDOUT_FILENO : STDERR_FILENO, $0.baseAddress, $0.count) }
            if status != .success { throw ExitCode(status.rawValue) }
            return
        }
        // Before curses starts: the screen is UTF-8 whatever LANG says, or we say why not.
        guard TextLocale.prepare() != nil else {
            FileHandle.standardError.write(Data(TextLocale.missing.utf8))
            throw ExitCode(ExitStatus.config.rawValue)
        }
        let config = FrontConfig(branchName: branch, localeIdentifier: locale, kiosk: kiosk,
                                 exitSequence: FrontConfig.parseSequence(exitSequence) ?? [], demo: demo)
        FrontApp(config: config, socketPath: socket).run()
    }
}
