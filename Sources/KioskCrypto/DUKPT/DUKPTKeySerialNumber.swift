/// What the key serial numbers of both DUKPT variants (``TDESDUKPT/KSN``, ``AESDUKPT/KSN``) are:
/// a fixed number of bytes, sent in clear by the device, carrying a transaction counter.
///
/// Reading one from hex, printing it and counting its counter's one-bits are the same for both,
/// so they live here once; where the counter sits and its limits belong to each variant.
public protocol DUKPTKeySerialNumber: Sendable, Hashable, CustomStringConvertible {
    /// The KSN's length in bytes.
    static var byteCount: Int { get }
    /// The bytes as the device sent them.
    var bytes: [UInt8] { get }
    /// The transaction counter.
    var counter: UInt32 { get }
    /// Accepts exactly ``byteCount`` bytes.
    init(_ bytes: [UInt8]) throws(DUKPTError)
}

extension DUKPTKeySerialNumber {
    /// Parses `2 × byteCount` hex digits (spaces allowed), as readers print KSNs.
    public init(hex: String) throws(DUKPTError) {
        try self.init(DUKPTHex.decode(hex, field: "KSN"))
    }

    /// Number of one-bits in the counter; more than the variant's `maximumCounterOneBits` means
    /// the KSN is bad.
    public var counterOneBits: Int { counter.nonzeroBitCount }

    /// The KSN is not secret, so it prints as hex.
    public var description: String { DUKPTHex.encode(bytes) }
}

extension DUKPTKeySerialNumber {
    /// `bytes`, once their length is the variant's: what each variant's `init(_:)` stores.
    static func checkedLength(_ bytes: [UInt8]) throws(DUKPTError) -> [UInt8] {
        guard bytes.count == byteCount else {
            throw .invalidKSNLength(expected: byteCount, actual: bytes.count)
        }
        return bytes
    }
}
