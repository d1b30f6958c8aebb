extension TDESDUKPT {
    /// A TDES DUKPT key serial number: 59 bits naming the initial key, 21 bits of transaction counter.
    ///
    /// The KSN is not secret — readers send it in clear with every swipe — so it prints as hex.
    /// Any 10 bytes are accepted here (a reader's padding such as `FFFF…` is part of the KSN); the
    /// counter is judged when deriving, see ``DUKPT/CounterCheck``.
    public struct KSN: DUKPTKeySerialNumber {
        /// A TDES KSN is always 10 bytes.
        public static let byteCount = 10
        /// The largest transaction counter (21 bits).
        public static let maximumCounter: UInt32 = 0x1F_FFFF
        /// Devices skip counters with more one-bits than this, which bounds derivation to 10 steps.
        public static let maximumCounterOneBits = 10

        /// The 10 bytes as the reader sent them.
        public let bytes: [UInt8]

        public init(_ bytes: [UInt8]) throws(DUKPTError) {
            self.bytes = try Self.checkedLength(bytes)
        }

        /// The transaction counter (the rightmost 21 bits).
        public var counter: UInt32 {
            (UInt32(bytes[7] & 0x1F) << 16) | (UInt32(bytes[8]) << 8) | UInt32(bytes[9])
        }

        /// The same KSN with counter 0: what identifies the initial key (and which BDK to use).
        public var initialKSN: KSN { withCounterBits(0) }

        /// The same initial key with another counter, e.g. for an emulated reader's next swipe.
        public func withCounter(_ counter: UInt32) throws(DUKPTError) -> KSN {
            guard counter <= Self.maximumCounter else {
                throw .counterOutOfRange(counter: UInt64(counter), maximum: Self.maximumCounter)
            }
            return withCounterBits(counter)
        }

        /// Throws unless a device could have produced this counter: non-zero, at most 10 one-bits.
        public func validateCounter() throws(DUKPTError) {
            try Self.counterRule.validate(counter)
        }

        /// The KSN a device uses for its next transaction: counters with more than 10 one-bits are
        /// skipped the way X9.24-1 devices skip them. Throws ``DUKPTError/counterExhausted`` after
        /// the last usable counter (0x1FF800).
        public func next() throws(DUKPTError) -> KSN {
            withCounterBits(try Self.counterRule.counter(after: counter))
        }

        private static let counterRule = KSNCounterRule(maximumOneBits: maximumCounterOneBits, maximumCounter: maximumCounter)

        private func withCounterBits(_ counter: UInt32) -> KSN {
            var copy = bytes
            copy[7] = (copy[7] & 0xE0) | UInt8((counter >> 16) & 0x1F)
            copy[8] = UInt8((counter >> 8) & 0xFF)
            copy[9] = UInt8(counter & 0xFF)
            return KSN(unchecked: copy)
        }

        private init(unchecked bytes: [UInt8]) {
            self.bytes = bytes
        }

        /// The 8 leftmost bytes with the counter bits cleared: the input of IPEK derivation.
        var initialKeyRegister: [UInt8] {
            var register = Array(bytes[0..<8])
            register[7] &= 0xE0
            return register
        }

        /// The 8 rightmost bytes with the counter bits cleared: the start of the crypto register.
        var rightRegisterBase: UInt64 {
            var value: UInt64 = 0
            for byte in bytes[2..<10] { value = value << 8 | UInt64(byte) }
            return value & ~UInt64(Self.maximumCounter)
        }
    }
}
