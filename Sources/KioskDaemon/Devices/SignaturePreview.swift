import KioskDevices

/// A signature thinned for a screen preview (the front draws it in braille): at most
/// `maximumPoints` points, coordinates rounded to 3 decimals. Enough to recognise the
/// strokes, far too coarse to be the signature itself, which stays sealed.
enum SignaturePreview {
    static let maximumPoints = 400

    static func strokes(_ signature: SignatureCapture) -> [[[Double]]] {
        let total = signature.pointCount
        guard total > 0 else { return [] }
        let step = max(1, (total + maximumPoints - 1) / maximumPoints)
        func rounded(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
        return signature.strokes.map { stroke in
            var kept = stride(from: 0, to: stroke.count, by: step).map { stroke[$0] }
            if let last = stroke.last, kept.last != last { kept.append(last) }  // strokes keep their ends
            return kept.map { [rounded($0.x), rounded($0.y)] }
        }
    }
}
