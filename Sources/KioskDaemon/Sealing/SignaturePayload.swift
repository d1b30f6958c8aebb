import Foundation
import KioskCore

/// The plaintext sealed for a signature: lossless (every raw report as received and every
/// normalized sample, each with microseconds since the capture began) plus the strokes the
/// customer saw, and the device it came from. The back office renders SVG or ISO/IEC
/// 19794-7 from it; docs/SEALING.md lists the fields.
enum SignaturePayload {
    static func json(_ capture: DeviceManager.Capture, driver: String) -> [UInt8] {
        var out = "{\"format\":\"kioskpay-signature\",\"version\":1,\"driver\":\(quoted(driver)),\"device\":\(quoted(capture.device))"
        out += ",\"points\":\(capture.signature.pointCount),\"strokes\":\(capture.signature.strokeCount)"
        out += ",\"samples\":["
        for (i, s) in capture.samples.enumerated() {
            if i > 0 { out += "," }
            out += "[\(s.microseconds),\(number(s.sample.x)),\(number(s.sample.y)),\(number(s.sample.pressure)),\(s.sample.tipDown ? 1 : 0)]"
        }
        out += "],\"reports\":["
        for (i, r) in capture.rawReports.enumerated() {
            if i > 0 { out += "," }
            out += "[\(r.microseconds),\"" + Hex.lowercase(r.bytes) + "\"]"
        }
        out += "]}"
        return Array(out.utf8)
    }

    /// Six decimals: finer than any pad's resolution, and always valid JSON.
    private static func number(_ value: Double) -> String {
        value.isFinite ? String(format: "%.6f", value) : "0"
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
