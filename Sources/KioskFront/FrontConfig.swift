/// How this front was started: what it shows before sign-in and how it may be left.
public struct FrontConfig: Sendable, Equatable {
    /// Shown on the welcome screen ("Main St Lumber – Riverside").
    public var branchName: String
    /// Currency and dates are formatted for this locale (`en_US`, `fr_CA`, …).
    public var localeIdentifier: String
    /// Kiosk mode: Ctrl-C/Ctrl-Z/Ctrl-\ do nothing; only `exitSequence` leaves.
    public var kiosk: Bool
    /// Keys that leave the program in kiosk mode (a technician's), e.g. F12 F12 F1. Empty: none.
    public var exitSequence: [Key]
    /// Demo keys (swipe the demo card, draw the demo signature) through the technician-only
    /// `device.emulate.*` methods; only useful against `kioskd --demo`.
    public var demo: Bool
    /// Seconds on the done screen before it goes back to welcome by itself.
    public var doneSeconds: Double

    public init(branchName: String = "kioskpay", localeIdentifier: String = "en_US", kiosk: Bool = false,
                exitSequence: [Key] = [], demo: Bool = false, doneSeconds: Double = 60) {
        self.branchName = branchName; self.localeIdentifier = localeIdentifier; self.kiosk = kiosk
        self.exitSequence = exitSequence; self.demo = demo; self.doneSeconds = doneSeconds
    }

    /// Parses "F12 F12 F1" or "q,u,i,t" into keys; nil when a part is not a key name.
    public static func parseSequence(_ text: String) -> [Key]? {
        var keys: [Key] = []
        for part in text.split(whereSeparator: { $0 == " " || $0 == "," }) {
            let upper = part.uppercased()
            if upper.hasPrefix("F"), let n = Int(upper.dropFirst()), (1...24).contains(n) { keys.append(.function(n)) }
            else if upper == "ESC" { keys.append(.escape) }
            else if upper == "ENTER" { keys.append(.enter) }
            else if part.count == 1 { keys.append(.char(part.first!)) }
            else { return nil }
        }
        return keys
    }
}
