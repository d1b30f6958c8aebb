import Foundation

/// Decoder for ID TECH SecureMag / SecureHead encrypting readers (VID 0x0ACD PID 0x2010, "HID,
/// ID TECH structure"; or any transport that carries the same STX frame).
///
/// **HID unwrapping** (card-readers.md §4.1): each input report is
///
/// | Offset | Size | Field |
/// |---|---|---|
/// | 0–6 | 7 | track statuses, track lengths, card encode type (repeated inside the frame; ignored) |
/// | 7–8 | 2 | number of valid output bytes in this report |
/// | 9… | ≤ 504 | output data: the encrypted frame, or the next piece of it |
///
/// The manual excerpt does not give the byte order of the output length; little-endian (ID
/// TECH's habit) is read first, big-endian only when the little-endian value cannot fit the
/// report. A frame longer than one report's output data continues in the next report(s); the
/// pieces are joined in a bounded, zero-on-release buffer until the frame's own length is
/// reached, then the frame is checked (STX, ETX, LRC, sum) and decoded (`IDTechFrame`).
///
/// **Failures**, never crashes: a report too short for its header or length, a frame that
/// announces more than `maxFrameLength`, bad check bytes, inconsistent fields → `.unreadable`; a
/// piece that does not start a frame while none is pending → `.unreadable`, or
/// `.readerNeedsService(.encryptionDisabled)` when it is plain track text (a reader set to send
/// clear data). When the reader goes idle mid-frame, `flush()` reports the loss.
public struct IDTechSecureMagDecoder: CardReaderDecoder, CustomStringConvertible, CustomReflectable {
    public static let driverName = "idtech-securemag"
    /// Largest frame accepted: three raw 255-byte tracks with ciphertext, hashes, serial and KSN fit.
    public static let maxFrameLength = 2048
    static let hidHeaderLength = 9

    public enum Transport: Sendable, Hashable {
        /// ID TECH HID structure: 9-byte header, then output data (PID 0x2010).
        case hidReports
        /// Frame bytes as they arrive, in chunks of any size up to `maxFrameLength` (serial
        /// ports, emulation).
        case stream
    }

    public let transport: Transport
    /// Trusted leading digits of the masked PAN; with ID TECH's `*` mask the mask itself shows them.
    public let maskPolicy: MaskedPANPolicy
    /// Layout of the last frame decoded (nil before one, or when the frame was unusable).
    public private(set) var lastFormat: IDTechFrameFormat?
    /// Pending frame bytes. Twice the largest frame, so a frame plus the start of the next fit.
    private var buffer = CardScratchBuffer(capacity: 2 * IDTechSecureMagDecoder.maxFrameLength)

    public init(transport: Transport = .hidReports, maskPolicy: MaskedPANPolicy = .idTechDefault) {
        self.transport = transport
        self.maskPolicy = maskPolicy
    }

    public var description: String { "IDTechSecureMagDecoder(\(buffer.count) bytes pending)" }
    public var customMirror: Mirror { Mirror(self, children: ["pending": buffer.count], displayStyle: .struct) }

    /// Bytes of a frame in progress.
    public var pendingBytes: Int { buffer.count }

    public mutating func reset() {
        uniqueBuffer().wipe()
        lastFormat = nil
    }

    public mutating func consume(report: [UInt8]) -> CardReaderEvent? {
        switch transport {
        case .stream:
            guard !report.isEmpty else { return nil }
            return report.withUnsafeBytes { receive($0) }
        case .hidReports:
            guard let count = Self.outputLength(report) else {
                uniqueBuffer().wipe()
                return .failed(.unreadable)
            }
            guard count > 0 else { return nil }
            return report.withUnsafeBytes {
                receive(UnsafeRawBufferPointer(rebasing: $0[Self.hidHeaderLength..<Self.hidHeaderLength + count]))
            }
        }
    }

    /// Idle: a complete frame still queued is reported; a partial one is lost and reported as such.
    public mutating func flush() -> CardReaderEvent? {
        if let event = takeFrame() { return event }
        guard buffer.count > 0 else { return nil }
        uniqueBuffer().wipe()
        return .failed(.unreadable)
    }

    /// Valid output bytes of a HID report, or nil when the report cannot be one.
    static func outputLength(_ report: [UInt8]) -> Int? {
        guard report.count >= hidHeaderLength else { return nil }
        let room = report.count - hidHeaderLength
        let little = Int(report[7]) | Int(report[8]) << 8
        let big = Int(report[7]) << 8 | Int(report[8])
        if little <= room { return little }
        if big <= room { return big }
        return nil
    }

    // MARK: - Reassembly

    private mutating func receive(_ chunk: UnsafeRawBufferPointer) -> CardReaderEvent? {
        if buffer.count == 0, chunk.first != IDTechFrame.stx {
            return .failed(Self.looksLikeClearTracks(chunk) ? .readerNeedsService(.encryptionDisabled) : .unreadable)
        }
        let buf = uniqueBuffer()
        guard buf.count + chunk.count <= buf.capacity else {
            buf.wipe()
            return .failed(.unreadable)
        }
        for c in chunk { _ = buf.append(c) }
        return takeFrame()
    }

    /// Decodes the first frame in the buffer once all of it is there. Bytes after it are kept
    /// when they start another frame, dropped otherwise.
    private mutating func takeFrame() -> CardReaderEvent? {
        let buf = uniqueBuffer()
        guard let total = buf.withUnsafeBytes({ IDTechFrame.announcedLength($0) }) else { return nil }
        guard total <= Self.maxFrameLength else {
            buf.wipe()
            lastFormat = nil
            return .failed(.unreadable)
        }
        guard buf.count >= total else { return nil }
        let (format, event) = buf.withUnsafeBytes {
            IDTechFrame.decode(UnsafeRawBufferPointer(rebasing: $0[0..<total]), policy: maskPolicy,
                               driverName: Self.driverName)
        }
        lastFormat = format
        let rest = CardScratchBuffer(capacity: buf.capacity)
        buf.withUnsafeBytes { b in
            if b.count > total, b[total] == IDTechFrame.stx {
                for c in b[total...] { _ = rest.append(c) }
            }
        }
        buf.wipe()
        buffer = rest
        return event
    }

    private mutating func uniqueBuffer() -> CardScratchBuffer {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
        return buffer
    }

    /// Plain track text (`%…?` or `;…?`, printable ASCII): the reader is not encrypting.
    static func looksLikeClearTracks(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let first = b.first, first == 0x25 || first == 0x3B else { return false }
        return b.contains(0x3F) && b.allSatisfy { (0x20...0x7E).contains($0) || $0 == 0x0D || $0 == 0x0A }
    }
}

extension IDTechSecureMagDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.cardReader
    public static let models = [DeviceModel(vendorID: 0x0acd, productID: 0x2010, name: "ID TECH SecureMag (encrypting)")]
    /// The frame may span several HID reports; a swipe is finished when the reader falls idle.
    public static let setup = DriverSetup.cardReader(reportLength: 1_024, idleFlush: true,
                                                     decoder: { IDTechSecureMagDecoder(transport: .hidReports) })
    public static let emulation = DriverEmulation.encryptedReports
}
