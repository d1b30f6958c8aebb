import Foundation
import KioskDevices
import Testing

/// Technician diagnostics through kioskctl and the socket.
@Suite("Device diagnostics", .serialized)
struct DiagnosticsTests {
    static let ePad = "0600ff09ffa101150025010509090175019501810209028102050d0939a1020600ff1901290315012503950175038100c0050d093315002501750195018102093581027501810105010930350046002326500b651355fd751081020931460014265a058102050d0930457f257f6500550075078112750125018101c0"

    @Test("describe, parse-descriptor, decode (masked), test")
    func diagnostics() throws {
        let daemon = try DaemonProcess(label: "diag", configExtra: "emulated_devices = true")
        let describe = try daemon.kioskctl(["device", "describe", "emulated-pad-1"])
        #expect(describe.status == 0, "\(describe.stderr)")
        #expect(describe.stdout.contains("\"pen\"") && describe.stdout.contains("\"tip_switch\" : true"), "\(describe.stdout)")
        let parsed = try daemon.kioskctl(["device", "parse-descriptor", Self.ePad])
        #expect(parsed.status == 0 && parsed.stdout.contains("\"x_range\""))
        let garbage = try daemon.kioskctl(["device", "parse-descriptor", "c0"])
        #expect(garbage.status != 0 && garbage.stderr.contains("End Collection"), "\(garbage.stderr)")
        let notHex = try daemon.kioskctl(["device", "parse-descriptor", "zz"])
        #expect(notHex.status != 0 && notHex.stderr.contains("hex"))

        // A swipe typed as boot keyboard reports, pasted as one hex string.
        let text = Array(";4111111111111111=28121010000000000000?".utf8)
        let hex = WedgeKeystrokes.reports(typing: text)!.joined().map { String(format: "%02x", $0) }.joined()
        let decoded = try daemon.kioskctl(["device", "decode", "--driver", "keyboard-wedge", hex])
        #expect(decoded.status == 0, "\(decoded.stderr) \(decoded.stdout)")
        #expect(decoded.stdout.contains("\"outcome\" : \"swipe\"") && decoded.stdout.contains("\"last4\" : \"1111\""), "\(decoded.stdout)")
        #expect(!decoded.stdout.contains("4111111111111111"))
        let pen = try daemon.kioskctl(["device", "decode", "--driver", "hid-digitizer", "--descriptor", Self.ePad, "204804390240"])
        #expect(pen.status == 0 && pen.stdout.contains("\"samples\""), "\(pen.stderr)")
        let unknown = try daemon.kioskctl(["device", "decode", "--driver", "toaster", "00"])
        #expect(unknown.status != 0 && unknown.stderr.contains("driver must be one of"))

        let before = try daemon.kioskctl(["device", "test", "emulated-reader-1"])
        #expect(before.stdout.contains("not allowed"), "\(before.stdout) \(before.stderr)")
        _ = try daemon.kioskctl(["device", "allow", "emulated-reader-1"])
        _ = try daemon.kioskctl(["device", "emulate", "swipe", "--track2", "4111111111111111=28121010000000000000"])
        let after = try daemon.kioskctl(["device", "test", "emulated-reader-1"])
        #expect(after.stdout.contains("working"), "\(after.stdout)")
        daemon.stop()
        #expect(!daemon.log.contains("4111111111111111"))
    }
}
