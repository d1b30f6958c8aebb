// kioskd-bench: speed and memory of kioskd's hot paths, each reported beside a reference
// measured in the same run on the same machine (absolute figures vary by machine; ratios do
// not, much). `make bench` (release build, full sizes) prints the table and writes
// Benchmarks/results.json; `make bench-smoke` (in `make test`) runs every section small.
//
// usage: kioskd-bench [--smoke] [--results PATH] [SECTION ...]
import Foundation
import GRDB
import KioskCore
import KioskFixtures
import KioskStore

#if canImport(Glibc)
import Glibc
#endif

func scratch() -> String {
    let path = NSTemporaryDirectory() + "kioskd-bench-\(UUID().uuidString.prefix(8))"
    try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Peak resident set size of this process so far, in MiB (from /proc/self/status VmHWM).
func peakRSSMiB() -> Double {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

/// The sections in the order they run. Each returns its rows of the table.
let sections: [(name: String, run: (BenchSize) async throws -> [BenchFigure])] = [
    ("sync", syncBench),
    ("reads", readsBench),
    ("submit", submitBench),
    ("daemon", daemonBench),
    ("pen", penBench),
    ("sealing", sealingBench),
    ("search", searchBench),
    ("paging", pagingBench),
]

var arguments = Array(CommandLine.arguments.dropFirst())
let smoke = arguments.contains("--smoke")
arguments.removeAll { $0 == "--smoke" }
var resultsPath = "Benchmarks/results.json"
if let i = arguments.firstIndex(of: "--results"), i + 1 < arguments.count {
    resultsPath = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
let unknown = arguments.filter { name in !sections.contains { $0.name == name } }
guard unknown.isEmpty else {
    let names = sections.map(\.name).joined(separator: ", ")
    FileHandle.standardError.write(Data("kioskd-bench: no section named \(unknown.joined(separator: ", ")); the sections are \(names)\n".utf8))
    exit(64)
}
/// Says what went wrong in a sentence and exits with `status` (sysexits), instead of a backtrace.
func fail(_ sentence: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("kioskd-bench: \(sentence)\n".utf8))
    exit(status)
}
// Minutes of measuring must not end in an unwritable results file: check the folder first.
let resultsFolder = URL(fileURLWithPath: resultsPath).deletingLastPathComponent().path
guard FileManager.default.isWritableFile(atPath: resultsFolder) else {
    fail("cannot write the results to \(resultsPath): the folder \(resultsFolder) does not exist or is not writable (give --results FILE, or run from the repository's root)", status: 73)
}
let size = BenchSize(smoke: smoke)
var figures: [BenchFigure] = []
for section in sections where arguments.isEmpty || arguments.contains(section.name) {
    print("== \(section.name)\(smoke ? " (smoke)" : "")")
    let rows: [BenchFigure]
    do { rows = try await section.run(size) } catch {
        fail("the \(section.name) section failed: \(error)", status: 70)
    }
    for row in rows {
        print("   \(row.figure): \(BenchFigure.number(row.value)) \(row.unit)"
              + (row.ratio.map { String(format: " = %.2f× %@", $0, row.reference ?? "") } ?? ""))
    }
    figures += rows
}
#if DEBUG
let build = "debug"
#else
let build = "release"
#endif
let report = BenchReport(when: ISO8601DateFormatter().string(from: Date()), build: build, smoke: smoke, figures: figures)
print("")
print(report.table())
do { try report.json().write(to: URL(fileURLWithPath: resultsPath)) } catch {
    fail("cannot write the results to \(resultsPath): \(error.localizedDescription)", status: 73)
}
print("\nwrote \(resultsPath)")
let missed = figures.filter { $0.met == false }
if !missed.isEmpty { print("goals missed: \(missed.count) of \(figures.filter { $0.met != nil }.count)") }
