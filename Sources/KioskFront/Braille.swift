/// Draws pad strokes as Unicode braille: each character cell holds 2×4 dots, so a
/// 60×6-cell box shows a 120×24-dot signature, enough to recognise it.
public enum Braille {
    /// Dot bits of U+2800 by (x, y) inside a cell.
    static let bits: [[UInt32]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// `columns`×`rows` cells of braille for strokes of `[x, y, …]` points in 0…1.
    /// Consecutive points are joined by straight lines; bad points (NaN, outside) are skipped.
    public static func render(_ strokes: [[[Double]]], columns: Int, rows: Int) -> [String] {
        guard columns > 0, rows > 0 else { return [] }
        let dotsX = columns * 2, dotsY = rows * 4
        var cells = Array(repeating: Array(repeating: UInt32(0), count: columns), count: rows)
        func plot(_ x: Int, _ y: Int) {
            guard x >= 0, x < dotsX, y >= 0, y < dotsY else { return }
            cells[y / 4][x / 2] |= bits[x % 2][y % 4]
        }
        for stroke in strokes {
            var previous: (Int, Int)?
            for point in stroke {
                guard point.count >= 2, point[0].isFinite, point[1].isFinite,
                      (0...1).contains(point[0]), (0...1).contains(point[1]) else { previous = nil; continue }
                let here = (Int(point[0] * Double(dotsX - 1)), Int(point[1] * Double(dotsY - 1)))
                if let from = previous {
                    let steps = max(abs(here.0 - from.0), abs(here.1 - from.1), 1)
                    for s in 0...steps {
                        plot(from.0 + (here.0 - from.0) * s / steps, from.1 + (here.1 - from.1) * s / steps)
                    }
                } else {
                    plot(here.0, here.1)
                }
                previous = here
            }
        }
        return cells.map { row in String(String.UnicodeScalarView(row.map { Unicode.Scalar(0x2800 + $0)! })) }
    }
}
