/// A table for people (kioskctl's lists): every column as wide as its widest value, so an id,
/// a number or an account a person must copy is never cut, whatever its length
/// (`emulated-secure-reader-1`, a payment id, an invoice number).
///
/// Only columns declared as free text (a name, a description) may be shortened, to their
/// `maximumWidth`, ending in "…"; the last column is never padded, so lines carry no
/// trailing spaces. Widths count characters (grapheme clusters).
public struct TextTable: Sendable, Equatable {
    public struct Column: Sendable, Equatable {
        public var title: String
        /// Free text is shortened past this many characters; nil: never shortened.
        public var maximumWidth: Int?
        /// Amounts read best aligned on their right edge.
        public var rightAligned: Bool

        /// A column whose values are shown whole: ids, numbers, states, dates, amounts.
        public static func whole(_ title: String, rightAligned: Bool = false) -> Column {
            Column(title: title, maximumWidth: nil, rightAligned: rightAligned)
        }

        /// Free text (names, descriptions) that may be shortened to `maximumWidth` characters.
        public static func text(_ title: String, maximumWidth: Int) -> Column {
            Column(title: title, maximumWidth: max(2, maximumWidth), rightAligned: false)
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    /// Between columns.
    public var gap: String

    public init(_ columns: [Column], rows: [[String]] = [], gap: String = "  ") {
        self.columns = columns; self.rows = rows; self.gap = gap
    }

    public mutating func append(_ row: [String]) { rows.append(row) }

    /// The value as shown in `column`: whole, or free text shortened with "…".
    static func cell(_ value: String, _ column: Column) -> String {
        guard let maximum = column.maximumWidth, value.count > maximum else { return value }
        return String(value.prefix(maximum - 1)) + "…"
    }

    /// The title line, then one line per row. Rows with fewer values than columns leave the
    /// rest empty; extra values are kept as they are, after the last column.
    public func lines() -> [String] {
        let shown = ([columns.map(\.title)] + rows).map { row in
            row.enumerated().map { i, value in i < columns.count ? Self.cell(value, columns[i]) : value }
        }
        var widths = columns.map { _ in 0 }
        for row in shown {
            for (i, value) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], value.count) }
        }
        return shown.map { row in
            var cells: [String] = []
            for i in 0..<max(row.count, columns.count) {
                let value = i < row.count ? row[i] : ""
                guard i < columns.count else { cells.append(value); continue }
                let fill = String(repeating: " ", count: widths[i] - value.count)
                cells.append(columns[i].rightAligned ? fill + value : value + fill)
            }
            var line = cells.joined(separator: gap)
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public func render() -> String { lines().joined(separator: "\n") }
}
