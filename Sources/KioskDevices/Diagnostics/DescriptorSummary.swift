/// A technician's view of a HID report descriptor: every report and field, and the pen the
/// generic driver would use. Codable so the daemon can send it as is.
public struct DescriptorSummary: Codable, Sendable, Equatable {
    public struct Field: Codable, Sendable, Equatable {
        public var bitOffset: Int
        public var bitSize: Int
        public var count: Int
        /// `page:usage` in hex, ranges as `page:min-max`.
        public var usages: [String]
        public var logical: [Int64]
        public var physical: [Int64]
        public var unitExponent: Int
        public var flags: [String]
        enum CodingKeys: String, CodingKey {
            case bitOffset = "bit_offset", bitSize = "bit_size", count, usages, logical, physical
            case unitExponent = "unit_exponent", flags
        }
    }
    public struct Report: Codable, Sendable, Equatable {
        public var type: String
        public var reportID: Int
        public var bits: Int
        public var fields: [Field]
        enum CodingKeys: String, CodingKey { case type, reportID = "report_id", bits, fields }
    }
    public struct Pen: Codable, Sendable, Equatable {
        public var reportID: Int
        public var xRange: [Int64]
        public var yRange: [Int64]
        public var pressureRange: [Int64]?
        public var tipSwitch: Bool
        enum CodingKeys: String, CodingKey {
            case reportID = "report_id", xRange = "x_range", yRange = "y_range", pressureRange = "pressure_range", tipSwitch = "tip_switch"
        }
    }
    public var length: Int
    public var reports: [Report]
    /// The pen report the generic signature-pad driver would decode, if any.
    public var pen: Pen?

    public init(_ descriptor: HIDReportDescriptor) {
        func hex(_ v: UInt16) -> String { "0x" + String(v, radix: 16, uppercase: true) }
        length = descriptor.bytes.count
        reports = descriptor.reports.map { layout in
            Report(type: layout.type.description, reportID: Int(layout.reportID), bits: layout.bitLength,
                   fields: layout.fields.map { f in
                       var flags = [String]()
                       flags.append(f.isConstant ? "constant" : "data")
                       flags.append(f.isVariable ? "variable" : "array")
                       flags.append(f.isRelative ? "relative" : "absolute")
                       if f.hasNullState { flags.append("null-state") }
                       return Field(bitOffset: f.bitOffset, bitSize: f.bitSize, count: f.count,
                                    usages: f.usages.ranges.map { r in
                                        r.minimum == r.maximum ? "\(hex(r.page)):\(hex(r.minimum))" : "\(hex(r.page)):\(hex(r.minimum))-\(hex(r.maximum))"
                                    },
                                    logical: [f.logicalMinimum, f.logicalMaximum], physical: [f.physicalMinimum, f.physicalMaximum],
                                    unitExponent: f.unitExponent, flags: flags)
                   })
        }
        pen = DigitizerProfile.detect(in: descriptor).map { p in
            Pen(reportID: Int(p.reportID), xRange: [p.xField.logicalMinimum, p.xField.logicalMaximum],
                yRange: [p.yField.logicalMinimum, p.yField.logicalMaximum],
                pressureRange: p.pressureField.map { [$0.logicalMinimum, $0.logicalMaximum] },
                tipSwitch: p.tipSwitch != nil || p.touch != nil)
        }
    }
}

/// `device decode`: runs one driver over reports a technician pasted, showing only what the
/// rest of the system may see (a card is masked; its clear data is wiped at once).
public struct DiagnosticDecode: Codable, Sendable, Equatable {
    public struct Sample: Codable, Sendable, Equatable {
        public var x: Double, y: Double, pressure: Double, tip: Bool
    }
    public var driver: String
    /// `swipe`, `failed`, `incomplete` (no swipe ended), or `samples`.
    public var outcome: String
    public var masked: MaskedCard?
    public var message: String?
    public var samples: [Sample]?

    /// Drivers a technician can name.
    public static let drivers = [KeyboardWedgeDecoder.driverName, MagTekHIDDecoder.driverName,
                                 MagneSafeHIDDecoder.driverName, IDTechSecureMagDecoder.driverName, PenDecoder.driverName]

    /// nil when `driver` is unknown, or a pen driver has no usable descriptor.
    public static func run(driver: String, reports: [[UInt8]], descriptor: [UInt8]?) -> DiagnosticDecode? {
        switch driver {
        case KeyboardWedgeDecoder.driverName:
            var decoder = KeyboardWedgeDecoder()
            return card(driver, firstEvent(&decoder, reports) ?? decoder.flush())
        case MagTekHIDDecoder.driverName:
            var decoder = MagTekHIDDecoder()
            return card(driver, firstEvent(&decoder, reports))
        case MagneSafeHIDDecoder.driverName:
            var decoder = MagneSafeHIDDecoder()
            return card(driver, firstEvent(&decoder, reports))
        case IDTechSecureMagDecoder.driverName:
            var decoder = IDTechSecureMagDecoder()
            return card(driver, firstEvent(&decoder, reports) ?? decoder.flush())
        case PenDecoder.driverName:
            guard let descriptor, let pen = PenDecoder(descriptor: descriptor) else { return nil }
            let samples = reports.compactMap(pen.sample(from:)).map { Sample(x: $0.x, y: $0.y, pressure: $0.pressure, tip: $0.tipDown) }
            return DiagnosticDecode(driver: driver, outcome: "samples", samples: samples)
        default:
            return nil
        }
    }

    /// Feeds reports in order until one completes a swipe. (A plain loop: a lazy map would run
    /// a stateful decoder twice on the same report.)
    private static func firstEvent<D: CardReaderDecoder>(_ decoder: inout D, _ reports: [[UInt8]]) -> CardReaderEvent? {
        for report in reports {
            if let event = decoder.consume(report: report) { return event }
        }
        return nil
    }

    private static func card(_ driver: String, _ event: CardReaderEvent?) -> DiagnosticDecode {
        switch event {
        case .swipe(let swipe)?:
            let masked = swipe.card
            swipe.wipe()
            return DiagnosticDecode(driver: driver, outcome: "swipe", masked: masked)
        case .encryptedSwipe(let swipe)?:
            // Still a swipe for the protocol; the message says how the reader encrypted it.
            let masked = swipe.card
            swipe.wipe()
            return DiagnosticDecode(driver: driver, outcome: "swipe", masked: masked,
                                    message: "encrypted by the reader: \(swipe.scheme), KSN \(swipe.ksn.hex)")
        case .failed(let error)?:
            return DiagnosticDecode(driver: driver, outcome: "failed", message: error.description)
        case nil:
            return DiagnosticDecode(driver: driver, outcome: "incomplete", message: "the reports did not complete a swipe")
        }
    }
}
