/// The counter rules TDES (X9.24-1) and AES (X9.24-3) key serial numbers share, in one place:
/// devices never use counter 0, skip every counter with more than a variant's limit of one-bits,
/// and stop at the largest counter the variant's KSN can carry.
///
/// The variants differ only in where the counter sits in the KSN bytes and in the two limits, so
/// each ``TDESDUKPT/KSN`` and ``AESDUKPT/KSN`` reads and writes its own counter and asks this rule
/// whether a counter is valid and which one comes next.
struct KSNCounterRule: Sendable {
    /// Devices skip counters with more one-bits than this.
    let maximumOneBits: Int
    /// The largest counter the KSN's counter field holds.
    let maximumCounter: UInt32

    /// Throws unless a device could have produced `counter`: non-zero, within the one-bit limit.
    func validate(_ counter: UInt32) throws(DUKPTError) {
        guard counter != 0 else { throw .counterZero }
        let oneBits = counter.nonzeroBitCount
        guard oneBits <= maximumOneBits else {
            throw .tooManyCounterBits(counter: counter, oneBits: oneBits, limit: maximumOneBits)
        }
    }

    /// The counter a device uses after `counter`, skipping those with too many one-bits.
    /// Throws ``DUKPTError/counterExhausted`` after the last usable counter.
    func counter(after counter: UInt32) throws(DUKPTError) -> UInt32 {
        var next = UInt64(counter) + 1
        while next.nonzeroBitCount > maximumOneBits {
            next += next & (~next &+ 1)
        }
        guard next <= UInt64(maximumCounter) else { throw .counterExhausted }
        return UInt32(next)
    }
}
