/// A drawn screen as plain data: text runs with a style, and the cells a click may hit.
/// Layouts fill it; the curses layer copies it to the terminal; tests read it as text.
public struct Canvas: Sendable, Equatable {
    public enum Style: Sendable, Equatable { case normal, title, selected, warning, error, dim, strong }

    public struct Run: Sendable, Equatable {
        public var row: Int
        public var column: Int
        public var text: String
        public var style: Style
    }

    /// A clickable area: a click inside acts as `key`.
    public struct Hotspot: Sendable, Equatable {
        public var row: Int
        public var columns: Range<Int>
        public var key: Key
    }

    public let width: Int
    public let height: Int
    public private(set) var runs: [Run] = []
    public private(set) var hotspots: [Hotspot] = []

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// Writes `text` at a cell, cut at the right edge; rows outside the canvas are dropped.
    public mutating func put(_ row: Int, _ column: Int, _ text: String, _ style: Style = .normal, key: Key? = nil) {
        guard row >= 0, row < height, column >= 0, column < width else { return }
        let clipped = String(text.prefix(width - column))
        runs.append(Run(row: row, column: column, text: clipped, style: style))
        if let key { hotspots.append(Hotspot(row: row, columns: column..<(column + clipped.count), key: key)) }
    }

    /// A full-width bar (title, warning banner).
    public mutating func bar(_ row: Int, _ text: String, _ style: Style) {
        put(row, 0, text.padding(toLength: width, withPad: " ", startingAt: 0), style)
    }

    /// Centred text.
    public mutating func center(_ row: Int, _ text: String, _ style: Style = .normal) {
        put(row, max(0, (width - text.count) / 2), text, style)
    }

    /// The key a click at a cell stands for, if any (the last drawn wins).
    public func key(atRow row: Int, column: Int) -> Key? {
        hotspots.last { $0.row == row && $0.columns.contains(column) }?.key
    }

    /// The screen as lines of text (trailing blanks trimmed): screenshots and tests.
    public var text: String {
        var lines = Array(repeating: Array(repeating: Character(" "), count: width), count: height)
        for run in runs {
            for (i, ch) in run.text.enumerated() where run.column + i < width { lines[run.row][run.column + i] = ch }
        }
        return lines.map { String($0).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression) }.joined(separator: "\n")
    }
}

/// Word-wraps text to a width (hard-breaking words longer than a line).
func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var lines: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
        var line = ""
        for word in paragraph.split(separator: " ") {
            var rest = Substring(word)
            while rest.count > width {
                if !line.isEmpty { lines.append(line); line = "" }
                lines.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
            if rest.isEmpty { continue }
            if line.isEmpty { line = String(rest) }
            else if line.count + 1 + rest.count <= width { line += " " + rest }
            else { lines.append(line); line = String(rest) }
        }
        lines.append(line)
    }
    return lines
}
