/// A key (or click) the customer gave, already decoded from the terminal.
///
/// The curses layer turns key codes and mouse clicks into these; models never see curses.
public enum Key: Equatable, Sendable {
    case char(Character)
    case enter, escape, tab, backTab, backspace
    case up, down, left, right, pageUp, pageDown
    case function(Int)
    /// A click on row `n` of a list (lists register their rows as hotspots).
    case pick(Int)
    /// Ctrl-C, Ctrl-Z or Ctrl-\ (ignored in kiosk mode).
    case interrupt

    var digit: Character? {
        if case .char(let c) = self, c.isASCII, c.isNumber { return c }
        return nil
    }

    /// Where a scrolling key moves a long text or list that starts at `offset` (a line at a
    /// time, or ten), at most to `last` when the end is known; nil for any other key.
    func scrolled(_ offset: Int, last: Int = .max) -> Int? {
        switch self {
        case .up: max(0, offset - 1)
        case .down: min(last, offset + 1)
        case .pageUp: max(0, offset - 10)
        case .pageDown: min(last, offset + 10)
        default: nil
        }
    }

    /// The letter pressed, lowercased, for menu shortcuts.
    var letter: Character? {
        if case .char(let c) = self, c.isLetter { return Character(c.lowercased()) }
        return nil
    }
}
