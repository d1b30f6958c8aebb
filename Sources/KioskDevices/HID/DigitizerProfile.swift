import Foundation

/// One pen sample in device-independent form.
///
/// Signature capture only needs where the pen is, how hard it presses and whether it touches;
/// normalizing here lets the rest of the daemon ignore each pad's resolution and pressure scale.
/// Raw values are kept too because the evidence record stores device units losslessly.
public struct HIDPenSample: Sendable, Hashable {
    /// Horizontal position, 0 (logical minimum) … 1 (logical maximum), clamped.
    public let x: Double
    /// Vertical position, 0 … 1, clamped. HID Y grows downwards.
    public let y: Double
    /// Pressure 0 … 1 from the tip-pressure range; without a pressure usage, 1 when the tip is
    /// down and 0 otherwise.
    public let pressure: Double
    /// Pen in contact: Tip Switch, else Touch, else pressure above its minimum.
    public let tipDown: Bool
    /// Pen in proximity (In Range), or nil when the device does not report it.
    public let inRange: Bool?
    /// Barrel (side) switch pressed.
    public let barrelSwitch: Bool
    /// Secondary barrel switch pressed.
    public let secondaryBarrelSwitch: Bool
    /// Eraser end in contact, or Invert (eraser end in range).
    public let eraser: Bool
    /// X in device units.
    public let rawX: Int64
    /// Y in device units.
    public let rawY: Int64
    /// Pressure in device units, nil without a pressure usage.
    public let rawPressure: Int64?
    /// Report ID the sample came from (0 without report IDs).
    public let reportID: UInt8

    /// Builds a sample (the profile does this; public for tests and replay tools).
    public init(x: Double, y: Double, pressure: Double, tipDown: Bool, inRange: Bool?,
                barrelSwitch: Bool, secondaryBarrelSwitch: Bool, eraser: Bool,
                rawX: Int64, rawY: Int64, rawPressure: Int64?, reportID: UInt8) {
        self.x = x
        self.y = y
        self.pressure = pressure
        self.tipDown = tipDown
        self.inRange = inRange
        self.barrelSwitch = barrelSwitch
        self.secondaryBarrelSwitch = secondaryBarrelSwitch
        self.eraser = eraser
        self.rawX = rawX
        self.rawY = rawY
        self.rawPressure = rawPressure
        self.reportID = reportID
    }
}

/// Where a pen quantity lives in the pen report, found from usages alone.
///
/// This is the generic driver's whole "model knowledge": any digitizer whose descriptor names
/// X, Y and a contact or pressure usage gets a profile, with no per-model tables. Usages are
/// matched through `HIDUsage.equivalent`, so a pen described on Wacom's vendor page 0xFF0D
/// (FF0D:0130 for X, FF0D:0042 for Tip Switch, as the Intuos Pro PTH-660 does) is found too.
public struct DigitizerProfile: Sendable, Hashable {
    /// A single variable value: field and element.
    public struct ValueLocation: Sendable, Hashable {
        /// Index into the layout's `fields`.
        public let fieldIndex: Int
        /// Element inside that field.
        public let element: Int
    }

    /// Where a switch can be read: as one variable element, or as a choice of array fields.
    public enum SwitchLocation: Sendable, Hashable {
        /// One bit (or value) per switch.
        case variable(ValueLocation)
        /// Selected through array fields (e.g. Waltop's 4-bit array of tip/barrel/pick).
        case array(fieldIndices: [Int])
    }

    /// The pen input report.
    public let layout: HIDReportLayout
    /// X position (Generic Desktop 0x30).
    public let x: ValueLocation
    /// Y position (Generic Desktop 0x31).
    public let y: ValueLocation
    /// Tip Pressure (Digitizer 0x30), if any.
    public let tipPressure: ValueLocation?
    /// Tip Switch (Digitizer 0x42), if any.
    public let tipSwitch: SwitchLocation?
    /// Touch (Digitizer 0x33), used as contact when there is no tip switch.
    public let touch: SwitchLocation?
    /// In Range (Digitizer 0x32), if any.
    public let inRange: SwitchLocation?
    /// Barrel Switch (Digitizer 0x44), if any.
    public let barrelSwitch: SwitchLocation?
    /// Secondary Barrel Switch (Digitizer 0x5A), if any.
    public let secondaryBarrelSwitch: SwitchLocation?
    /// Eraser (Digitizer 0x45), if any.
    public let eraser: SwitchLocation?
    /// Invert (Digitizer 0x3C), if any.
    public let invert: SwitchLocation?
    /// How strongly the report looks like a pen (higher is more certain); used to rank candidates.
    public let score: Int

    /// Report ID of the pen report (0 without report IDs).
    public var reportID: UInt8 { layout.reportID }

    /// The X field (for ranges, resolution and units).
    public var xField: HIDField { layout.fields[x.fieldIndex] }
    /// The Y field.
    public var yField: HIDField { layout.fields[y.fieldIndex] }
    /// The pressure field, if any.
    public var pressureField: HIDField? { tipPressure.map { layout.fields[$0.fieldIndex] } }

    /// The best pen report of `descriptor`, or nil when it has none.
    public static func detect(in descriptor: HIDReportDescriptor) -> DigitizerProfile? {
        candidates(in: descriptor).first
    }

    /// Every input report that looks like a pen, best first (ties keep descriptor order).
    ///
    /// A candidate needs absolute X and Y plus some digitizer evidence: a Tip Switch, Touch,
    /// Tip Pressure or In Range usage, or a Digitizer-page application collection. Relative X/Y
    /// (a mouse, like TV4's second collection) never qualifies.
    public static func candidates(in descriptor: HIDReportDescriptor) -> [DigitizerProfile] {
        let found = descriptor.reports(ofType: .input).compactMap { profile(for: $0) }
        return found.enumerated()
            .sorted { $0.element.score != $1.element.score ? $0.element.score > $1.element.score : $0.offset < $1.offset }
            .map(\.element)
    }

    /// Builds a profile for one input layout, or nil when it is not a pen report.
    public static func profile(for layout: HIDReportLayout) -> DigitizerProfile? {
        guard layout.type == .input,
              let x = findValue(.x, in: layout, absoluteOnly: true),
              let y = findValue(.y, in: layout, absoluteOnly: true) else { return nil }
        let pressure = findValue(.tipPressure, in: layout, absoluteOnly: false)
        let tip = findSwitch(.tipSwitch, in: layout)
        let touch = findSwitch(.touch, in: layout)
        let inRange = findSwitch(.inRange, in: layout)

        var score = 0
        if tip != nil || touch != nil { score += 8 }
        if pressure != nil { score += 4 }
        if inRange != nil { score += 2 }
        let xField = layout.fields[x.fieldIndex]
        if layout.applicationUsage(of: xField)?.equivalent.page == HIDUsage.Page.digitizer { score += 4 }
        if layout.collectionPath(of: xField).contains(where: { $0.usage?.equivalent == .stylus || $0.usage?.equivalent == .pen }) { score += 1 }
        guard score >= 2 else { return nil }

        return DigitizerProfile(
            layout: layout, x: x, y: y, tipPressure: pressure, tipSwitch: tip, touch: touch,
            inRange: inRange, barrelSwitch: findSwitch(.barrelSwitch, in: layout),
            secondaryBarrelSwitch: findSwitch(.secondaryBarrelSwitch, in: layout),
            eraser: findSwitch(.eraser, in: layout), invert: findSwitch(.invert, in: layout), score: score)
    }

    /// Turns a received report (with its ID byte if the device uses IDs) into a pen sample.
    ///
    /// Nil when the report is not this pen report (other ID, e.g. the mouse report of TV4), when
    /// it is too short to contain X and Y, or when X/Y are in their null state ("no data").
    public func sample(from report: [UInt8]) -> HIDPenSample? {
        let body: [UInt8]
        if layout.usesReportIDs {
            guard let id = report.first, id == layout.reportID else { return nil }
            body = Array(report.dropFirst())
        } else {
            body = report
        }
        let xValue = read(x, body)
        let yValue = read(y, body)
        guard xValue.isComplete, yValue.isComplete, !xValue.isNull, !yValue.isNull else { return nil }

        var rawPressure: Int64?
        var pressure: Double?
        if let tipPressure {
            let value = read(tipPressure, body)
            if value.isComplete && !value.isNull {
                rawPressure = value.value
                pressure = Self.normalize(value.value, layout.fields[tipPressure.fieldIndex])
            }
        }
        let tipDown: Bool
        if let tipSwitch {
            tipDown = isOn(tipSwitch, .tipSwitch, body)
        } else if let touch {
            tipDown = isOn(touch, .touch, body)
        } else if let rawPressure, let field = pressureField {
            tipDown = rawPressure > field.logicalMinimum
        } else {
            // Position-only report with digitizer collections: the device reports while touching.
            tipDown = true
        }
        return HIDPenSample(
            x: Self.normalize(xValue.value, xField), y: Self.normalize(yValue.value, yField),
            pressure: pressure ?? (tipDown ? 1 : 0), tipDown: tipDown,
            inRange: inRange.map { isOn($0, .inRange, body) },
            barrelSwitch: barrelSwitch.map { isOn($0, .barrelSwitch, body) } ?? false,
            secondaryBarrelSwitch: secondaryBarrelSwitch.map { isOn($0, .secondaryBarrelSwitch, body) } ?? false,
            eraser: (eraser.map { isOn($0, .eraser, body) } ?? false) || (invert.map { isOn($0, .invert, body) } ?? false),
            rawX: xValue.value, rawY: yValue.value, rawPressure: rawPressure, reportID: layout.reportID)
    }

    // MARK: - Helpers

    /// (value − min) / (max − min), clamped to 0…1; 0 for a degenerate range.
    static func normalize(_ value: Int64, _ field: HIDField) -> Double {
        let span = Double(field.logicalMaximum) - Double(field.logicalMinimum)
        guard span > 0 else { return 0 }
        return min(1, max(0, (Double(value) - Double(field.logicalMinimum)) / span))
    }

    private func read(_ location: ValueLocation, _ body: [UInt8]) -> HIDFieldValue {
        layout.value(of: layout.fields[location.fieldIndex], element: location.element, inBody: body)
    }

    private func isOn(_ location: SwitchLocation, _ usage: HIDUsage, _ body: [UInt8]) -> Bool {
        switch location {
        case .variable(let place):
            let value = read(place, body)
            return value.isComplete && !value.isNull && value.value != 0
        case .array(let indices):
            for index in indices {
                let field = layout.fields[index]
                for element in 0..<field.count {
                    let value = layout.value(of: field, element: element, inBody: body)
                    if value.isComplete && value.usage?.equivalent == usage { return true }
                }
            }
            return false
        }
    }

    /// First variable, non-constant element carrying `usage` or a vendor usage equivalent to it.
    static func findValue(_ usage: HIDUsage, in layout: HIDReportLayout, absoluteOnly: Bool) -> ValueLocation? {
        for field in layout.fields where field.isVariable && !field.isConstant && field.bitSize > 0 {
            if absoluteOnly && field.isRelative { continue }
            // Usages beyond Report Count name no element, so they cannot be read.
            guard let first = field.usages.firstIndex(equivalentTo: usage), first < field.count else { continue }
            return ValueLocation(fieldIndex: field.index, element: first)
        }
        return nil
    }

    /// A switch as a variable element, else as the array fields that can select it.
    static func findSwitch(_ usage: HIDUsage, in layout: HIDReportLayout) -> SwitchLocation? {
        if let place = findValue(usage, in: layout, absoluteOnly: false) { return .variable(place) }
        let arrays = layout.fields.filter { $0.isArray && !$0.isConstant && $0.bitSize > 0 && $0.usages.contains(equivalentTo: usage) }
            .map(\.index)
        return arrays.isEmpty ? nil : .array(fieldIndices: arrays)
    }
}
