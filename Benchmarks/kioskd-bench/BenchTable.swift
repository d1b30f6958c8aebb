import Foundation

/// How big a run is: `make bench` uses full sizes (the table); `make bench-smoke`
/// (part of `make test`) runs every section at small sizes in seconds, so no section rots.
struct BenchSize: Sendable {
    var smoke: Bool
    /// Scales a full-run count down for a smoke run (never below `floor`).
    func count(_ full: Int, smoke small: Int) -> Int { smoke ? small : full }
}

/// What a figure must reach. Goals are checked on the value itself (a latency, a rate, a
/// size) or on its ratio to the reference measured in the same run.
enum BenchGoal: Sendable, Codable, Equatable {
    /// The value is below this, in the figure's unit.
    case below(Double)
    /// The value is at least this, in the figure's unit.
    case atLeast(Double)
    /// value / reference is at most this.
    case ratioAtMost(Double)
    /// Reported for growth or context only.
    case none

    func text(unit: String) -> String {
        switch self {
        case .below(let v): return "< \(BenchFigure.number(v)) \(unit)"
        case .atLeast(let v): return "≥ \(BenchFigure.number(v)) \(unit)"
        case .ratioAtMost(let r): return "≤ \(BenchFigure.number(r))× ref"
        case .none: return "—"
        }
    }
}

/// One row of `make bench`'s table: a figure, the reference measured beside it in the same
/// run, their ratio and the goal.
struct BenchFigure: Sendable, Codable {
    /// What was measured, in the words ("account.balances p99, 10,000 items").
    var figure: String
    var value: Double
    /// "ms", "MiB", "calls/s", "s"...
    var unit: String
    /// What the value is compared with, measured in the same run ("SQL aggregate over the same rows").
    var reference: String?
    var referenceValue: Double?
    var goal: BenchGoal

    init(_ figure: String, _ value: Double, _ unit: String, reference: String? = nil, referenceValue: Double? = nil,
         goal: BenchGoal = .none) {
        self.figure = figure; self.value = value; self.unit = unit
        self.reference = reference; self.referenceValue = referenceValue; self.goal = goal
    }

    var ratio: Double? {
        guard let r = referenceValue, r > 0 else { return nil }
        return value / r
    }

    /// nil when the figure has no goal.
    var met: Bool? {
        switch goal {
        case .below(let v): return value < v
        case .atLeast(let v): return value >= v
        case .ratioAtMost(let r): return ratio.map { $0 <= r }
        case .none: return nil
        }
    }

    static func number(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e9 { return String(format: "%.0f", v) }
        if abs(v) >= 100 { return String(format: "%.0f", v) }
        if abs(v) >= 10 { return String(format: "%.1f", v) }
        return String(format: "%.2f", v)
    }
}

/// The rows as `make bench` prints them and as Benchmarks/results.json stores them.
struct BenchReport: Codable {
    var when: String
    var build: String
    var smoke: Bool
    var figures: [BenchFigure]

    func table() -> String {
        let header = ["figure", "value", "reference", "ratio", "goal", "met"]
        var rows = [header]
        for f in figures {
            let reference = f.reference.map { name in
                f.referenceValue.map { "\(name): \(BenchFigure.number($0)) \(f.unit)" } ?? name
            } ?? "—"
            rows.append([f.figure, "\(BenchFigure.number(f.value)) \(f.unit)", reference,
                         f.ratio.map { String(format: "%.2f×", $0) } ?? "—", f.goal.text(unit: f.unit),
                         f.met.map { $0 ? "yes" : "NO" } ?? ""])
        }
        var widths = Array(repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in cell.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: " | ")
        }.joined(separator: "\n")
    }

    /// Pretty, sorted JSON: one file per run, small diffs between runs.
    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }
}

/// Percentile of a sample (nearest rank), in the sample's unit.
func percentile(_ samples: [Double], _ p: Double) -> Double {
    guard !samples.isEmpty else { return 0 }
    let sorted = samples.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

/// Milliseconds each call of `body` takes, `rounds` times.
func latenciesMS(_ rounds: Int, _ body: () async throws -> Void) async rethrows -> [Double] {
    let clock = ContinuousClock()
    var samples: [Double] = []
    samples.reserveCapacity(rounds)
    for _ in 0..<rounds {
        let d = try await clock.measure { try await body() }
        samples.append(seconds(d) * 1_000)
    }
    return samples
}
