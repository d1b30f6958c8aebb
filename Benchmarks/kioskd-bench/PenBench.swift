#if canImport(Glibc)
import Glibc
#endif
import Foundation
import KioskCrypto

/// kioskd's USB pen path at 1,000 reports/s, as USBDaemonTests.penStream1kHz runs it: this
/// build's kioskd under this build's kiosk-usb-harness (umockdev: real libusb, the kernel's
/// usbfs emulated) playing Tests/Fixtures/usb/epad-stream.json, a signature capture open while
/// the pad streams 1,010 reports (10 strokes of 100 points, each with a lift). Reports the rate
/// the daemon took them at against the rate offered, and kioskd's CPU per second of stream
/// against the harness's own over the same window. The scenario is fixed (~4 s after READY), so
/// `--smoke` runs it unchanged.
func penBench(_ size: BenchSize) async throws -> [BenchFigure] {
    if let missing = PenTestBed.missing {
        print("   skipped: \(missing)")
        return []
    }
    let scenario = try PenScenario(path: PenTestBed.scenarioPath)
    let daemon = try BenchDaemon(wrapper: [BenchProducts.usbHarness, PenTestBed.scenarioPath, "--"], keepLog: true)
    defer { daemon.stop() }

    // The bench runs as root, which kioskd serves as a technician (socket_group 0): one client
    // allows the pad and counts its reports, another holds the capture and its events, as the
    // test's technician and front clients do.
    let tech = try BenchClient(path: daemon.socketPath)
    let key = BackOfficePrivateKey.generate()
    // What `kioskctl provision backoffice-key FILE` sends: the public key file's text.
    try tech.call("provision.backoffice_key", ["public_key": String(decoding: key.publicKey.fileContents, as: UTF8.self)])
    try PenTestBed.waitUntil("\(scenario.device) to appear in device.list", timeout: 30) {
        let devices = try tech.call("device.list")["devices"] as? [[String: Any]] ?? []
        return devices.contains { $0["id"] as? String == scenario.device }
    }
    try tech.call("device.allow", ["id": scenario.device])
    let front = try BenchClient(path: daemon.socketPath)
    guard let capture = try front.call("device.capture.begin", ["kind": "signature"])["capture"] as? String else {
        throw BenchFailure("device.capture.begin answered without a capture id")
    }

    // kioskd's CPU from its first stream report to its last. Between the two, one sleep for
    // most of the stream's length, then polls 5 ms apart: few requests of the bench's own in
    // the window, and its end within 5 ms of the last report.
    func received() throws -> Int { try tech.call("device.test", ["id": scenario.device])["reports_received"] as? Int ?? 0 }
    try PenTestBed.waitUntil("the first pen report", timeout: 30, interval: 0.005) { try received() >= 1 }
    guard let kioskd = PenTestBed.child(of: daemon.process.processIdentifier) else {
        throw BenchFailure("cannot find kioskd under the harness (/proc/\(daemon.process.processIdentifier)/task/*/children is empty)")
    }
    let harness = daemon.figures
    let clock = ContinuousClock()
    let start = clock.now
    let (kioskdBefore, harnessBefore) = (kioskd.cpuSeconds, harness.cpuSeconds)
    try await Task.sleep(for: .seconds(scenario.streamSeconds * 0.9))
    try PenTestBed.waitUntil("\(scenario.reports) pen reports", timeout: 30, interval: 0.005) { try received() >= scenario.reports }
    let (kioskdAfter, harnessAfter) = (kioskd.cpuSeconds, harness.cpuSeconds)
    let window = seconds(clock.now - start)

    try front.call("device.capture.finish", ["capture": capture])
    let done = try front.event("capture.done")
    let (points, strokes) = (done["points"] as? Int, done["strokes"] as? Int)
    guard points == PenScenario.points, strokes == PenScenario.strokes else {
        throw BenchFailure("the pen stream lost or reordered reports through kioskd: capture.done has \(points.map(String.init) ?? "no") points in \(strokes.map(String.init) ?? "no") strokes, the scenario drew \(PenScenario.points) in \(PenScenario.strokes) (\(done))")
    }

    // SIGTERM to the harness, which passes it on to kioskd, then prints its figures and exits
    // with kioskd's status.
    daemon.process.terminate()
    try PenTestBed.waitUntil("the harness and kioskd to stop after SIGTERM", timeout: 30) { !daemon.process.isRunning }
    let status = daemon.process.terminationStatus
    guard status == 0 else { throw BenchFailure("kioskd under the harness exited with status \(status): \(daemon.log.suffix(1_500))") }
    let figures = try HarnessReport(log: daemon.log, device: scenario.harnessName)
    guard figures.delivered == scenario.reports, figures.dropped == 0 else {
        throw BenchFailure("the harness delivered \(figures.delivered) of \(scenario.reports) pen reports and dropped \(figures.dropped); every one must reach kioskd")
    }
    print(String(format: "   pen stream: kioskd %.3f s CPU, harness %.3f s, over %.3f s; at most %d reports waiting",
                 kioskdAfter - kioskdBefore, harnessAfter - harnessBefore, window, figures.mostWaiting)
          + "; kioskd's whole run: \(figures.programCPU)")

    return [
        BenchFigure("pen reports/s through kioskd (1,000 reports/s offered)", figures.reportsPerSecond, "reports/s",
                    reference: "offered: reports / (last send − first send)", referenceValue: scenario.offeredPerSecond,
                    // 990/s allows the last of the 1,010 reports to reach kioskd ~10 ms late.
                    goal: .atLeast(990)),
        // The harness plays the device and answers the same transfers' usbfs ioctls (umockdev
        // forwards them to it): the other side of the same stream, over the same window in the
        // same run. (An idle kioskd over an equal window uses ~0 s, a ratio that says nothing.)
        // /proc counts in clock ticks (10 ms): ±0.01–0.02 on a ~1 s window.
        BenchFigure("kioskd CPU per second of pen stream", (kioskdAfter - kioskdBefore) / window, "CPU s/s",
                    reference: "the harness (pad + emulated usbfs), same window", referenceValue: (harnessAfter - harnessBefore) / window),
        BenchFigure("pen report delivery delay (device send → kioskd's transfer), max", figures.maxDelayMS, "ms"),
        BenchFigure("pen report delivery delay, mean", figures.meanDelayMS, "ms"),
    ]
}

/// Where the USB test bed's parts are, and small waits on /proc and the daemon.
enum PenTestBed {
    static var scenarioPath: String {
        let relative = "Tests/Fixtures/usb/epad-stream.json"
        if FileManager.default.fileExists(atPath: relative) { return relative }
        // Run from elsewhere: the package root this file was compiled in.
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(relative).path
    }

    /// Why the section cannot run here, or nil (umockdev's preload library, as USBTestBed.available
    /// looks for it; the harness built beside this benchmark; the scenario file).
    static var missing: String? {
        let dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        if !dirs.contains(where: { FileManager.default.fileExists(atPath: "\($0)/libumockdev-preload.so.0") }) {
            return "umockdev's preload library (libumockdev-preload.so.0) is not installed (apt-get install umockdev libumockdev-dev)"
        }
        if !FileManager.default.isExecutableFile(atPath: BenchProducts.usbHarness) {
            return "\(BenchProducts.usbHarness) is not built (swift build [-c release] --product kiosk-usb-harness)"
        }
        if !FileManager.default.fileExists(atPath: scenarioPath) { return "the scenario \(scenarioPath) is not there" }
        return nil
    }

    /// The first child of `pid` (kioskd, when `pid` is the harness running it).
    static func child(of pid: pid_t) -> ProcessFigures? {
        guard let children = try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8),
              let first = children.split(separator: " ").first, let child = pid_t(first) else { return nil }
        return ProcessFigures(pid: child)
    }

    /// Polls `condition` until it holds; throws a sentence naming `what` after `timeout` seconds.
    static func waitUntil(_ what: String, timeout: Double, interval: Double = 0.05, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while try !condition() {
            guard Date() < deadline else { throw BenchFailure("timed out after \(Int(timeout)) s waiting for \(what)") }
            usleep(useconds_t(interval * 1_000_000))
        }
    }
}

/// What the bench needs from Tests/Fixtures/usb/epad-stream.json.
struct PenScenario {
    /// What capture.done must say when no report was lost or reordered (10 strokes of 100 points).
    static let points = 1_000
    static let strokes = 10
    /// The pad's kioskd id (its driver_test block) and its name in the harness's log.
    let device: String
    let harnessName: String
    /// Reports the scenario sends the pad (stream events and single ones: the lifts).
    let reports: Int
    /// Seconds from its first report's send to its last's.
    let streamSeconds: Double
    /// The rate the harness would report if kioskd took every report the moment it was sent:
    /// reports / (last send − first send), the same formula as its "reports/s from first send
    /// to last delivery" (1,010 reports over 1.009 s: 1,001/s for the 1 ms stream).
    var offeredPerSecond: Double { Double(reports) / streamSeconds }

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let device = (root["driver_test"] as? [String: Any])?["device"] as? String,
              let events = root["events"] as? [[String: Any]],
              let name = events.first(where: { $0["stream"] != nil })?["device"] as? String else {
            throw BenchFailure("\(path) is not the pen stream scenario this section expects (a driver_test device and stream events)")
        }
        // Every report's send time in µs on the scenario's clock.
        var sends: [Int] = []
        for event in events where event["device"] as? String == name {
            guard let at = event["at_ms"] as? Int else { continue }
            if let stream = event["stream"] as? [String: Any], let count = stream["count"] as? Int,
               let interval = stream["interval_us"] as? Int {
                sends += (0..<count).map { at * 1_000 + $0 * interval }
            } else if event["report"] != nil {
                sends.append(at * 1_000)
            }
        }
        guard let first = sends.min(), let last = sends.max(), last > first else {
            throw BenchFailure("\(path) sends \(name) fewer than two reports: no rate to offer")
        }
        self.device = device
        harnessName = name
        reports = sends.count
        streamSeconds = Double(last - first) / 1e6
    }
}

/// The figures kiosk-usb-harness logs per device and for PROGRAM when it ends
/// (Tests/Fixtures/usb/README.md).
struct HarnessReport {
    var delivered = 0, dropped = 0, mostWaiting = 0
    var maxDelayMS = 0.0, meanDelayMS = 0.0, reportsPerSecond = 0.0
    /// "… used U s user + S s system CPU in W s wall", as logged.
    var programCPU = "(not logged)"

    init(log: String, device: String) throws {
        func numbers(_ pattern: String) -> [Double]? {
            guard let regex = try? Regex(pattern), let match = log.firstMatch(of: regex) else { return nil }
            return match.output.dropFirst().compactMap { $0.substring.flatMap { Double($0) } }
        }
        let name = NSRegularExpression.escapedPattern(for: device)
        guard let counts = numbers(name + #": (\d+) reports delivered, (\d+) dropped"#), counts.count == 2,
              let delays = numbers(name + #": delivery delay max ([\d.]+) ms, mean ([\d.]+) ms; at most (\d+) reports waiting; (\d+) reports/s"#),
              delays.count == 4 else {
            throw BenchFailure("the harness's log has no delivery figures for \(device): \(log.suffix(1_500))")
        }
        delivered = Int(counts[0]); dropped = Int(counts[1])
        maxDelayMS = delays[0]; meanDelayMS = delays[1]; mostWaiting = Int(delays[2]); reportsPerSecond = delays[3]
        if let line = log.split(separator: "\n").last(where: { $0.contains(" CPU in ") }),
           let used = line.range(of: "used ") {
            programCPU = String(line[used.upperBound...])
        }
    }
}
