import Foundation

/// A lossless signature capture: every raw report as received and every normalized sample,
/// each stamped in microseconds since the capture started, plus the device's identity and
/// geometry so exports can restore device units.
///
/// Strokes are derived by tip: a maximal run of samples with the tip down (hover samples are
/// kept in `samples`, for the time series, but are never ink).
public struct SignatureRecording: Sendable, Equatable {
    /// One report exactly as the transport delivered it.
    public struct RawReport: Sendable, Equatable {
        public let microseconds: UInt64
        public let bytes: [UInt8]
        public init(microseconds: UInt64, bytes: [UInt8]) { self.microseconds = microseconds; self.bytes = bytes }
    }

    /// One normalized sample with its host time and, when the pad has a clock, the pad's time.
    public struct TimedSample: Sendable, Equatable {
        public let microseconds: UInt64
        public let sample: PenSample
        /// The pad's own time in ms (e.g. an unwrapped STU time count), when it sends one.
        public let deviceMilliseconds: UInt64?
        public init(microseconds: UInt64, sample: PenSample, deviceMilliseconds: UInt64? = nil) {
            self.microseconds = microseconds; self.sample = sample; self.deviceMilliseconds = deviceMilliseconds
        }
    }

    /// The device's ranges: what 1.0 means in device units, and how big a unit is.
    public struct Geometry: Sendable, Equatable {
        public let maxX: Int
        public let maxY: Int
        public let maxPressure: Int
        public let unitsPerMillimetre: Double

        /// X and Y up to 32767 (the ISO record stores them offset by 32768 in 16 bits),
        /// pressure up to 65535, a positive finite resolution.
        public init(maxX: Int, maxY: Int, maxPressure: Int, unitsPerMillimetre: Double) throws(SignatureExportError) {
            guard (1...32767).contains(maxX), (1...32767).contains(maxY) else {
                throw .invalidGeometry("X and Y maxima must be 1…32767 device units, got \(maxX) and \(maxY)")
            }
            guard (1...65535).contains(maxPressure) else {
                throw .invalidGeometry("the pressure maximum must be 1…65535, got \(maxPressure)")
            }
            guard unitsPerMillimetre.isFinite, unitsPerMillimetre > 0 else {
                throw .invalidGeometry("the resolution must be a positive number of units per millimetre")
            }
            self.maxX = maxX; self.maxY = maxY; self.maxPressure = maxPressure
            self.unitsPerMillimetre = unitsPerMillimetre
        }

        /// An STU pad's geometry from its capability (resolution falls back when not reported).
        public init(stu capability: WacomSTUCapability, fallbackUnitsPerMillimetre: Double = 100) throws(SignatureExportError) {
            try self.init(maxX: Int(capability.tabletMaxX), maxY: Int(capability.tabletMaxY),
                          maxPressure: Int(capability.tabletMaxPressure),
                          unitsPerMillimetre: capability.unitsPerMillimetre ?? fallbackUnitsPerMillimetre)
        }
    }

    public let deviceIdentity: String
    public let geometry: Geometry
    public private(set) var reports: [RawReport] = []
    public private(set) var samples: [TimedSample] = []

    public init(deviceIdentity: String, geometry: Geometry) {
        self.deviceIdentity = deviceIdentity
        self.geometry = geometry
    }

    public mutating func record(report bytes: [UInt8], at microseconds: UInt64) {
        reports.append(RawReport(microseconds: microseconds, bytes: bytes))
    }

    public mutating func record(_ sample: PenSample, at microseconds: UInt64, deviceMilliseconds: UInt64? = nil) {
        samples.append(TimedSample(microseconds: microseconds, sample: sample, deviceMilliseconds: deviceMilliseconds))
    }

    /// Tip-down runs, in order.
    public var strokes: [[TimedSample]] {
        var strokes: [[TimedSample]] = []
        var down = false
        for timed in samples {
            guard timed.sample.tipDown else { down = false; continue }
            if !down { strokes.append([]); down = true }
            strokes[strokes.count - 1].append(timed)
        }
        return strokes
    }
}

/// Why an export could not be produced.
public enum SignatureExportError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidGeometry(String)
    case tooManySamples(Int)
    case durationTooLong(microseconds: UInt64)
    case unrepresentableScaling(Double)

    public var description: String {
        switch self {
        case .invalidGeometry(let why): "The recording's geometry is invalid: \(why)."
        case .tooManySamples(let n): "The recording has \(n) samples; an ISO/IEC 19794-7 record holds at most 16777215."
        case .durationTooLong(let us): "The recording lasts \(us / 1_000_000) s, longer than a 16-bit time channel can hold even at 1 tick per second."
        case .unrepresentableScaling(let v): "The scaling value \(v) cannot be written as an ISO/IEC 19794-7 scaling value (2^-16 … 2^16)."
        }
    }
}

// MARK: - SVG

extension SignatureRecording {
    /// A standalone SVG 1.1 document of the strokes, one `<path>` per stroke, scaled to
    /// `width` × `height` user units (non-positive or non-finite sizes become 1). Raw points,
    /// no smoothing. Only geometry is written: no device identity, times or pressure data.
    /// With `widthFollowsPressure`, each path's width scales with the stroke's mean pressure.
    public func svg(width: Double, height: Double, strokeWidth: Double = 2,
                    widthFollowsPressure: Bool = false) -> String {
        let w = Self.positive(width), h = Self.positive(height), baseWidth = Self.positive(strokeWidth)
        var out = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(Self.number(w))" height="\(Self.number(h))" viewBox="0 0 \(Self.number(w)) \(Self.number(h))">
        <g fill="none" stroke="#000000" stroke-linecap="round" stroke-linejoin="round">

        """
        for stroke in strokes {
            var d = ""
            for (index, timed) in stroke.enumerated() {
                let x = Self.number(Self.unit(timed.sample.x) * w), y = Self.number(Self.unit(timed.sample.y) * h)
                d += index == 0 ? "M\(x) \(y)" : " L\(x) \(y)"
            }
            if stroke.count == 1 { d += " l0 0" }   // a dot: zero-length segment with round caps
            var pathWidth = baseWidth
            if widthFollowsPressure {
                let mean = stroke.reduce(0) { $0 + Self.unit($1.sample.pressure) } / Double(stroke.count)
                pathWidth = baseWidth * (0.5 + mean)
            }
            out += "<path stroke-width=\"\(Self.number(pathWidth))\" d=\"\(d)\"/>\n"
        }
        out += "</g>\n</svg>\n"
        return out
    }

    /// Clamps to 0…1; NaN becomes 0.
    static func unit(_ v: Double) -> Double { v.isNaN ? 0 : min(max(v, 0), 1) }

    private static func positive(_ v: Double) -> Double { v.isFinite && v > 0 ? v : 1 }

    /// Locale-free decimal with at most 2 fraction digits.
    private static func number(_ v: Double) -> String {
        let hundredths = Int64((v * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

// MARK: - ISO/IEC 19794-7:2007

/// How the time channel of the ISO record is written.
public enum ISO19794TimeChannel: Sendable, Equatable {
    /// T: each sample's time since capture start, in the finest of 1000, 500, 200, 100, 50,
    /// 20, 10, 5, 2 or 1 ticks per second that keeps the whole capture within 16 bits.
    case perSample
    /// DT marked constant: a fixed sampling rate, no per-sample values.
    case constantRate(samplesPerSecond: Double)
}

extension SignatureRecording {
    /// The capture as an ISO/IEC 19794-7:2007 ("ed. 1") full-format record, big-endian:
    /// header (format identifier "SDI\0", version " 10\0", channel inclusion, one description
    /// per channel in bit order, reserved byte, extended-data flag), then the body (sample
    /// count BE24 and, per sample, one BE16 per non-constant channel).
    ///
    /// Channels: X and Y (scaling = units per mm, minimum 0, maximum from the geometry; stored
    /// offset by 32768 as the standard's signed channels are), T or constant DT, and F
    /// (pressure, minimum 0, maximum from the geometry). Every sample is written, hover too.
    ///
    /// The 2007 layout as reconstructed in the research has no record-length field and no
    /// representation header (those arrived with the 2014 edition); the sample count is the
    /// one length the record carries.
    public func iso19794_7(time: ISO19794TimeChannel = .perSample) throws(SignatureExportError) -> [UInt8] {
        guard samples.count <= 0xFF_FFFF else { throw .tooManySamples(samples.count) }
        let xyScale = try ISO19794Channel.scalingValue(geometry.unitsPerMillimetre)
        var channels: [ISO19794Channel] = [
            ISO19794Channel(bit: 15, scaling: xyScale, minimum: 32768, maximum: UInt16(32768 + geometry.maxX)),
            ISO19794Channel(bit: 14, scaling: xyScale, minimum: 32768, maximum: UInt16(32768 + geometry.maxY)),
        ]
        var ticksPerSecond: Double?
        switch time {
        case .perSample:
            let last = samples.map(\.microseconds).max() ?? 0
            guard let rate = [1000.0, 500, 200, 100, 50, 20, 10, 5, 2, 1].first(where: {
                (Double(last) * $0 / 1_000_000).rounded() <= 65535
            }) else { throw .durationTooLong(microseconds: last) }
            ticksPerSecond = rate
            channels.append(ISO19794Channel(bit: 8, scaling: try ISO19794Channel.scalingValue(rate)))
        case .constantRate(let rate):
            channels.append(ISO19794Channel(bit: 7, scaling: try ISO19794Channel.scalingValue(rate), constant: true))
        }
        channels.append(ISO19794Channel(bit: 6, minimum: 0, maximum: UInt16(geometry.maxPressure)))

        var out: [UInt8] = [0x53, 0x44, 0x49, 0x00, 0x20, 0x31, 0x30, 0x00]
        let inclusion = channels.reduce(UInt16(0)) { $0 | 1 << $1.bit }
        out += WacomSTUWire.be16(inclusion)
        for channel in channels { out += channel.description }
        out += [0x00, 0x00]   // reserved, no extended data
        out += [UInt8(samples.count >> 16), UInt8((samples.count >> 8) & 0xFF), UInt8(samples.count & 0xFF)]
        out.reserveCapacity(out.count + samples.count * 8)
        for timed in samples {
            let s = timed.sample
            out += WacomSTUWire.be16(UInt16(32768 + Self.deviceUnits(s.x, geometry.maxX)))
            out += WacomSTUWire.be16(UInt16(32768 + Self.deviceUnits(s.y, geometry.maxY)))
            if let rate = ticksPerSecond {
                out += WacomSTUWire.be16(UInt16(min((Double(timed.microseconds) * rate / 1_000_000).rounded(), 65535)))
            }
            out += WacomSTUWire.be16(UInt16(Self.deviceUnits(s.pressure, geometry.maxPressure)))
        }
        return out
    }

    private static func deviceUnits(_ fraction: Double, _ maximum: Int) -> Int {
        Int((unit(fraction) * Double(maximum)).rounded())
    }
}

/// One channel description of a 19794-7:2007 record.
struct ISO19794Channel {
    /// Position in the channel-inclusion field (15 X, 14 Y, 8 T, 7 DT, 6 F…).
    let bit: Int
    var scaling: UInt16?
    var minimum: UInt16?
    var maximum: UInt16?
    var constant = false

    init(bit: Int, scaling: UInt16? = nil, minimum: UInt16? = nil, maximum: UInt16? = nil, constant: Bool = false) {
        self.bit = bit; self.scaling = scaling; self.minimum = minimum; self.maximum = maximum; self.constant = constant
    }

    /// Preamble (bit 7 scaling, 6 minimum, 5 maximum, 2 constant) then the values, BE16 each.
    var description: [UInt8] {
        var preamble: UInt8 = 0
        var values: [UInt8] = []
        if let scaling { preamble |= 0x80; values += WacomSTUWire.be16(scaling) }
        if let minimum { preamble |= 0x40; values += WacomSTUWire.be16(minimum) }
        if let maximum { preamble |= 0x20; values += WacomSTUWire.be16(maximum) }
        if constant { preamble |= 0x04 }
        return [preamble] + values
    }

    /// value = 2^(E−16) · (1 + F/2048), E in bits 15…11 and F in bits 10…0.
    static func scalingValue(_ value: Double) throws(SignatureExportError) -> UInt16 {
        guard value.isFinite, value > 0 else { throw .unrepresentableScaling(value) }
        var exponent = Int(log2(value).rounded(.down))
        var fraction = Int(((value / pow(2, Double(exponent)) - 1) * 2048).rounded())
        if fraction >= 2048 { fraction -= 2048; exponent += 1 }
        if fraction < 0 { fraction = 0 }
        let biased = exponent + 16
        guard (0...31).contains(biased) else { throw .unrepresentableScaling(value) }
        return UInt16(biased << 11 | fraction)
    }

    /// Decodes a scaling value (for tests and readers).
    static func scalingDouble(_ raw: UInt16) -> Double {
        pow(2, Double(Int(raw >> 11) - 16)) * (1 + Double(raw & 0x7FF) / 2048)
    }
}
