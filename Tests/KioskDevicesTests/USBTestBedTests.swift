#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

// The USB layer (KioskDevices/USB) against an emulated device: `kiosk-usb-harness` runs
// `usb-probe` inside a umockdev testbed, so the probe goes through real libusb (hotplug via
// libudev, usbfs ioctls, asynchronous transfers) and only the kernel side is emulated.
// See Tests/Fixtures/usb/README.md.

/// Where the repository and the built executables are.
enum USBTestBed {
    /// <repo>/Tests, found through this file (symlinks resolved, so scratch packages work).
    static var testsDirectory: URL {
        URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var productsDirectory: URL {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        if FileManager.default.fileExists(atPath: bundleDir.appendingPathComponent("kiosk-usb-harness").path) { return bundleDir }
        return testsDirectory.deletingLastPathComponent().appendingPathComponent(".build/debug")
    }

    /// umockdev's preload library must be installed (CI installs it: `apt-get install umockdev libumockdev-dev`).
    static var umockdevInstalled: Bool {
        let dirs = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib"]
        return dirs.contains { FileManager.default.fileExists(atPath: "\($0)/libumockdev-preload.so.0") }
    }

    struct Run {
        var status: Int32
        var stdout: [String]
        var stderr: String
    }

    /// Runs `kiosk-usb-harness [OPTIONS] SCENARIO -- usb-probe ARGS` and collects its output.
    /// `scenario` is a file name in Tests/Fixtures/usb, or an absolute path.
    static func run(scenario: String, probeArguments: [String], harnessOptions: [String] = []) throws -> Run {
        let harness = Process()
        harness.executableURL = productsDirectory.appendingPathComponent("kiosk-usb-harness")
        let path = scenario.hasPrefix("/") ? scenario : testsDirectory.appendingPathComponent("Fixtures/usb/\(scenario)").path
        harness.arguments = harnessOptions + [path, "--", productsDirectory.appendingPathComponent("usb-probe").path] + probeArguments
        var env = ProcessInfo.processInfo.environment
        // A crashing Swift helper would otherwise leave swift-backtrace holding our pipe.
        env["SWIFT_BACKTRACE"] = "enable=no"
        harness.environment = env
        let out = Pipe(), err = Pipe()
        harness.standardOutput = out
        harness.standardError = err
        try harness.run()
        // Drain both pipes concurrently so neither can fill up and stall the harness.
        let errData = UncheckedBox<Data>()
        let errReader = Thread { errData.value = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        harness.waitUntilExit()
        while errData.value == nil { usleep(1000) }
        return Run(status: harness.terminationStatus,
                   stdout: String(decoding: outData, as: UTF8.self).split(separator: "\n").map(String.init),
                   stderr: String(decoding: errData.value ?? Data(), as: UTF8.self))
    }

    /// The ePad vector (first entry of the HID fixture file): descriptor and the two reports.
    static func ePadVector() throws -> (descriptor: String, reports: [String]) {
        let url = testsDirectory.appendingPathComponent("Fixtures/hid/signature-pad-vectors.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let first = (root?["hid_descriptors"] as? [[String: Any]])?.first
        let hex = try #require(first?["hex"] as? String)
        let reports = (first?["reports"] as? [[String: Any]] ?? []).compactMap { $0["hex"] as? String }
        return (hex, reports)
    }
}

/// Written once by the reader thread, read after it signalled completion through `value != nil`.
final class UncheckedBox<T>: @unchecked Sendable {
    // @unchecked: a single write followed by polling reads; the pipe EOF orders them.
    private let lock = NSLock()
    private var stored: T?
    var value: T? {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}

@Suite("USB test bed (umockdev)", .enabled(if: USBTestBed.umockdevInstalled, "umockdev is not installed"))
struct USBTestBedTests {
    @Test("ePad: descriptor, reports in order incl. a 1000-report 1 ms stream, unplug and replug")
    func ePadSession() throws {
        let vector = try USBTestBed.ePadVector()
        let run = try USBTestBed.run(scenario: "epad-session.json", probeArguments: ["--vid", "04df", "--pid", "0012", "--sessions", "2"])
        let context = Comment(rawValue: "stdout:\n" + run.stdout.prefix(40).joined(separator: "\n") + "\nstderr:\n" + run.stderr)

        #expect(run.status == 0, context)
        #expect(!run.stdout.contains { $0.hasPrefix("error") }, context)

        // Split stdout into the two sessions (from "arrived" to "gone").
        var sessions: [[String]] = []
        for line in run.stdout {
            if line.hasPrefix("arrived ") { sessions.append([]) }
            if !sessions.isEmpty { sessions[sessions.count - 1].append(line) }
        }
        try #require(sessions.count == 2, context)

        for session in sessions {
            #expect(session.first?.hasPrefix("arrived 04df:0012 port=1-3") == true)
            #expect(session.contains("info serial=EPAD-0001 manufacturer=ePadLink product=ePad identity=serial:EPAD-0001"))
            // usbhid was bound; auto-detach removed it on claim.
            #expect(session.contains("kernel-driver-before-claim=yes"))
            #expect(session.contains("kernel-driver-after-claim=no"))
            #expect(session.contains("endpoint 0x81 max-packet=8"))
            #expect(session.contains("descriptor \(vector.descriptor)"), "HID report descriptor differs from the ePad vector")
            #expect(session.contains("gone"), "the unplug was not seen as deviceGone")
        }

        // Session 1: the two vector reports, then the stream, complete and in order.
        let first = sessions[0].filter { $0.hasPrefix("report ") }.map { String($0.dropFirst(7)) }
        let stream = (0..<1000).map { i -> String in
            let lo = String(format: "%02x%02x", i & 0xFF, i >> 8)
            return "21" + lo + lo + "40"
        }
        #expect(first.count == 1002, "expected 1002 reports, got \(first.count)")
        #expect(Array(first.prefix(2)) == vector.reports.prefix(2).map { $0.lowercased() })
        #expect(Array(first.dropFirst(2)) == stream, "stream reports lost or out of order")

        // Replug: a new address, the hotplug LEFT event for the first one, the one report.
        let addresses = sessions.compactMap { $0.first?.split(separator: "address=").last.map(String.init) }
        #expect(addresses.count == 2 && addresses[0] != addresses[1], "a replugged device gets a new address")
        #expect(sessions[0].contains("left 04df:0012 port=1-3") || sessions[1].contains("left 04df:0012 port=1-3"))
        #expect(sessions[1].filter { $0.hasPrefix("report ") } == ["report 20e803d00780"])
        #expect(run.stdout.last == "bye")
    }
}
