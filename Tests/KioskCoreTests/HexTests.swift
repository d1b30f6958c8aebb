import Foundation
import Testing
@testable import KioskCore

@Suite("Hex")
struct HexTests {
    @Test("every byte is the two digits Foundation's %02x (and %02X) gives, in order")
    func everyByte() {
        let bytes = (0...255).map { UInt8($0) }
        #expect(Hex.lowercase(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.lowercase(bytes.reversed()) == bytes.reversed().map { String(format: "%02x", $0) }.joined())
        #expect(Hex.uppercase(bytes) == bytes.map { String(format: "%02X", $0) }.joined())
    }

    @Test("no bytes is empty text; a digest is 64 digits")
    func lengths() {
        #expect(Hex.lowercase([UInt8]()).isEmpty)
        #expect(Hex.lowercase([UInt8](repeating: 0xAB, count: 32)) == String(repeating: "ab", count: 32))
    }
}
