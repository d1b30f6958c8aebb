/// Puts input reports longer than one interrupt packet back together, by the sizes the report
/// descriptor declares (what the kernel's usbhid gets from a URB sized for the largest report).
///
/// On a full-speed bus an interrupt endpoint moves at most its max packet size (often 64
/// bytes) per packet; a longer report — N-Trig's 198-byte touch report, Wacom's 192-byte
/// vendor report — arrives as several packets. Taking each packet as a report is wrong twice
/// over: the long report is lost, and a later piece that happens to start with the pen's
/// report ID is read as a pen sample. The assembler takes transfer chunks (what each interrupt
/// transfer returned) and gives whole reports:
///
/// - A chunk read while no report is in progress starts one: its first byte is the report ID
///   (when the device uses IDs) and the descriptor says how long that report is on the wire
///   (ID byte included). Without IDs there is one input report and one size.
/// - Bytes are collected until that size; a completed report is handed out. Bytes after it in
///   the same chunk are ignored (as usbhid ignores what follows the report in a URB; some
///   devices pad every report to a full packet) and counted as `trailingBytes`.
/// - A chunk whose length is not a whole number of packets (a short packet, or a zero-length
///   one) ends the transfer. A report still incomplete then is padded with zeros to its size,
///   as `hid_report_raw_event` does for a short report — unless all that came was the report ID
///   byte, which carries nothing to read and is dropped (`idOnly`): zeros there would read as
///   a pen at the origin.
/// - A chunk starting a report whose ID the descriptor does not declare is dropped whole
///   (`unknownReportID`), with any partial state.
///
/// Any input is safe: sizes, IDs and chunk lengths are all bounds-checked; nothing traps.
public struct HIDReportAssembler: Sendable, Hashable {
    /// Why bytes were thrown away (each counted in `drops`).
    public enum Drop: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// A report started with an ID the descriptor has no input report for.
        case unknownReportID = "unknown_report_id"
        /// A transfer ended after the report ID byte alone.
        case idOnly = "id_only"
        /// Bytes followed a complete report in the same chunk.
        case trailingBytes = "trailing_bytes"

        /// A sentence for the log.
        public var description: String {
            switch self {
            case .unknownReportID: return "a report started with an ID the report descriptor does not declare; its bytes were dropped"
            case .idOnly: return "a transfer ended after the report ID alone; the empty report was dropped"
            case .trailingBytes: return "bytes after a complete report in the same transfer were ignored"
            }
        }
    }

    /// True when every report starts with its ID byte.
    public let usesReportIDs: Bool
    /// Wire length (ID byte included) of each input report by ID; key 0 without IDs.
    public let reportSizes: [UInt8: Int]
    /// The endpoint's max packet size: a chunk that is not a multiple of it ends a transfer.
    public let maxPacketSize: Int
    /// Reports that ended early (short packet) and were padded with zeros.
    public private(set) var padded = 0
    /// Thrown-away chunks or bytes, by reason.
    public private(set) var drops: [Drop: Int] = [:]

    private var pending: [UInt8] = []
    private var expected = 0

    /// An assembler for a device with report IDs: `reportSizes` maps each input report ID to
    /// its wire length (ID byte included). Sizes below 1 are ignored.
    public init(reportSizes: [UInt8: Int], maxPacketSize: Int) {
        self.usesReportIDs = true
        self.reportSizes = reportSizes.filter { $0.value >= 1 }
        self.maxPacketSize = max(1, maxPacketSize)
    }

    /// An assembler for a device without report IDs: one input report of `reportSize` bytes.
    public init(reportSize: Int, maxPacketSize: Int) {
        self.usesReportIDs = false
        self.reportSizes = reportSize >= 1 ? [0: reportSize] : [:]
        self.maxPacketSize = max(1, maxPacketSize)
    }

    /// The assembler for `descriptor`'s input reports, or nil when it declares none.
    public init?(descriptor: HIDReportDescriptor, maxPacketSize: Int) {
        let inputs = descriptor.reports(ofType: .input).filter { $0.wireLength >= 1 }
        guard !inputs.isEmpty else { return nil }
        if descriptor.usesReportIDs {
            self.init(reportSizes: Dictionary(inputs.map { ($0.reportID, $0.wireLength) }, uniquingKeysWith: max),
                      maxPacketSize: maxPacketSize)
        } else {
            self.init(reportSize: inputs.map(\.wireLength).max() ?? 1, maxPacketSize: maxPacketSize)
        }
    }

    /// True while a report has started and not yet completed.
    public var isPartial: Bool { !pending.isEmpty }

    /// Forgets a report in progress (the reader restarted, or a transfer failed).
    public mutating func reset() {
        pending = []
        expected = 0
    }

    /// Takes one transfer's bytes and returns the reports it completed (zero or one, in order).
    public mutating func feed(_ chunk: [UInt8]) -> [[UInt8]] {
        let endsTransfer = chunk.count % maxPacketSize != 0 || chunk.isEmpty
        var reports: [[UInt8]] = []
        var rest = chunk[...]
        if !rest.isEmpty {
            if pending.isEmpty {
                let id = usesReportIDs ? rest[rest.startIndex] : 0
                guard let size = reportSizes[id] else {
                    count(.unknownReportID)
                    reset()
                    return reports
                }
                expected = size
            }
            let take = min(expected - pending.count, rest.count)
            pending.append(contentsOf: rest.prefix(take))
            rest = rest.dropFirst(take)
            if pending.count >= expected {
                reports.append(pending)
                reset()
                if !rest.isEmpty { count(.trailingBytes) }
            }
        }
        if endsTransfer && !pending.isEmpty {
            if usesReportIDs && pending.count <= 1 {
                count(.idOnly)
            } else {
                pending.append(contentsOf: repeatElement(0, count: max(0, expected - pending.count)))
                reports.append(pending)
                padded += 1
            }
            reset()
        }
        return reports
    }

    private mutating func count(_ reason: Drop) {
        drops[reason, default: 0] += 1
    }
}
