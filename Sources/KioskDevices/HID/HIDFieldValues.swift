import Foundation

/// One value cut out of a received report: a variable element, or one slot of an array field.
///
/// Carries the usage already resolved so the pen driver can look values up by meaning (X, tip
/// switch) rather than by position.
public struct HIDFieldValue: Sendable, Hashable {
    /// Index of the field in `HIDReportLayout.fields`.
    public let fieldIndex: Int
    /// Element index inside the field (0 ..< count).
    public let element: Int
    /// Logical value: sign-extended when the field is signed (Logical Minimum < 0).
    public let value: Int64
    /// The raw bits as received (low 64 bits of the element), before sign extension.
    public let rawBits: UInt64
    /// Variable field: the element's usage. Array field: the usage the value selects, or nil when
    /// the value selects none (outside the logical range, e.g. 0 with Logical Minimum 1).
    public let usage: HIDUsage?
    /// True for a slot of an array field (the value is an index, `usage` is what it selects).
    public let isArrayIndex: Bool
    /// False when the report was shorter than the layout and some of these bits were missing
    /// (missing bits read as 0, as Linux zero-fills a short report).
    public let isComplete: Bool
    /// True for a variable value of a Null-state field that lies outside the logical range:
    /// the device is saying "no data", not reporting a number.
    public let isNull: Bool

    /// Builds a value (the decoder does this).
    public init(fieldIndex: Int, element: Int, value: Int64, rawBits: UInt64, usage: HIDUsage?,
                isArrayIndex: Bool, isComplete: Bool, isNull: Bool) {
        self.fieldIndex = fieldIndex
        self.element = element
        self.value = value
        self.rawBits = rawBits
        self.usage = usage
        self.isArrayIndex = isArrayIndex
        self.isComplete = isComplete
        self.isNull = isNull
    }
}

/// A received report cut into values by its layout.
public struct HIDDecodedReport: Sendable, Hashable {
    /// Report type.
    public let type: HIDReportType
    /// Report ID (0 when the report type is not numbered).
    public let reportID: UInt8
    /// Values of every field that has usages and a width, in report order. Pure padding (no
    /// usages, or zero width) is left out because it carries nothing.
    public let values: [HIDFieldValue]
    /// Body bits the layout expects.
    public let expectedBits: Int
    /// Body bits actually received (excluding the ID byte).
    public let receivedBits: Int

    /// Builds a decoded report (the decoder does this).
    public init(type: HIDReportType, reportID: UInt8, values: [HIDFieldValue], expectedBits: Int, receivedBits: Int) {
        self.type = type
        self.reportID = reportID
        self.values = values
        self.expectedBits = expectedBits
        self.receivedBits = receivedBits
    }

    /// True when the report was shorter than its layout (some values are incomplete).
    public var isTruncated: Bool { receivedBits < expectedBits }

    /// The first variable value whose usage is `usage`, nil if the report has none.
    public func variableValue(of usage: HIDUsage) -> HIDFieldValue? {
        values.first { !$0.isArrayIndex && $0.usage == usage }
    }

    /// True when `usage` is "on": a non-zero variable value, or an array slot selecting it.
    /// How buttons and tip switches are read regardless of whether the device used an array
    /// (Waltop) or one bit per switch (UC-Logic).
    public func isActive(_ usage: HIDUsage) -> Bool {
        values.contains { $0.usage == usage && $0.isComplete && !$0.isNull && ($0.isArrayIndex || $0.value != 0) }
    }
}

/// Little-endian bit-field reading shared by the decoder and tests.
public enum HIDBits {
    /// Reads `bitSize` bits starting at `bitOffset` from `bytes`, treating `bytes` as one
    /// little-endian integer (bit 0 = LSB of byte 0), as HID reports are laid out.
    ///
    /// At most 64 bits are returned (the low ones); bits past the end of `bytes` read as 0 so a
    /// short report never causes an out-of-bounds read. `complete` tells whether every requested
    /// bit was present.
    public static func extract<C: RandomAccessCollection>(_ bytes: C, bitOffset: Int, bitSize: Int)
        -> (bits: UInt64, complete: Bool) where C.Element == UInt8, C.Index == Int
    {
        guard bitSize > 0, bitOffset >= 0 else { return (0, true) }
        let available = bytes.count * 8
        let complete = bitOffset <= available && bitSize <= available - bitOffset
        let wanted = min(bitSize, 64)
        var result: UInt64 = 0
        var got = 0
        var bit = bitOffset
        while got < wanted {
            let byteIndex = bit >> 3
            let shift = bit & 7
            let take = min(8 - shift, wanted - got)
            if byteIndex < bytes.count {
                let byte = UInt64(bytes[bytes.startIndex + byteIndex])
                let chunk = (byte >> UInt64(shift)) & ((1 << UInt64(take)) - 1)
                result |= chunk << UInt64(got)
            } else {
                break // the rest reads as zero
            }
            got += take
            bit += take
        }
        return (result, complete)
    }

    /// Two's-complement sign extension of the low `bitSize` bits (a no-op for ≥ 64 bits).
    public static func signExtend(_ bits: UInt64, bitSize: Int) -> Int64 {
        guard bitSize > 0, bitSize < 64 else { return Int64(bitPattern: bits) }
        let shift = UInt64(64 - bitSize)
        return Int64(bitPattern: bits << shift) >> Int64(shift)
    }
}

extension HIDReportLayout {
    /// Decodes a report as received on the wire: strips and checks the ID byte when this report
    /// type is numbered. Nil if the report is empty while an ID is expected, or carries another ID.
    public func decode(_ report: [UInt8]) -> HIDDecodedReport? {
        if usesReportIDs {
            guard let id = report.first, id == reportID else { return nil }
            return decode(body: report.dropFirst())
        }
        return decode(body: report[...])
    }

    /// Decodes a report body (ID byte already removed).
    ///
    /// A body shorter than the layout still decodes: missing bits read as 0 and the affected
    /// values say `isComplete == false`, so a caller can refuse them. Extra trailing bytes are
    /// ignored (some devices pad reports to the endpoint size).
    public func decode(body: ArraySlice<UInt8>) -> HIDDecodedReport {
        let normalized = Array(body)
        var values: [HIDFieldValue] = []
        for field in fields where !field.usages.isEmpty && field.bitSize > 0 {
            for element in 0..<field.count {
                values.append(value(of: field, element: element, inBody: normalized))
            }
        }
        return HIDDecodedReport(type: type, reportID: reportID, values: values,
                                expectedBits: bitLength, receivedBits: normalized.count * 8)
    }

    /// One element of one field from a body (ID byte already removed).
    public func value(of field: HIDField, element: Int, inBody body: [UInt8]) -> HIDFieldValue {
        let (bits, complete) = HIDBits.extract(body, bitOffset: field.bitOffset + element * field.bitSize,
                                               bitSize: field.bitSize)
        // Linux sign-extends exactly when Logical Minimum is negative; otherwise the bits are an
        // unsigned number (a 64-bit unsigned value above Int64.max would show as negative here;
        // `rawBits` keeps it intact).
        let value = field.isSigned ? HIDBits.signExtend(bits, bitSize: min(field.bitSize, 64))
                                   : Int64(bitPattern: bits)
        if field.isArray {
            return HIDFieldValue(fieldIndex: field.index, element: element, value: value, rawBits: bits,
                                 usage: field.usage(forArrayValue: value), isArrayIndex: true,
                                 isComplete: complete, isNull: false)
        }
        let isNull = field.hasNullState && !field.isInLogicalRange(value)
        return HIDFieldValue(fieldIndex: field.index, element: element, value: value, rawBits: bits,
                             usage: field.usage(ofElement: element), isArrayIndex: false,
                             isComplete: complete, isNull: isNull)
    }
}
