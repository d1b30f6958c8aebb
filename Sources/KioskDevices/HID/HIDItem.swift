import Foundation

/// The `bType` field of a short item's prefix byte (HID 1.11 §6.2.2.2).
///
/// Kept as its own type so the parser can dispatch on it exhaustively; `reserved` exists because
/// hostile or broken descriptors do contain type 3 and we must skip it rather than crash.
public enum HIDItemType: UInt8, Sendable, Hashable, CaseIterable {
    /// Input, Output, Feature, Collection, End Collection.
    case main = 0
    /// State that persists until changed (usage page, ranges, report size/ID/count, Push/Pop).
    case global = 1
    /// State cleared after every Main item (usages, designators, strings, delimiters).
    case local = 2
    /// Not defined by the specification; skipped like Linux does.
    case reserved = 3
}

/// One item of a HID report descriptor, short or long, with the byte offset where it starts.
///
/// Items are kept as raw tag + payload (not interpreted) so the same reader serves the layout
/// parser, diagnostics and tests; the offset travels with every item so errors can point at the
/// exact byte that was wrong.
public struct HIDItem: Sendable, Hashable {
    /// Byte offset of the prefix byte inside the descriptor.
    public let offset: Int
    /// Item type. Long items report `.reserved` (their prefix has bType 3) — check `isLong` first.
    public let type: HIDItemType
    /// `bTag` for short items (0…15); the long-item tag byte for long items.
    public let tag: UInt8
    /// The payload, little-endian as on the wire. 0, 1, 2 or 4 bytes for short items; 0…255 for long.
    public let data: [UInt8]
    /// True for a long item (prefix 0xFE). No long items are defined, so the parser skips them.
    public let isLong: Bool

    /// Builds an item; normally only the descriptor reader does this (public for tests and tools).
    public init(offset: Int, type: HIDItemType, tag: UInt8, data: [UInt8], isLong: Bool = false) {
        self.offset = offset
        self.type = type
        self.tag = tag
        self.data = data
        self.isLong = isLong
    }

    /// Number of bytes the item occupies in the descriptor (prefix + header + payload).
    public var encodedLength: Int { isLong ? 3 + data.count : 1 + data.count }

    /// The payload read as an unsigned little-endian number (at most the first 4 bytes).
    ///
    /// Zero-length items mean 0 (HID 1.11 §6.2.2.4), which several real descriptors rely on
    /// (`0x14` = Logical Minimum 0, `0xA0` = Collection Physical).
    public var unsignedValue: UInt32 {
        var value: UInt32 = 0
        for (index, byte) in data.prefix(4).enumerated() {
            value |= UInt32(byte) << (8 * UInt32(index))
        }
        return value
    }

    /// The payload read as a two's-complement number of the item's own width (1, 2 or 4 bytes).
    ///
    /// This is what "signed item data" means in the specification: `0xFF` in a 1-byte item is −1,
    /// while the same value in a 2-byte item (`FF 00`) is +255.
    public var signedValue: Int32 {
        switch min(data.count, 4) {
        case 0: return 0
        case 1: return Int32(Int8(bitPattern: data[0]))
        case 2: return Int32(Int16(bitPattern: UInt16(truncatingIfNeeded: unsignedValue)))
        default: return Int32(bitPattern: unsignedValue)
        }
    }

    /// Splits a descriptor into items without interpreting them.
    ///
    /// Never reads past the end: a truncated trailing item throws `truncatedItem` with its offset.
    /// Every iteration consumes at least one byte, so the loop always terminates, and `maxItems`
    /// bounds memory for hostile input.
    /// - Parameters:
    ///   - bytes: the raw report descriptor.
    ///   - maxItems: refuse descriptors with more items than this (see `HIDParserLimits`).
    public static func items(in bytes: [UInt8], maxItems: Int = HIDParserLimits.default.maxItems)
        throws(HIDDescriptorError) -> [HIDItem]
    {
        var items: [HIDItem] = []
        items.reserveCapacity(min(bytes.count, 1024))
        var position = 0
        while position < bytes.count {
            if items.count >= maxItems {
                throw .tooManyItems(offset: position, limit: maxItems)
            }
            let item = try readItem(in: bytes, at: position)
            items.append(item)
            position += item.encodedLength
        }
        return items
    }

    /// Reads the single item starting at `offset`.
    ///
    /// Short items: the low two prefix bits give 0, 1, 2 or **4** payload bytes (3 means 4).
    /// Long items: prefix 0xFE, then a size byte, a tag byte and `size` payload bytes.
    public static func readItem(in bytes: [UInt8], at offset: Int) throws(HIDDescriptorError) -> HIDItem {
        guard offset >= 0, offset < bytes.count else {
            throw .truncatedItem(offset: offset, needed: 1, available: max(0, bytes.count - max(offset, 0)))
        }
        let prefix = bytes[offset]
        let available = bytes.count - offset
        if prefix == 0xFE {
            guard available >= 3 else {
                throw .truncatedItem(offset: offset, needed: 3, available: available)
            }
            let size = Int(bytes[offset + 1])
            let tag = bytes[offset + 2]
            guard available >= 3 + size else {
                throw .truncatedItem(offset: offset, needed: 3 + size, available: available)
            }
            return HIDItem(offset: offset, type: .reserved, tag: tag,
                           data: Array(bytes[(offset + 3)..<(offset + 3 + size)]), isLong: true)
        }
        let sizeCode = Int(prefix & 0x03)
        let size = sizeCode == 3 ? 4 : sizeCode
        guard available >= 1 + size else {
            throw .truncatedItem(offset: offset, needed: 1 + size, available: available)
        }
        // `prefix >> 2 & 3` is always 0…3, so the force-unwrap-free fallback is never taken.
        let type = HIDItemType(rawValue: (prefix >> 2) & 0x03) ?? .reserved
        return HIDItem(offset: offset, type: type, tag: prefix >> 4,
                       data: Array(bytes[(offset + 1)..<(offset + 1 + size)]))
    }
}
