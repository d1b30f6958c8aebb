import Foundation

/// Upper bounds applied while parsing, so a hostile or broken descriptor costs bounded time and
/// memory. Defaults follow the Linux HID core where it has a limit, and are generous elsewhere.
public struct HIDParserLimits: Sendable, Hashable {
    /// Longest descriptor accepted. USB's `wDescriptorLength` is 16 bits, so 65535.
    public var maxDescriptorLength: Int = 65_535
    /// Most items accepted.
    public var maxItems: Int = 65_535
    /// Push depth (Linux `HID_GLOBAL_STACK_SIZE` = 4).
    public var maxGlobalStackDepth: Int = 4
    /// Deepest collection nesting accepted.
    public var maxCollectionDepth: Int = 64
    /// Most collections accepted.
    public var maxCollections: Int = 4_096
    /// Most Usage / Usage Minimum…Maximum entries before one Main item (Linux `HID_MAX_USAGES`).
    public var maxUsagesPerMainItem: Int = 12_288
    /// Largest Report Size in bits (Linux rejects > 256).
    public var maxReportSize: Int = 256
    /// Largest Report Count (Linux `HID_MAX_USAGES`).
    public var maxReportCount: Int = 12_288
    /// Longest report body in bits (Linux: a 16384-byte buffer minus the ID byte).
    public var maxReportBits: Int = (16_384 - 1) * 8
    /// Most fields in one report (Linux `HID_MAX_FIELDS` = 256).
    public var maxFieldsPerReport: Int = 256

    /// The defaults above.
    public static let `default` = HIDParserLimits()

    /// Builds limits with the defaults; adjust the properties afterwards.
    public init() {}
}

/// A parsed HID report descriptor: every input, output and feature report with its field layout,
/// plus the collection tree.
///
/// This is what lets the kiosk drive any class-compliant signature pad or pen tablet from its
/// descriptor alone. The algorithm follows the HID 1.11 specification and, where the spec is
/// silent or devices are commonly wrong, the Linux HID core (`drivers/hid/hid-core.c`), because
/// descriptors in the field are tested against Linux and Windows, not against the spec text.
/// Each deliberate quirk is explained at the point where it is handled.
public struct HIDReportDescriptor: Sendable, Hashable {
    /// The descriptor as received.
    public let bytes: [UInt8]
    /// Number of items (short and long) in the descriptor.
    public let itemCount: Int
    /// All collections in declaration order; `HIDField.collectionIndex` points here.
    public let collections: [HIDCollection]
    /// All reports, in the order of their first appearance in the descriptor.
    public let reports: [HIDReportLayout]
    /// True if any Report ID item appeared.
    public let usesReportIDs: Bool

    /// Parses `bytes`.
    ///
    /// Throws `HIDDescriptorError` (with the byte offset of the bad item) for anything the Linux
    /// HID core would also refuse, and for input beyond `limits`. Never traps.
    public init(_ bytes: [UInt8], limits: HIDParserLimits = .default) throws(HIDDescriptorError) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= limits.maxDescriptorLength else {
            throw .descriptorTooLong(length: bytes.count, limit: limits.maxDescriptorLength)
        }
        var parser = Parser(limits: limits)
        var position = 0
        var items = 0
        // Every pass consumes ≥ 1 byte (readItem returns encodedLength ≥ 1), so this terminates.
        while position < bytes.count {
            guard items < limits.maxItems else { throw .tooManyItems(offset: position, limit: limits.maxItems) }
            let item = try HIDItem.readItem(in: bytes, at: position)
            try parser.handle(item)
            items += 1
            position += item.encodedLength
        }
        try parser.finish()

        self.bytes = bytes
        self.itemCount = items
        self.collections = parser.collections
        self.usesReportIDs = parser.sawReportID
        let collections = parser.collections
        self.reports = parser.reports.map { builder in
            HIDReportLayout(type: builder.type, reportID: builder.id,
                            usesReportIDs: parser.numbered.contains(builder.type),
                            fields: builder.fields, bitLength: builder.bits, collections: collections)
        }
    }

    /// The layout of report `id` of `type` (use id 0 for a device without report IDs).
    public func report(_ type: HIDReportType, id: UInt8) -> HIDReportLayout? {
        reports.first { $0.type == type && $0.reportID == id }
    }

    /// All layouts of one type.
    public func reports(ofType type: HIDReportType) -> [HIDReportLayout] {
        reports.filter { $0.type == type }
    }

    /// The layout a received report belongs to: by its first byte when that report type is
    /// numbered, else the single ID-0 layout. Nil for an empty report or an unknown ID.
    public func layout(forReport report: [UInt8], type: HIDReportType = .input) -> HIDReportLayout? {
        let layouts = reports(ofType: type)
        guard let first = layouts.first else { return nil }
        if first.usesReportIDs {
            guard let id = report.first else { return nil }
            return layouts.first { $0.reportID == id }
        }
        return layouts.first { $0.reportID == 0 }
    }

    /// Decodes a received report of `type` (report-ID prefix handled). Nil if no layout matches.
    public func decode(_ report: [UInt8], type: HIDReportType = .input) -> HIDDecodedReport? {
        guard let layout = layout(forReport: report, type: type) else { return nil }
        return layout.decode(report)
    }
}

// MARK: - Parser state machine

/// Mutable state while walking the items. Internal: callers only see the finished descriptor.
private struct Parser {
    /// The global item table (HID 1.11 §6.2.2.7). Copied whole by Push and restored by Pop.
    struct Globals {
        var usagePage: UInt16 = 0
        var logicalMinimum: Int64 = 0
        var logicalMaximum: Int64 = 0
        var physicalMinimum: Int64 = 0
        var physicalMaximum: Int64 = 0
        var unitExponent: Int = 0
        var unit: UInt32 = 0
        var reportSize: Int = 0
        var reportID: UInt8 = 0
        var reportCount: Int = 0
    }

    /// Local items, reset after every Main item.
    struct Locals {
        var usages: [HIDUsageRange] = []
        var usageMinimum: (value: UInt32, size: Int)?
        var designatorIndex: UInt32?
        var designatorMinimum: UInt32?
        var designatorMaximum: UInt32?
        var stringIndex: UInt32?
        var stringMinimum: UInt32?
        var stringMaximum: UInt32?
        var delimiterDepth = 0
        var delimiterBranch = 0
        var delimiterOffset = 0
    }

    /// A report being assembled: its own bit cursor and fields.
    struct ReportBuilder {
        let type: HIDReportType
        let id: UInt8
        var bits = 0
        var fields: [HIDField] = []
    }

    struct ReportKey: Hashable {
        let type: HIDReportType
        let id: UInt8
    }

    let limits: HIDParserLimits
    var globals = Globals()
    var globalStack: [Globals] = []
    var locals = Locals()
    var collections: [HIDCollection] = []
    var openCollections: [Int] = []
    var reports: [ReportBuilder] = []
    var reportIndex: [ReportKey: Int] = [:]
    var numbered: Set<HIDReportType> = []
    var sawReportID = false

    init(limits: HIDParserLimits) {
        self.limits = limits
    }

    mutating func handle(_ item: HIDItem) throws(HIDDescriptorError) {
        // Long items: the spec defines none and says parsers must skip them. (Linux instead
        // rejects the whole descriptor; skipping is the spec's rule and harmless since no
        // long item can change the layout.)
        if item.isLong { return }
        switch item.type {
        case .main: try handleMain(item)
        case .global: try handleGlobal(item)
        case .local: try handleLocal(item)
        // Reserved item type: skipped, as Linux does (`hid_parser_reserved`).
        case .reserved: return
        }
    }

    mutating func finish() throws(HIDDescriptorError) {
        if !openCollections.isEmpty { throw .unclosedCollections(count: openCollections.count) }
        if locals.delimiterDepth > 0 { throw .unclosedDelimiter(offset: locals.delimiterOffset) }
    }

    // MARK: Global items

    mutating func handleGlobal(_ item: HIDItem) throws(HIDDescriptorError) {
        switch item.tag {
        case 0x0:
            // Usage Page is 16 bits; a 4-byte item's high half has no meaning (Linux shifts it
            // out when combining with usage IDs), so it is dropped.
            globals.usagePage = UInt16(truncatingIfNeeded: item.unsignedValue)
        case 0x1:
            globals.logicalMinimum = Int64(item.signedValue)
        case 0x2:
            // Quirk: devices routinely write e.g. Logical Maximum 255 as the 1-byte item `25 FF`,
            // which as a signed byte would be −1. Like Linux (`hid_parser_global`), read the
            // maximum as signed only when the current minimum is negative, otherwise unsigned.
            // The decision is made when the item is read, exactly as Linux does.
            globals.logicalMaximum = globals.logicalMinimum < 0
                ? Int64(item.signedValue) : Int64(item.unsignedValue)
        case 0x3:
            globals.physicalMinimum = Int64(item.signedValue)
        case 0x4:
            // Same sign rule as Logical Maximum, keyed on Physical Minimum (Linux does the same).
            globals.physicalMaximum = globals.physicalMinimum < 0
                ? Int64(item.signedValue) : Int64(item.unsignedValue)
        case 0x5:
            // Quirk: HID 1.11 §6.2.2.7 defines Unit Exponent as a 4-bit signed nibble (0x0D = −3),
            // but many devices write a whole signed byte (0xFD = −3). Linux: if the raw signed
            // value fits in the low nibble, decode it as a nibble; otherwise take it as a signed
            // integer. Both encodings then mean −3.
            let raw = item.signedValue
            if raw & ~0xF == 0 {
                globals.unitExponent = raw >= 8 ? Int(raw) - 16 : Int(raw)
            } else {
                globals.unitExponent = Int(raw)
            }
        case 0x6:
            globals.unit = item.unsignedValue
        case 0x7:
            globals.reportSize = try Self.bounded(item, by: limits.maxReportSize, else: HIDDescriptorError.reportSizeTooLarge)
        case 0x8:
            // ID 0 is reserved (it means "no ID") and the wire prefix is one byte.
            let value = item.unsignedValue
            guard value >= 1, value <= 255 else { throw .invalidReportID(offset: item.offset, value: value) }
            globals.reportID = UInt8(value)
            sawReportID = true
        case 0x9:
            globals.reportCount = try Self.bounded(item, by: limits.maxReportCount, else: HIDDescriptorError.reportCountTooLarge)
        case 0xA:
            // Push beyond the stack depth is an error, not a silent drop: the matching Pop would
            // otherwise restore the wrong table and every later field would be mis-described.
            guard globalStack.count < limits.maxGlobalStackDepth else {
                throw .pushOverflow(offset: item.offset, limit: limits.maxGlobalStackDepth)
            }
            globalStack.append(globals)
        case 0xB:
            // Pop without Push: there is no table to restore, so the layout would be guesswork.
            guard let saved = globalStack.popLast() else { throw .popUnderflow(offset: item.offset) }
            globals = saved
        default:
            throw .unknownGlobalItem(offset: item.offset, tag: item.tag)
        }
    }

    // MARK: Local items

    /// A size or count item's value, refused above its limit: an attacker's descriptor must not
    /// make us allocate for a report larger than any device sends.
    static func bounded(
        _ item: HIDItem, by limit: Int, else tooLarge: (_ offset: Int, _ value: UInt32, _ limit: Int) -> HIDDescriptorError
    ) throws(HIDDescriptorError) -> Int {
        let value = item.unsignedValue
        guard Int(value) <= limit else { throw tooLarge(item.offset, value, limit) }
        return Int(value)
    }

    mutating func handleLocal(_ item: HIDItem) throws(HIDDescriptorError) {
        let value = item.unsignedValue
        switch item.tag {
        case 0x0:
            // Only the first delimiter set is used (Linux ignores alternative usages).
            guard locals.delimiterBranch <= 1 else { return }
            try addUsageRange(firstValue: value, firstSize: item.data.count,
                              lastValue: value, lastSize: item.data.count, at: item.offset)
        case 0x1:
            guard locals.delimiterBranch <= 1 else { return }
            locals.usageMinimum = (value, item.data.count)
        case 0x2:
            guard locals.delimiterBranch <= 1 else { return }
            // A Maximum without a Minimum ranges from 0, as in Linux (its minimum defaults to 0).
            let minimum = locals.usageMinimum ?? (0, 0)
            try addUsageRange(firstValue: minimum.value, firstSize: minimum.size,
                              lastValue: value, lastSize: item.data.count, at: item.offset)
        case 0x3: locals.designatorIndex = value
        case 0x4: locals.designatorMinimum = value
        case 0x5: locals.designatorMaximum = value
        case 0x7: locals.stringIndex = value
        case 0x8: locals.stringMinimum = value
        case 0x9: locals.stringMaximum = value
        case 0xA:
            if value != 0 {
                guard locals.delimiterDepth == 0 else { throw .nestedDelimiter(offset: item.offset) }
                locals.delimiterDepth += 1
                locals.delimiterBranch += 1
                locals.delimiterOffset = item.offset
            } else {
                guard locals.delimiterDepth > 0 else { throw .unmatchedDelimiterClose(offset: item.offset) }
                locals.delimiterDepth -= 1
            }
        default:
            // Unknown local tags are ignored (Linux warns and continues): locals cannot change
            // the bit layout, so the report layout stays trustworthy.
            return
        }
    }

    /// Adds one usage (first == last) or a Usage Minimum…Maximum range.
    ///
    /// Quirk: a 4-byte usage carries its own page in the high 16 bits and is never re-paged. For a
    /// range, if either bound is 4-byte the range is extended and takes that bound's page (the
    /// maximum's when both are). A 1- or 2-byte usage takes the page current *now*; a later Usage
    /// Page before the Main item may still re-page it (see `completeLastUsagePage`).
    mutating func addUsageRange(firstValue: UInt32, firstSize: Int, lastValue: UInt32, lastSize: Int,
                                at offset: Int) throws(HIDDescriptorError) {
        guard locals.usages.count < limits.maxUsagesPerMainItem else {
            throw .tooManyUsages(offset: offset, limit: limits.maxUsagesPerMainItem)
        }
        let extended = firstSize > 2 || lastSize > 2
        let page: UInt16
        if lastSize > 2 {
            page = UInt16(truncatingIfNeeded: lastValue >> 16)
        } else if firstSize > 2 {
            page = UInt16(truncatingIfNeeded: firstValue >> 16)
        } else {
            page = globals.usagePage
        }
        let low = UInt16(truncatingIfNeeded: firstValue)
        let high = UInt16(truncatingIfNeeded: lastValue)
        // Minimum above Maximum declares no usages (Linux's expansion loop simply runs zero times).
        guard low <= high else { return }
        locals.usages.append(HIDUsageRange(page: page, minimum: low, maximum: high, isExtended: extended))
    }

    /// HID 1.11 §6.2.2.8 says a 1/2-byte usage is combined with the *last declared* page, and some
    /// descriptors put the Usage Page after their usages. Linux (`hid_concatenate_last_usage_page`)
    /// walks the pending usages backwards, re-paging them with the current page, and stops at the
    /// first one that already has it — so a trailing Usage Page applies, while a genuinely mixed
    /// list (page, usage, page, usage) stays mixed. Done at every Main item.
    mutating func completeLastUsagePage() {
        let page = globals.usagePage
        var index = locals.usages.count - 1
        while index >= 0 {
            if !locals.usages[index].isExtended {
                if locals.usages[index].page == page { break }
                locals.usages[index].page = page
            }
            index -= 1
        }
    }

    // MARK: Main items

    mutating func handleMain(_ item: HIDItem) throws(HIDDescriptorError) {
        completeLastUsagePage()
        switch item.tag {
        case 0x8: try addField(item, type: .input)
        case 0x9: try addField(item, type: .output)
        case 0xB: try addField(item, type: .feature)
        case 0xA: try openCollection(item)
        case 0xC:
            // End Collection with nothing open: Linux fails the descriptor ("collection stack
            // underflow"); continuing would attach later fields to a wrong parent.
            guard openCollections.popLast() != nil else {
                throw .endCollectionWithoutCollection(offset: item.offset)
            }
        default:
            // Reserved main tags are ignored, as Linux does; locals are still cleared below.
            break
        }
        locals = Locals()
    }

    mutating func openCollection(_ item: HIDItem) throws(HIDDescriptorError) {
        guard openCollections.count < limits.maxCollectionDepth else {
            throw .collectionTooDeep(offset: item.offset, limit: limits.maxCollectionDepth)
        }
        guard collections.count < limits.maxCollections else {
            throw .tooManyCollections(offset: item.offset, limit: limits.maxCollections)
        }
        let usage: HIDUsage? = locals.usages.first.map { $0.usage(at: 0) }
        let index = collections.count
        collections.append(HIDCollection(index: index, type: HIDCollectionType(rawValue: UInt8(truncatingIfNeeded: item.unsignedValue)),
                                         usage: usage, parent: openCollections.last,
                                         depth: openCollections.count, offset: item.offset))
        openCollections.append(index)
    }

    mutating func addField(_ item: HIDItem, type: HIDReportType) throws(HIDDescriptorError) {
        let key = ReportKey(type: type, id: globals.reportID)
        let slot: Int
        if let existing = reportIndex[key] {
            slot = existing
        } else {
            slot = reports.count
            reports.append(ReportBuilder(type: type, id: globals.reportID))
            reportIndex[key] = slot
            // Linux marks each report type "numbered" once a non-zero ID is used with it; a
            // numbered report then carries its ID as the first byte on the wire.
            if globals.reportID != 0 { numbered.insert(type) }
        }
        // Logical Maximum below Minimum makes every value meaningless; Linux rejects it.
        guard globals.logicalMaximum >= globals.logicalMinimum else {
            throw .invalidLogicalRange(offset: item.offset, minimum: globals.logicalMinimum,
                                       maximum: globals.logicalMaximum)
        }
        // Both factors are capped (≤ 256 and ≤ 12288), so this cannot overflow.
        let width = globals.reportSize * globals.reportCount
        let offset = reports[slot].bits
        let total = offset + width
        guard total <= limits.maxReportBits else {
            throw .reportTooLong(offset: item.offset, type: type, reportID: globals.reportID,
                                 bits: total, limitBits: limits.maxReportBits)
        }
        reports[slot].bits = total
        // Quirk: Report Size 0 or Report Count 0 is legal and occupies no bits. Such an item
        // registers its report (so the ID exists) but adds no field — there is nothing to read.
        guard width > 0 else { return }
        guard reports[slot].fields.count < limits.maxFieldsPerReport else {
            throw .tooManyFields(offset: item.offset, limit: limits.maxFieldsPerReport)
        }
        var application: Int?
        for index in openCollections.reversed() where collections[index].type == .application {
            application = index
            break
        }
        let field = HIDField(
            index: reports[slot].fields.count, descriptorOffset: item.offset, bitOffset: offset,
            bitSize: globals.reportSize, count: globals.reportCount,
            flags: HIDMainItemFlags(rawValue: item.unsignedValue),
            usages: HIDUsageList(locals.usages),
            logicalMinimum: globals.logicalMinimum, logicalMaximum: globals.logicalMaximum,
            physicalMinimum: globals.physicalMinimum, physicalMaximum: globals.physicalMaximum,
            unitExponent: globals.unitExponent, unit: HIDUnit(rawValue: globals.unit),
            collectionIndex: openCollections.last, applicationCollectionIndex: application,
            designatorIndices: Self.range(locals.designatorIndex, locals.designatorMinimum, locals.designatorMaximum),
            stringIndices: Self.range(locals.stringIndex, locals.stringMinimum, locals.stringMaximum))
        reports[slot].fields.append(field)
    }

    /// A single index wins; otherwise Minimum…Maximum when both are present and ordered.
    static func range(_ single: UInt32?, _ minimum: UInt32?, _ maximum: UInt32?) -> ClosedRange<UInt32>? {
        if let single { return single...single }
        if let minimum, let maximum, minimum <= maximum { return minimum...maximum }
        return nil
    }
}
