extension AESDUKPT {
    /// An AES DUKPT key serial number (X9.24-3-2017): 8-byte initial key ID ‖ 32-bit counter.
    ///
    /// The initial key ID is the BDK ID (4 bytes) followed by the derivation ID (4 bytes). The KSN
    /// is not secret and prints as hex; the counter is judged when deriving (``DUKPT/CounterCheck``).
    public struct KSN: DUKPTKeySerialNumber {
        /// An AES KSN is always 12 bytes.
        public static let byteCount = 12
        /// The initial key ID is the first 8 bytes.
        public static let initialKeyIDLength = 8
        /// Devices skip counters with more one-bits than this, which bounds derivation to 16 steps.
        public static let maximumCounterOneBits = 16

        /// The 12 bytes as the device sent them.
        public let bytes: [UInt8]

        public init(_ bytes: [UInt8]) throws(DUKPTError) {
            self.bytes = try Self.checkedLength(bytes)
        }

        /// Builds the KSN of an initial key ID and a counter, e.g. for an emulated device.
        public init(initialKeyID: [UInt8], counter: UInt32) throws(DUKPTError) {
            guard initialKeyID.count == Self.initialKeyIDLength else {
                throw .invalidKSNLength(expected: Self.byteCount, actual: initialKeyID.count + 4)
            }
            self.bytes = initialKeyID + Self.bigEndian(counter)
        }

        /// The 8-byte initial key ID: which BDK (first 4 bytes) and which device key (last 4 bytes).
        public var initialKeyID: [UInt8] { Array(bytes[0..<8]) }

        /// The transaction counter (big-endian, last 4 bytes).
        public var counter: UInt32 {
            bytes[8..<12].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        }

        /// The same initial key with another counter.
        public func withCounter(_ counter: UInt32) -> KSN {
            KSN(unchecked: initialKeyID + Self.bigEndian(counter))
        }

        /// Throws unless a device could have produced this counter: non-zero, at most 16 one-bits.
        public func validateCounter() throws(DUKPTError) {
            try Self.counterRule.validate(counter)
        }

        /// The KSN a device uses for its next transaction, skipping counters with more than 16
        /// one-bits. Throws ``DUKPTError/counterExhausted`` after the last usable counter (0xFFFF0000).
        public func next() throws(DUKPTError) -> KSN {
            withCounter(try Self.counterRule.counter(after: counter))
        }

        /// The whole 32-bit counter field is usable.
        private static let counterRule = KSNCounterRule(maximumOneBits: maximumCounterOneBits, maximumCounter: .max)

        private init(unchecked bytes: [UInt8]) {
            self.bytes = bytes
        }

        static func bigEndian(_ value: UInt32) -> [UInt8] {
            [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
        }
    }
}
