import Foundation

/// Why a HID report descriptor was rejected.
///
/// A descriptor comes from whatever is plugged into the kiosk, so every failure is an ordinary
/// value (never a crash) carrying the byte offset of the offending item, and `description` is a
/// sentence an operator can read in a log. Most cases mirror an error the Linux HID core raises for
/// the same input, so a device we reject would not work as a HID device on Linux either.
public enum HIDDescriptorError: Error, Sendable, Hashable, CustomStringConvertible, LocalizedError {
    /// The descriptor has no bytes at all (usually a failed GET_DESCRIPTOR).
    case empty
    /// The descriptor is longer than the configured limit (USB caps it at 65535 bytes).
    case descriptorTooLong(length: Int, limit: Int)
    /// An item's header or payload runs past the end of the descriptor.
    case truncatedItem(offset: Int, needed: Int, available: Int)
    /// More items than the configured limit.
    case tooManyItems(offset: Int, limit: Int)
    /// A Global item with a reserved tag: its effect on parser state is unknown, so the layout
    /// cannot be trusted (Linux refuses these too).
    case unknownGlobalItem(offset: Int, tag: UInt8)
    /// Report ID 0 is reserved and IDs above 255 cannot be sent in the one-byte prefix.
    case invalidReportID(offset: Int, value: UInt32)
    /// Report Size above the limit (Linux: 256 bits).
    case reportSizeTooLarge(offset: Int, value: UInt32, limit: Int)
    /// Report Count above the limit (Linux: 12288).
    case reportCountTooLarge(offset: Int, value: UInt32, limit: Int)
    /// Push with the global-state stack already full.
    case pushOverflow(offset: Int, limit: Int)
    /// Pop with nothing pushed.
    case popUnderflow(offset: Int)
    /// End Collection with no open Collection.
    case endCollectionWithoutCollection(offset: Int)
    /// Collections nested deeper than the limit.
    case collectionTooDeep(offset: Int, limit: Int)
    /// More collections than the limit.
    case tooManyCollections(offset: Int, limit: Int)
    /// The descriptor ended with collections still open.
    case unclosedCollections(count: Int)
    /// A Delimiter open inside an open delimiter set.
    case nestedDelimiter(offset: Int)
    /// A Delimiter close without an open set.
    case unmatchedDelimiterClose(offset: Int)
    /// The descriptor ended inside a delimiter set.
    case unclosedDelimiter(offset: Int)
    /// Logical Maximum below Logical Minimum at a Main item.
    case invalidLogicalRange(offset: Int, minimum: Int64, maximum: Int64)
    /// A report grew beyond the maximum report length.
    case reportTooLong(offset: Int, type: HIDReportType, reportID: UInt8, bits: Int, limitBits: Int)
    /// A report has more fields than the limit (Linux: 256).
    case tooManyFields(offset: Int, limit: Int)
    /// A Main item is preceded by more usage items than the limit.
    case tooManyUsages(offset: Int, limit: Int)

    /// Byte offset of the offending item, when there is one.
    public var offset: Int? {
        switch self {
        case .empty, .descriptorTooLong, .unclosedCollections: return nil
        case .truncatedItem(let o, _, _), .tooManyItems(let o, _), .unknownGlobalItem(let o, _),
             .invalidReportID(let o, _), .reportSizeTooLarge(let o, _, _), .reportCountTooLarge(let o, _, _),
             .pushOverflow(let o, _), .popUnderflow(let o), .endCollectionWithoutCollection(let o),
             .collectionTooDeep(let o, _), .tooManyCollections(let o, _), .nestedDelimiter(let o),
             .unmatchedDelimiterClose(let o), .unclosedDelimiter(let o), .invalidLogicalRange(let o, _, _),
             .reportTooLong(let o, _, _, _, _), .tooManyFields(let o, _), .tooManyUsages(let o, _):
            return o
        }
    }

    /// A sentence for logs and operator screens.
    public var description: String {
        switch self {
        case .empty:
            return "The HID report descriptor is empty."
        case .descriptorTooLong(let length, let limit):
            return "The HID report descriptor is \(length) bytes long, more than the \(limit) bytes accepted."
        case .truncatedItem(let o, let needed, let available):
            return "The item at byte \(o) needs \(needed) bytes but only \(available) remain in the descriptor."
        case .tooManyItems(let o, let limit):
            return "The descriptor has more than \(limit) items (stopped at byte \(o))."
        case .unknownGlobalItem(let o, let tag):
            return "The global item at byte \(o) has reserved tag \(tag), so its meaning is unknown."
        case .invalidReportID(let o, let value):
            return "The Report ID at byte \(o) is \(value); report IDs must be 1 to 255."
        case .reportSizeTooLarge(let o, let value, let limit):
            return "The Report Size at byte \(o) is \(value) bits; at most \(limit) bits are accepted."
        case .reportCountTooLarge(let o, let value, let limit):
            return "The Report Count at byte \(o) is \(value); at most \(limit) is accepted."
        case .pushOverflow(let o, let limit):
            return "The Push at byte \(o) exceeds the global stack depth of \(limit)."
        case .popUnderflow(let o):
            return "The Pop at byte \(o) has no matching Push."
        case .endCollectionWithoutCollection(let o):
            return "The End Collection at byte \(o) has no open Collection."
        case .collectionTooDeep(let o, let limit):
            return "The Collection at byte \(o) nests deeper than \(limit) levels."
        case .tooManyCollections(let o, let limit):
            return "The Collection at byte \(o) exceeds the limit of \(limit) collections."
        case .unclosedCollections(let count):
            return "The descriptor ends with \(count) collection(s) still open."
        case .nestedDelimiter(let o):
            return "The Delimiter at byte \(o) opens a set inside another open set."
        case .unmatchedDelimiterClose(let o):
            return "The Delimiter at byte \(o) closes a set that was never opened."
        case .unclosedDelimiter(let o):
            return "The delimiter set opened at byte \(o) is never closed."
        case .invalidLogicalRange(let o, let minimum, let maximum):
            return "The item at byte \(o) declares a logical range \(minimum)…\(maximum) whose maximum is below its minimum."
        case .reportTooLong(let o, let type, let id, let bits, let limitBits):
            return "The item at byte \(o) makes \(type) report \(id) \(bits) bits long; at most \(limitBits) bits are accepted."
        case .tooManyFields(let o, let limit):
            return "The item at byte \(o) adds a field beyond the limit of \(limit) fields per report."
        case .tooManyUsages(let o, let limit):
            return "The item at byte \(o) follows more than \(limit) usage items."
        }
    }

    /// Same sentence as `description`, for Foundation's error reporting.
    public var errorDescription: String? { description }
}
