/// Wacom's vendor usage pages, mapped back to the standard usages they stand for.
///
/// Some tablets (Intuos Pro PTH-660 and its family) describe the pen only on the vendor page
/// 0xFF0D: X is FF0D:0130, Tip Switch FF0D:0042 and so on. The Linux kernel reads them through
/// `wacom_equivalent_usage` (drivers/hid/wacom_wac.c); this is the same rule, so such a tablet
/// is found from its descriptor alone, without a per-model table:
///
/// - On FF0D (Wacom digitizer) the usage ID's high byte names a standard page and its low byte
///   the usage on it (0x0130 → Generic Desktop 0x30, X); high byte 0 means the Digitizer page
///   (0x0042 → 0x0D:0x42, Tip Switch). High bytes 0x04 (pad), 0x09 (buttons), 0x0D and 0x10
///   (digitizer info), and a few single usages the kernel handles as Wacom's own (Sense,
///   Serial High, Tool Type, Distance, touch strips and ring, Report Valid), stay vendor usages.
/// - On FF00 (Wacom touch) the same split applies with no exceptions (high byte 0 → Digitizer).
/// - Every other usage is its own equivalent.
extension HIDUsage {
    /// Wacom's vendor usage pages.
    public enum WacomPage {
        /// Wacom digitizer (pen, pad) usages.
        public static let digitizer: UInt16 = 0xFF0D
        /// Wacom touch usages.
        public static let touch: UInt16 = 0xFF00
    }

    /// FF0D high bytes whose usages the kernel keeps as Wacom's own (pad, button, digitizer,
    /// digitizer info sub-pages).
    private static let keptWacomSubpages: Set<UInt8> = [0x04, 0x09, 0x0D, 0x10]
    /// Single FF0D usages the kernel keeps as Wacom's own: Sense, Serial High, Tool Type,
    /// Distance, Touch Strip, Touch Strip 2, Touch Ring, Touch Ring Status, Report Valid.
    private static let keptWacomUsages: Set<UInt16> = [0x0036, 0x005C, 0x0077, 0x0132, 0x0136, 0x0137, 0x0138, 0x0139, 0x01D0]

    /// The standard usage a Wacom vendor usage stands for, or the usage itself.
    public var equivalent: HIDUsage {
        let subpage = UInt8(truncatingIfNeeded: id >> 8)
        let low = id & 0xFF
        switch page {
        case WacomPage.digitizer:
            if Self.keptWacomSubpages.contains(subpage) || Self.keptWacomUsages.contains(id) { return self }
            return HIDUsage(page: subpage == 0 ? Page.digitizer : UInt16(subpage), id: low)
        case WacomPage.touch:
            return HIDUsage(page: subpage == 0 ? Page.digitizer : UInt16(subpage), id: low)
        default:
            return self
        }
    }

    /// This usage and every vendor usage whose `equivalent` is this usage, in the order a
    /// lookup should try them (the standard one first). At most four.
    public var equivalents: [HIDUsage] {
        guard id <= 0xFF, page <= 0xFF else { return [self] }
        let high = page == Page.digitizer ? 0 : page << 8
        var candidates = [HIDUsage(page: WacomPage.digitizer, id: high | id), HIDUsage(page: WacomPage.touch, id: high | id)]
        // On FF00 the Digitizer page may also be named outright (high byte 0x0D).
        if page == Page.digitizer { candidates.append(HIDUsage(page: WacomPage.touch, id: 0x0D00 | id)) }
        return [self] + candidates.filter { $0 != self && $0.equivalent == self }
    }
}

extension HIDUsageList {
    /// Logical index of the first usage whose equivalent is `usage` (the earliest element, so a
    /// field naming both the standard and the vendor form is read where it is declared first).
    public func firstIndex(equivalentTo usage: HIDUsage) -> Int? {
        usage.equivalents.compactMap { firstIndex(of: $0) }.min()
    }

    /// True if any usage's equivalent is `usage`.
    public func contains(equivalentTo usage: HIDUsage) -> Bool { firstIndex(equivalentTo: usage) != nil }
}
