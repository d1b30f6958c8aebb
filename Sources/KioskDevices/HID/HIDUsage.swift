import Foundation

/// A HID usage: a 16-bit page and a 16-bit ID (HID Usage Tables).
///
/// Everything the driver knows about a field comes from its usage, so this is the key type for
/// finding X, Y, tip switch and pressure without per-model tables.
public struct HIDUsage: Sendable, Hashable, CustomStringConvertible {
    /// Usage page (e.g. 0x01 Generic Desktop, 0x0D Digitizer).
    public let page: UInt16
    /// Usage ID within the page.
    public let id: UInt16

    /// Builds a usage from its page and ID.
    public init(page: UInt16, id: UInt16) {
        self.page = page
        self.id = id
    }

    /// Builds a usage from the 32-bit "extended" form (page in the high 16 bits).
    public init(extended value: UInt32) {
        self.page = UInt16(truncatingIfNeeded: value >> 16)
        self.id = UInt16(truncatingIfNeeded: value)
    }

    /// The 32-bit extended form, page in the high 16 bits (as a 4-byte Usage item carries it).
    public var extended: UInt32 { UInt32(page) << 16 | UInt32(id) }

    /// `page:id` in hex, for logs.
    public var description: String {
        "0x" + String(page, radix: 16, uppercase: true) + ":0x" + String(id, radix: 16, uppercase: true)
    }

    /// Usage pages the pen driver looks at.
    public enum Page {
        /// Generic Desktop (X, Y, Wheel…).
        public static let genericDesktop: UInt16 = 0x01
        /// Button page: usage n is button n.
        public static let button: UInt16 = 0x09
        /// Digitizer page (pens, touch).
        public static let digitizer: UInt16 = 0x0D
    }

    /// Generic Desktop X (0x01:0x30).
    public static let x = HIDUsage(page: Page.genericDesktop, id: 0x30)
    /// Generic Desktop Y (0x01:0x31).
    public static let y = HIDUsage(page: Page.genericDesktop, id: 0x31)
    /// Generic Desktop Wheel (0x01:0x38).
    public static let wheel = HIDUsage(page: Page.genericDesktop, id: 0x38)
    /// Digitizer (0x0D:0x01) application collection.
    public static let digitizer = HIDUsage(page: Page.digitizer, id: 0x01)
    /// Pen (0x0D:0x02) application collection.
    public static let pen = HIDUsage(page: Page.digitizer, id: 0x02)
    /// Stylus (0x0D:0x20) transducer collection.
    public static let stylus = HIDUsage(page: Page.digitizer, id: 0x20)
    /// Tip Pressure (0x0D:0x30).
    public static let tipPressure = HIDUsage(page: Page.digitizer, id: 0x30)
    /// Barrel Pressure (0x0D:0x31).
    public static let barrelPressure = HIDUsage(page: Page.digitizer, id: 0x31)
    /// In Range (0x0D:0x32): pen in proximity.
    public static let inRange = HIDUsage(page: Page.digitizer, id: 0x32)
    /// Touch (0x0D:0x33): contact, used by pads without a tip switch (ePad).
    public static let touch = HIDUsage(page: Page.digitizer, id: 0x33)
    /// Invert (0x0D:0x3C): eraser end in range.
    public static let invert = HIDUsage(page: Page.digitizer, id: 0x3C)
    /// X Tilt (0x0D:0x3D).
    public static let xTilt = HIDUsage(page: Page.digitizer, id: 0x3D)
    /// Y Tilt (0x0D:0x3E).
    public static let yTilt = HIDUsage(page: Page.digitizer, id: 0x3E)
    /// Tip Switch (0x0D:0x42): pen down.
    public static let tipSwitch = HIDUsage(page: Page.digitizer, id: 0x42)
    /// Barrel Switch (0x0D:0x44): side button.
    public static let barrelSwitch = HIDUsage(page: Page.digitizer, id: 0x44)
    /// Eraser (0x0D:0x45): eraser in contact.
    public static let eraser = HIDUsage(page: Page.digitizer, id: 0x45)
    /// Tablet Pick (0x0D:0x46).
    public static let tabletPick = HIDUsage(page: Page.digitizer, id: 0x46)
    /// Secondary Barrel Switch (0x0D:0x5A).
    public static let secondaryBarrelSwitch = HIDUsage(page: Page.digitizer, id: 0x5A)
}

/// A contiguous run of usages on one page, as produced by one Usage item (length 1) or a
/// Usage Minimum/Maximum pair.
///
/// Ranges are kept compact instead of expanded so that a hostile `Usage Minimum 0 / Maximum 0xFFFF`
/// costs a few bytes, not 65536 entries.
public struct HIDUsageRange: Sendable, Hashable {
    /// Usage page shared by the range.
    public var page: UInt16
    /// First usage ID.
    public var minimum: UInt16
    /// Last usage ID (inclusive, ≥ minimum).
    public var maximum: UInt16
    /// True when the items carried their own page (4-byte form); such usages are never re-paged
    /// by a later Usage Page item.
    public var isExtended: Bool

    /// Builds a range. The parser never builds an empty range (it drops Minimum > Maximum like
    /// Linux); should a caller pass one anyway, `maximum` is clamped up so `count` stays ≥ 1.
    public init(page: UInt16, minimum: UInt16, maximum: UInt16, isExtended: Bool = false) {
        self.page = page
        self.minimum = minimum
        self.maximum = max(minimum, maximum)
        self.isExtended = isExtended
    }

    /// Number of usages in the range (1…65536).
    public var count: Int { Int(maximum) - Int(minimum) + 1 }

    /// The usage at `index` inside the range (caller keeps index < count).
    public func usage(at index: Int) -> HIDUsage {
        HIDUsage(page: page, id: UInt16(truncatingIfNeeded: Int(minimum) + index))
    }

    /// True if the range contains `usage`.
    public func contains(_ usage: HIDUsage) -> Bool {
        usage.page == page && usage.id >= minimum && usage.id <= maximum
    }
}

/// The ordered usages attached to one field, stored as ranges with an index for O(log n) lookup.
///
/// Index i is the i-th usage in declaration order, with ranges expanded logically (not in memory).
public struct HIDUsageList: Sendable, Hashable {
    /// The ranges in declaration order.
    public let ranges: [HIDUsageRange]
    /// `starts[k]` = logical index of the first usage of `ranges[k]`.
    private let starts: [Int]
    /// Total number of usages (sum of range counts).
    public let count: Int

    /// Builds a list from ranges in declaration order.
    public init(_ ranges: [HIDUsageRange]) {
        self.ranges = ranges
        var starts: [Int] = []
        starts.reserveCapacity(ranges.count)
        var total = 0
        for range in ranges {
            starts.append(total)
            total += range.count
        }
        self.starts = starts
        self.count = total
    }

    /// True when the field has no usage (padding, or a data field the descriptor left unnamed).
    public var isEmpty: Bool { count == 0 }

    /// The i-th usage, or nil when out of bounds.
    public subscript(index: Int) -> HIDUsage? {
        guard index >= 0, index < count else { return nil }
        var low = 0
        var high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return ranges[low].usage(at: index - starts[low])
    }

    /// Logical index of the first occurrence of `usage`, or nil.
    public func firstIndex(of usage: HIDUsage) -> Int? {
        for (k, range) in ranges.enumerated() where range.contains(usage) {
            return starts[k] + Int(usage.id) - Int(range.minimum)
        }
        return nil
    }

    /// True if any range contains `usage`.
    public func contains(_ usage: HIDUsage) -> Bool { firstIndex(of: usage) != nil }
}

/// Input/Output/Feature flag bits (HID 1.11 §6.2.2.5). A cleared bit means the first alternative
/// (Data, Array, Absolute, …).
public struct HIDMainItemFlags: OptionSet, Sendable, Hashable {
    /// Raw flag bits from the Main item's payload.
    public let rawValue: UInt32
    /// Wraps raw flag bits.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Constant: padding or fixed data; carries no meaningful value.
    public static let constant = HIDMainItemFlags(rawValue: 1 << 0)
    /// Variable: one value per usage. Cleared means Array: each value selects a usage.
    public static let variable = HIDMainItemFlags(rawValue: 1 << 1)
    /// Relative: value is a change since the last report (mouse). Cleared means Absolute.
    public static let relative = HIDMainItemFlags(rawValue: 1 << 2)
    /// Wrap: value rolls over at the extremes.
    public static let wrap = HIDMainItemFlags(rawValue: 1 << 3)
    /// Non-linear relation between value and measured quantity.
    public static let nonLinear = HIDMainItemFlags(rawValue: 1 << 4)
    /// No preferred state (does not spring back).
    public static let noPreferredState = HIDMainItemFlags(rawValue: 1 << 5)
    /// Null state: values outside the logical range mean "no data".
    public static let nullState = HIDMainItemFlags(rawValue: 1 << 6)
    /// Volatile (Output/Feature only).
    public static let volatile = HIDMainItemFlags(rawValue: 1 << 7)
    /// Buffered bytes instead of a bit field (needs a 2-byte item).
    public static let bufferedBytes = HIDMainItemFlags(rawValue: 1 << 8)
}

/// A HID Unit value: seven signed 4-bit exponents behind a system nibble (HID 1.11 §6.2.2.7).
///
/// Kept raw with accessors so a caller can derive resolution (e.g. counts per inch) without the
/// parser having to know every unit.
public struct HIDUnit: Sendable, Hashable {
    /// The 32-bit value from the Unit item.
    public let rawValue: UInt32
    /// Wraps a raw Unit value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The measurement system nibble.
    public enum System: UInt8, Sendable {
        /// No unit.
        case none = 0
        /// SI linear (centimetre, gram, second…).
        case siLinear = 1
        /// SI rotation (radians).
        case siRotation = 2
        /// English linear (inch, slug…).
        case englishLinear = 3
        /// English rotation (degrees).
        case englishRotation = 4
        /// Vendor-defined.
        case vendor = 0xF
        /// Values 5…14 are reserved.
        case reserved = 0xE
    }

    /// Base quantities in nibble order 1…6 (nibble 7 is reserved).
    public enum Quantity: Int, Sendable, CaseIterable {
        /// Length (cm or inch) or rotation angle for rotation systems.
        case length = 1
        /// Mass.
        case mass = 2
        /// Time (seconds).
        case time = 3
        /// Temperature.
        case temperature = 4
        /// Electric current.
        case current = 5
        /// Luminous intensity.
        case luminousIntensity = 6
    }

    /// No unit at all.
    public static let none = HIDUnit(rawValue: 0)
    /// Centimetres (`65 11`).
    public static let centimeter = HIDUnit(rawValue: 0x11)
    /// Inches (`65 13`).
    public static let inch = HIDUnit(rawValue: 0x13)
    /// Degrees (`65 14`), used for tilt.
    public static let degree = HIDUnit(rawValue: 0x14)

    /// The system nibble.
    public var system: System {
        let nibble = UInt8(rawValue & 0xF)
        return System(rawValue: nibble) ?? (nibble == 0xF ? .vendor : .reserved)
    }

    /// Signed exponent of `quantity` (each nibble is a 4-bit two's-complement number).
    public func exponent(of quantity: Quantity) -> Int {
        let nibble = Int((rawValue >> (4 * UInt32(quantity.rawValue))) & 0xF)
        return nibble >= 8 ? nibble - 16 : nibble
    }
}

/// Collection kinds (HID 1.11 §6.2.2.6). Vendor values 0x80…0xFF and reserved values are kept raw.
public struct HIDCollectionType: RawRepresentable, Sendable, Hashable {
    /// The low byte of the Collection item.
    public let rawValue: UInt8
    /// Wraps a raw collection type.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Physical: a group of axes (e.g. one stylus).
    public static let physical = HIDCollectionType(rawValue: 0)
    /// Application: a top-level device function (pen, mouse) when at depth 0.
    public static let application = HIDCollectionType(rawValue: 1)
    /// Logical: related data.
    public static let logical = HIDCollectionType(rawValue: 2)
    /// Report.
    public static let report = HIDCollectionType(rawValue: 3)
    /// Named array.
    public static let namedArray = HIDCollectionType(rawValue: 4)
    /// Usage switch.
    public static let usageSwitch = HIDCollectionType(rawValue: 5)
    /// Usage modifier.
    public static let usageModifier = HIDCollectionType(rawValue: 6)
}

/// One Collection of the descriptor. Fields refer to collections by index so that a deep
/// descriptor does not copy its collection path into every field.
public struct HIDCollection: Sendable, Hashable {
    /// Index of this collection in `HIDReportDescriptor.collections`.
    public let index: Int
    /// Collection kind.
    public let type: HIDCollectionType
    /// The first usage declared before the Collection item (nil if none).
    public let usage: HIDUsage?
    /// Index of the enclosing collection, nil at top level.
    public let parent: Int?
    /// Nesting depth (0 = top level).
    public let depth: Int
    /// Byte offset of the Collection item.
    public let offset: Int

    /// Builds a collection record (the parser does this).
    public init(index: Int, type: HIDCollectionType, usage: HIDUsage?, parent: Int?, depth: Int, offset: Int) {
        self.index = index
        self.type = type
        self.usage = usage
        self.parent = parent
        self.depth = depth
        self.offset = offset
    }
}
