import ArgumentParser
import Foundation
import KioskClient
import KioskFront

/// `kiosk-front`: the customer's full-screen program. See README "The kiosk front".
@main
struct FrontCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-front",
        abstract: "The full-screen text UI a customer uses at the kiosk.")

    @Option(help: "kioskd's socket.") var socket = KioskClient.defaultSocketPath
    @Option(help: "Shown on the welcome screen.") var branch = "kioskpay"
    @Option(help: "Locale for money and dates, e.g. en_US or fr_CA.") var locale = "en_US"
    @Flag(help: "Kiosk mode: Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing; only --exit-sequence leaves.") var kiosk = false
    @Option(help: "Keys that leave the program in kiosk mode, e.g. \"F12 F12 F1\".") var exitSequence = ""
    @Flag(help: "Demo keys: S swipes the demo card, D draws a demo signature (kioskd --demo, run as its user).") var demo = false

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
            throw ExitCode(64)
        }
    }

    func run() throws {
        // Before curses starts: the screen is UTF-8 whatever LANG says, or we say why not.
        guard TextLocale.prepare() != nil else {
            FileHandle.standardError.write(Data(TextLocale.missing.utf8))
            throw ExitCode(1)
        }
        let config = FrontConfig(branchName: branch, localeIdentifier: locale, kiosk: kiosk,
                                 exitSequence: FrontConfig.parseSequence(exitSequence) ?? [], demo: demo)
        FrontApp(config: config, socketPath: socket).run()
    }
}
