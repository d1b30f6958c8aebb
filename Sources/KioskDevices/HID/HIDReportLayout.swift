import Foundation

/// The three report kinds. Each has its own report-ID space and its own bit cursor: the same ID
/// may be both an input and a feature report with unrelated layouts (Wacom STU does this).
public enum HIDReportType: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Device → host, on the interrupt-IN endpoint (pen samples).
    case input = 1
    /// Host → device.
    case output = 2
    /// Both directions via GET/SET_REPORT (configuration).
    case feature = 3

    /// Lower-case name, for messages.
    public var description: String {
        switch self {
        case .input: return "input"
        case .output: return "output"
        case .feature: return "feature"
        }
    }
}

/// One Input/Output/Feature main item as placed in its report: `count` elements of `bitSize` bits
/// starting at `bitOffset`, with the global and local state that was current at that item.
///
/// This is the unit from which values are extracted; keeping the complete state (ranges, unit,
/// flags, collection) lets a generic driver interpret a device it has never seen.
public struct HIDField: Sendable, Hashable {
    /// Position of the field in its report's `fields`.
    public let index: Int
    /// Byte offset of the Main item in the descriptor (for diagnostics).
    public let descriptorOffset: Int
    /// Bit offset of element 0 within the report body (after the report-ID byte).
    public let bitOffset: Int
    /// Bits per element (Report Size). At most 256; values wider than 64 bits are truncated on read.
    public let bitSize: Int
    /// Number of elements (Report Count).
    public let count: Int
    /// Input/Output/Feature flag bits.
    public let flags: HIDMainItemFlags
    /// Usages in declaration order. Variable fields: element i has usage i (the last repeats when
    /// there are fewer usages than elements). Array fields: value v selects usage `v − logicalMinimum`.
    public let usages: HIDUsageList
    /// Logical Minimum (signed item value).
    public let logicalMinimum: Int64
    /// Logical Maximum (unsigned item value unless Logical Minimum is negative; see parser).
    public let logicalMaximum: Int64
    /// Physical Minimum.
    public let physicalMinimum: Int64
    /// Physical Maximum (same sign rule as Logical Maximum, keyed on Physical Minimum).
    public let physicalMaximum: Int64
    /// Unit Exponent, already decoded from the nibble form (0x0D = −3).
    public let unitExponent: Int
    /// Unit.
    public let unit: HIDUnit
    /// Innermost enclosing collection (index into `HIDReportDescriptor.collections`), nil at top level.
    public let collectionIndex: Int?
    /// Nearest enclosing Application collection index, nil if none (Linux's "application").
    public let applicationCollectionIndex: Int?
    /// Designator Index, or Designator Minimum…Maximum, if declared.
    public let designatorIndices: ClosedRange<UInt32>?
    /// String Index, or String Minimum…Maximum, if declared.
    public let stringIndices: ClosedRange<UInt32>?

    /// Builds a field (the parser does this; public so tests and tools can build layouts).
    /// Offset, size and count are clamped to non-negative, bounded values.
    public init(index: Int, descriptorOffset: Int, bitOffset: Int, bitSize: Int, count: Int,
                flags: HIDMainItemFlags, usages: HIDUsageList,
                logicalMinimum: Int64, logicalMaximum: Int64,
                physicalMinimum: Int64, physicalMaximum: Int64,
                unitExponent: Int, unit: HIDUnit,
                collectionIndex: Int?, applicationCollectionIndex: Int?,
                designatorIndices: ClosedRange<UInt32>? = nil, stringIndices: ClosedRange<UInt32>? = nil) {
        self.index = index
        self.descriptorOffset = descriptorOffset
        // Clamped so that offset + element × size can never overflow or go negative, even for a
        // hand-built field (the parser's own limits are far tighter).
        self.bitOffset = min(max(0, bitOffset), 1 << 40)
        self.bitSize = min(max(0, bitSize), 1 << 16)
        self.count = min(max(0, count), 1 << 20)
        self.flags = flags
        self.usages = usages
        self.logicalMinimum = logicalMinimum
        self.logicalMaximum = logicalMaximum
        self.physicalMinimum = physicalMinimum
        self.physicalMaximum = physicalMaximum
        self.unitExponent = unitExponent
        self.unit = unit
        self.collectionIndex = collectionIndex
        self.applicationCollectionIndex = applicationCollectionIndex
        self.designatorIndices = designatorIndices
        self.stringIndices = stringIndices
    }

    /// A copy of the field at another position in its report.
    func renumbered(_ position: Int) -> HIDField {
        HIDField(index: position, descriptorOffset: descriptorOffset, bitOffset: bitOffset, bitSize: bitSize,
                 count: count, flags: flags, usages: usages, logicalMinimum: logicalMinimum,
                 logicalMaximum: logicalMaximum, physicalMinimum: physicalMinimum,
                 physicalMaximum: physicalMaximum, unitExponent: unitExponent, unit: unit,
                 collectionIndex: collectionIndex, applicationCollectionIndex: applicationCollectionIndex,
                 designatorIndices: designatorIndices, stringIndices: stringIndices)
    }

    /// Constant (padding) field.
    public var isConstant: Bool { flags.contains(.constant) }
    /// Variable field: one value per usage.
    public var isVariable: Bool { flags.contains(.variable) }
    /// Array field: values are indices selecting usages.
    public var isArray: Bool { !flags.contains(.variable) }
    /// Relative values (deltas), e.g. a mouse.
    public var isRelative: Bool { flags.contains(.relative) }
    /// Out-of-range values mean "no data".
    public var hasNullState: Bool { flags.contains(.nullState) }
    /// Values are sign-extended two's complement (Logical Minimum < 0, as Linux decides).
    public var isSigned: Bool { logicalMinimum < 0 }
    /// Total bits covered (`bitSize × count`).
    public var totalBits: Int { bitSize * count }
    /// True when the field carries nothing a driver could use: constant, no usages, or zero width.
    public var isPadding: Bool { isConstant || usages.isEmpty || bitSize == 0 || count == 0 }

    /// The usage of variable element `element`, repeating the last usage for extra elements
    /// (Linux `hid_add_field`). Nil for array fields or a field without usages.
    public func usage(ofElement element: Int) -> HIDUsage? {
        guard isVariable, element >= 0, element < count, !usages.isEmpty else { return nil }
        return usages[min(element, usages.count - 1)]
    }

    /// The usage an array value selects, or nil when the value is outside the logical range
    /// ("no usage active", e.g. 0 with Logical Minimum 1) or past the declared usages.
    public func usage(forArrayValue value: Int64) -> HIDUsage? {
        guard isArray, value >= logicalMinimum, value <= logicalMaximum else { return nil }
        let (index, overflow) = value.subtractingReportingOverflow(logicalMinimum)
        guard !overflow, index >= 0, index < Int64(usages.count) else { return nil }
        return usages[Int(index)]
    }

    /// True when `value` lies inside the logical range.
    public func isInLogicalRange(_ value: Int64) -> Bool {
        value >= logicalMinimum && value <= logicalMaximum
    }

    /// Logical value mapped onto the physical range and scaled by 10^unitExponent, in `unit`.
    ///
    /// When Physical Minimum and Maximum are both 0 the specification says physical = logical.
    /// Nil when the logical range is degenerate. Useful for resolution in inches or centimetres.
    public func physicalValue(_ logical: Int64) -> Double? {
        let lmin = Double(logicalMinimum), lmax = Double(logicalMaximum)
        var pmin = Double(physicalMinimum), pmax = Double(physicalMaximum)
        if physicalMinimum == 0 && physicalMaximum == 0 { pmin = lmin; pmax = lmax }
        guard lmax > lmin else { return nil }
        let scaled = (Double(logical) - lmin) * (pmax - pmin) / (lmax - lmin) + pmin
        return scaled * pow(10, Double(unitExponent))
    }

    /// Logical units per physical unit (Linux `hidinput_calc_abs_res`), e.g. counts per inch
    /// when the unit is inches. Nil without a usable physical range.
    public var resolution: Double? {
        guard physicalMaximum > physicalMinimum, logicalMaximum > logicalMinimum else { return nil }
        let physicalSpan = Double(physicalMaximum - physicalMinimum) * pow(10, Double(unitExponent))
        guard physicalSpan > 0 else { return nil }
        return Double(logicalMaximum - logicalMinimum) / physicalSpan
    }
}

/// The layout of one report: its type, ID and ordered fields.
///
/// Built by `HIDReportDescriptor`; everything needed to cut a received report into values.
public struct HIDReportLayout: Sendable, Hashable {
    /// Input, output or feature.
    public let type: HIDReportType
    /// Report ID, 0 when the device does not use IDs (then reports carry no prefix byte).
    public let reportID: UInt8
    /// True if the device uses report IDs, so every report on the wire starts with the ID byte.
    public let usesReportIDs: Bool
    /// Fields in bit order, including padding.
    public let fields: [HIDField]
    /// Total body length in bits (sum of all fields).
    public let bitLength: Int
    /// Collections of the whole descriptor (shared storage), so fields can resolve their path.
    public let collections: [HIDCollection]

    /// Builds a layout (the parser does this).
    public init(type: HIDReportType, reportID: UInt8, usesReportIDs: Bool, fields: [HIDField],
                bitLength: Int, collections: [HIDCollection]) {
        self.type = type
        self.reportID = reportID
        self.usesReportIDs = usesReportIDs
        // `HIDField.index` must equal the field's position, since values and profiles refer to
        // fields by it; a hand-built layout with other indices is renumbered rather than trusted.
        self.fields = fields.enumerated().map { position, field in
            field.index == position ? field : field.renumbered(position)
        }
        self.bitLength = bitLength
        self.collections = collections
    }

    /// Body length in bytes: ceil(bits / 8).
    public var bodyLength: Int { (bitLength + 7) / 8 }
    /// Length on the wire: body plus the ID byte when the device uses report IDs.
    public var wireLength: Int { bodyLength + (usesReportIDs ? 1 : 0) }

    /// Enclosing collections of `field`, outermost first.
    public func collectionPath(of field: HIDField) -> [HIDCollection] {
        var path: [HIDCollection] = []
        var next = field.collectionIndex
        // Parents always have smaller indices, so this walk terminates; the guard also bounds it.
        while let index = next, index >= 0, index < collections.count, path.count <= collections.count {
            path.append(collections[index])
            next = collections[index].parent
        }
        return path.reversed()
    }

    /// Usage of the application collection the field belongs to, if any.
    public func applicationUsage(of field: HIDField) -> HIDUsage? {
        guard let index = field.applicationCollectionIndex, index >= 0, index < collections.count else { return nil }
        return collections[index].usage
    }
}
