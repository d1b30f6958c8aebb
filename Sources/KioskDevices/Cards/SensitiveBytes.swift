import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Clear card bytes (a track, a PAN, discretionary data) in storage this object owns alone.
///
/// * The storage is a private heap allocation, never a Swift `Array` or `String`, so no copy-on-write
///   copies or bridged strings of the content are left behind by the type itself.
/// * It is overwritten with zeros by `wipe()` and again on `deinit`, through a zeroing call the
///   optimiser may not remove (`explicit_bzero` / `memset_s`).
/// * It never shows its content: `description`, `debugDescription` and `customMirror` (used by
///   `dump`, `print`, string interpolation and debuggers) all read `<sensitive, N bytes>`.
/// * The only way to see the bytes is `withUnsafeBytes`, for the parser and, later, the sealer.
///   Do not let the buffer pointer, or a `String`/`Array` made from it, outlive the closure.
///
/// Sendability: the class is `@unchecked Sendable` because the storage pointer and its length never
/// change after `init`, and the only mutation of the pointed-to bytes — `wipe()` — takes the same
/// lock as `withUnsafeBytes`. A reader therefore sees either the whole content or all zeros, never a
/// half-wiped buffer, and `deinit` runs only when no other reference (hence no reader) exists.
public final class SensitiveBytes: @unchecked Sendable {
    private let storage: UnsafeMutableRawPointer
    /// Number of bytes held. Stays the same after `wipe()` (the bytes become zeros).
    public let count: Int
    private let lock = NSLock()
    private var wiped = false

    /// Copies `bytes` into fresh storage. The caller remains responsible for its own copy.
    public init(copying bytes: UnsafeRawBufferPointer) {
        count = bytes.count
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        if let base = bytes.baseAddress, count > 0 {
            storage.copyMemory(from: base, byteCount: count)
        }
    }

    /// Copies `bytes` into fresh storage. Prefer `init(copying:)` from a buffer you wipe yourself;
    /// this convenience is for tests and for data that is already in an array the caller wipes.
    public convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { out in bytes.withUnsafeBytes { out.copyMemory(from: $0) } }
    }

    /// Copies `bytes[range]` of a raw buffer.
    convenience init(copying bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.init(copying: UnsafeRawBufferPointer(rebasing: bytes[range]))
    }

    /// Allocates `count` zero bytes and lets `fill` write them before anyone else can see the object.
    init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        self.count = count
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
        fill(UnsafeMutableRawBufferPointer(start: storage, count: count))
    }

    deinit {
        SensitiveBytes.zero(storage, count: max(count, 1))
        storage.deallocate()
    }

    /// True once `wipe()` has run.
    public var isWiped: Bool {
        lock.lock(); defer { lock.unlock() }
        return wiped
    }

    /// Overwrites the content with zeros now. Later reads see `count` zero bytes.
    public func wipe() {
        lock.lock(); defer { lock.unlock() }
        SensitiveBytes.zero(storage, count: max(count, 1))
        wiped = true
    }

    /// Calls `body` with the content. The pointer is valid only inside `body`; do not store it or
    /// copies of the content. The lock is held while `body` runs, so do not call `wipe()` from it.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        lock.lock(); defer { lock.unlock() }
        return try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Compares contents in time that depends only on the lengths.
    public func constantTimeEquals(_ other: SensitiveBytes) -> Bool {
        if other === self { return true }
        return withUnsafeBytes { a in
            other.withUnsafeBytes { b in
                guard a.count == b.count else { return false }
                var diff: UInt8 = 0
                for i in 0..<a.count { diff |= a[i] ^ b[i] }
                return diff == 0
            }
        }
    }

    static func zero(_ pointer: UnsafeMutableRawPointer, count: Int) {
        guard count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(pointer, count, 0, count)
        #elseif canImport(Glibc) || canImport(Musl)
        explicit_bzero(pointer, count)
        #else
        let bytes = pointer.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count { bytes[i] = 0 }
        #endif
    }
}

extension SensitiveBytes: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "<sensitive, \(count) bytes>" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}

/// A fixed-capacity, zero-on-release byte buffer with value semantics (copy on write), used by
/// decoders to collect clear characters between reports. `@unchecked Sendable` for the same reason
/// `Array`'s storage is: the owner mutates it only after `isKnownUniquelyReferenced` (or a copy),
/// so a buffer reachable from another thread is never mutated.
final class CardScratchBuffer: @unchecked Sendable {
    let capacity: Int
    private(set) var count = 0
    private let storage: UnsafeMutableRawPointer

    init(capacity: Int) {
        self.capacity = capacity
        storage = UnsafeMutableRawPointer.allocate(byteCount: max(capacity, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0, count: max(capacity, 1))
    }

    deinit {
        SensitiveBytes.zero(storage, count: max(capacity, 1))
        storage.deallocate()
    }

    func copy() -> CardScratchBuffer {
        let c = CardScratchBuffer(capacity: capacity)
        c.storage.copyMemory(from: storage, byteCount: count)
        c.count = count
        return c
    }

    /// Appends one byte; false (and nothing stored) when full.
    func append(_ byte: UInt8) -> Bool {
        guard count < capacity else { return false }
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
        return true
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Zeros the used part and empties the buffer.
    func wipe() {
        SensitiveBytes.zero(storage, count: max(count, 1))
        count = 0
    }

}

extension CardScratchBuffer: CustomStringConvertible, CustomReflectable {
    var description: String { "<sensitive, \(count) bytes>" }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .class) }
}
