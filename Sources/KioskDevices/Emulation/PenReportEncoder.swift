/// Writes pen reports for a digitizer's own layout: the inverse of `PenDecoder`, used by the
/// emulated pad so that emulation goes through the real descriptor-driven decoding.
public struct PenReportEncoder: Sendable {
    public let profile: DigitizerProfile

    public init(profile: DigitizerProfile) { self.profile = profile }

    /// One report: normalized x, y, pressure (0…1) and whether the pen touches.
    public func report(x: Double, y: Double, pressure: Double, tipDown: Bool) -> [UInt8] {
        var body = [UInt8](repeating: 0, count: (profile.layout.bitLength + 7) / 8)
        write(profile.x, scaled: x, into: &body)
        write(profile.y, scaled: y, into: &body)
        if let location = profile.tipPressure { write(location, scaled: tipDown ? max(pressure, 0.01) : 0, into: &body) }
        for location in [profile.tipSwitch, profile.touch, profile.inRange].compactMap({ $0 }) {
            let on = location == profile.inRange ? true : tipDown
            if case .variable(let value) = location {
                let field = profile.layout.fields[value.fieldIndex]
                set(on ? field.logicalMaximum : field.logicalMinimum, field: field, element: value.element, into: &body)
            }
        }
        return profile.layout.usesReportIDs ? [profile.reportID] + body : body
    }

    /// Reports drawing `strokes` of `[x, y, pressure]` points, lifting the pen after each stroke.
    public func reports(drawing strokes: [[[Double]]]) -> [[UInt8]] {
        var out = [[UInt8]]()
        for stroke in strokes {
            for point in stroke where point.count == 3 {
                out.append(report(x: point[0], y: point[1], pressure: point[2], tipDown: true))
            }
            if let last = stroke.last, last.count == 3 {
                out.append(report(x: last[0], y: last[1], pressure: 0, tipDown: false))
            }
        }
        return out
    }

    private func write(_ location: DigitizerProfile.ValueLocation, scaled fraction: Double, into body: inout [UInt8]) {
        let field = profile.layout.fields[location.fieldIndex]
        let span = Double(field.logicalMaximum - field.logicalMinimum)
        let value = field.logicalMinimum + Int64((min(1, max(0, fraction)) * span).rounded())
        set(value, field: field, element: location.element, into: &body)
    }

    private func set(_ value: Int64, field: HIDField, element: Int, into body: inout [UInt8]) {
        let start = field.bitOffset + element * field.bitSize
        let bits = UInt64(bitPattern: value)
        for bit in 0..<min(field.bitSize, 64) where start + bit < body.count * 8 {
            let index = (start + bit) / 8, shift = (start + bit) % 8
            if (bits >> UInt64(bit)) & 1 == 1 { body[index] |= UInt8(1 << shift) } else { body[index] &= ~UInt8(1 << shift) }
        }
    }
}
