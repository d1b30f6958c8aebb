import Foundation
import Testing
@testable import KioskDevices

/// Emulated devices must speak exactly what the real drivers decode.
@Suite("Emulation and diagnostics")
struct EmulationTests {
    static let ePad: [UInt8] = {
        let hex = "0600ff09ffa101150025010509090175019501810209028102050d0939a1020600ff1901290315012503950175038100c0050d093315002501750195018102093581027501810105010930350046002326500b651355fd751081020931460014265a058102050d0930457f257f6500550075078112750125018101c0"
        return stride(from: 0, to: hex.count, by: 2).map { i in
            UInt8(hex[hex.index(hex.startIndex, offsetBy: i)..<hex.index(hex.startIndex, offsetBy: i + 2)], radix: 16)!
        }
    }()

    @Test("typed tracks decode back through the keyboard-wedge driver")
    func wedgeRoundTrip() throws {
        let text = Array("%B4111111111111111^DOE/JOHN^28121010000000000000?;4111111111111111=28121010000000000000?".utf8)
        let reports = try #require(WedgeKeystrokes.reports(typing: text))
        var decoder = KeyboardWedgeDecoder()
        var event: CardReaderEvent?
        for report in reports { if let e = decoder.consume(report: report) { event = e } }
        guard case .swipe(let swipe)? = event else { Issue.record("no swipe: \(String(describing: event))"); return }
        #expect(swipe.card.last4 == "1111" && swipe.card.first6 == "411111")
        swipe.wipe()
        #expect(WedgeKeystrokes.reports(typing: Array("é".utf8)) == nil)
    }

    @Test("pen reports written for a descriptor decode to the same points")
    func penRoundTrip() throws {
        let decoder = try #require(PenDecoder(descriptor: Self.ePad))
        let encoder = PenReportEncoder(profile: decoder.profile)
        for (x, y, p) in [(0.0, 0.0, 0.1), (0.5, 0.25, 0.5), (1.0, 1.0, 1.0)] {
            let sample = try #require(decoder.sample(from: encoder.report(x: x, y: y, pressure: p, tipDown: true)))
            #expect(abs(sample.x - x) < 0.001 && abs(sample.y - y) < 0.001 && abs(sample.pressure - p) < 0.01)
            #expect(sample.tipDown)
        }
        let lifted = try #require(decoder.sample(from: encoder.report(x: 0.3, y: 0.3, pressure: 0, tipDown: false)))
        #expect(!lifted.tipDown)
        var capture = SignatureCapture()
        for report in encoder.reports(drawing: [[[0.1, 0.1, 0.5], [0.2, 0.2, 0.5]], [[0.6, 0.6, 0.4]]]) {
            if let sample = decoder.sample(from: report) { capture.add(sample) }
        }
        #expect(capture.strokeCount == 2 && capture.pointCount == 3)
    }

    @Test("diagnostic decode masks cards and refuses unknown drivers")
    func diagnosticDecode() throws {
        let reports = try #require(WedgeKeystrokes.reports(typing: Array(";4111111111111111=28121010000000000000?".utf8)))
        let result = try #require(DiagnosticDecode.run(driver: "keyboard-wedge", reports: reports, descriptor: nil))
        #expect(result.outcome == "swipe" && result.masked?.last4 == "1111")
        let json = String(decoding: try JSONEncoder().encode(result), as: UTF8.self)
        #expect(!json.contains("4111111111111111"))
        #expect(DiagnosticDecode.run(driver: "toaster", reports: [], descriptor: nil) == nil)
        #expect(DiagnosticDecode.run(driver: "hid-digitizer", reports: [], descriptor: [0xc0]) == nil)
        let summary = DescriptorSummary(try HIDReportDescriptor(Self.ePad))
        #expect(summary.pen?.tipSwitch == true && summary.reports.contains { $0.type == "input" })
    }
}
