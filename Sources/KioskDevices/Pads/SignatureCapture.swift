/// One pen sample, normalized so every pad speaks the same units.
public struct PenSample: Sendable, Equatable {
    /// 0…1 across the pad's logical range, left to right.
    public var x: Double
    /// 0…1 across the pad's logical range, top to bottom.
    public var y: Double
    /// 0…1; pads with only a tip switch report 0 or 1.
    public var pressure: Double
    /// The pen touches the surface (tip switch, or pressure above zero).
    public var tipDown: Bool

    public init(x: Double, y: Double, pressure: Double, tipDown: Bool) {
        self.x = x; self.y = y; self.pressure = pressure; self.tipDown = tipDown
    }
}

/// A signature as it is drawn: the pen-down samples, split into strokes where the pen lifts.
///
/// Samples with the pen up are hover, not ink, and are not kept; a lift ends the stroke.
public struct SignatureCapture: Sendable, Equatable {
    public private(set) var strokes: [[PenSample]] = []
    private var penDown = false

    public init() {}

    public mutating func add(_ sample: PenSample) {
        guard sample.tipDown else { penDown = false; return }
        if !penDown { strokes.append([]); penDown = true }
        strokes[strokes.count - 1].append(sample)
    }

    public var pointCount: Int { strokes.reduce(0) { $0 + $1.count } }
    public var strokeCount: Int { strokes.count }
}
