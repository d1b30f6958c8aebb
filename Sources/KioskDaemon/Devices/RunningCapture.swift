import Foundation
import KioskDevices
import KioskProtocol

/// A capture in progress: which device, which connection asked, and for a signature every
/// report and sample since it began.
struct RunningCapture {
    let id: String
    let kind: CaptureBeginParams.Kind
    let device: String
    let owner: ConnectionID
    var signature = SignatureCapture()
    /// Lossless record of a signature: every raw report and every sample, with the time
    /// since the capture began, sealed with the strokes when the customer presses Done.
    var rawReports: [(microseconds: UInt64, bytes: [UInt8])] = []
    var samples: [(microseconds: UInt64, sample: PenSample)] = []
    /// What the owner was last told (`capture.progress`), so the count it shows follows the pad.
    var progressPoints = 0
    var progressAt: UInt64 = 0
    let started = ContinuousClock.now

    /// A signature longer than this many reports (over three minutes at 1,000 reports/s) is
    /// refused rather than allowed to grow the daemon without bound.
    static let maximumSignatureReports = 200_000

    /// Microseconds between `capture.progress` events while the pen stays down.
    static let progressInterval: UInt64 = 100_000

    var microseconds: UInt64 {
        let d = ContinuousClock.now - started
        return UInt64(max(0, d.components.seconds)) * 1_000_000 + UInt64(max(0, d.components.attoseconds) / 1_000_000_000_000)
    }

    var isFull: Bool { rawReports.count >= Self.maximumSignatureReports }

    /// Records one pad report and its sample (if it has one); returns the progress event the
    /// owner is due. The customer watches the count and the preview: they are told at the first
    /// point, at every lift of the pen, and at most every 100 ms while ink flows (a 1,000
    /// reports/s pen must not become 1,000 events/s).
    mutating func record(report: [UInt8], sample: PenSample?) -> CaptureEvent? {
        let now = microseconds
        rawReports.append((now, report))
        guard let sample else { return nil }
        samples.append((now, sample))
        signature.add(sample)
        let points = signature.pointCount
        guard points != progressPoints,
              progressPoints == 0 || !sample.tipDown || now &- progressAt >= Self.progressInterval else { return nil }
        progressPoints = points
        progressAt = now
        return .progress(capture: id, points: points, preview: SignaturePreview.strokes(signature))
    }
}
