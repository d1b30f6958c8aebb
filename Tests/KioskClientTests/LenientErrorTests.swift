import Foundation
import Testing
@testable import KioskClient
import KioskProtocol

/// The client's lenient reading of `error` keeps every member the front shows: an
/// `invalid_pin`'s reason was dropped here once, and the front could only say "that PIN
/// cannot be used" instead of which rule it broke.
@Suite struct LenientErrorTests {
    @Test("invalid_pin keeps its reason; attempts_left and retry_after are kept too")
    func keepsData() throws {
        let pin = try JSONDecoder().decode(LenientError.self, from: Data(#"{"code":-32013,"message":"m","data":{"kind":"invalid_pin","reason":"run"}}"#.utf8))
        #expect(pin.rpcError.data?.kind == .invalidPIN && pin.rpcError.data?.reason == "run")
        let wrong = try JSONDecoder().decode(LenientError.self, from: Data(#"{"code":-32001,"message":"m","data":{"kind":"permission_denied","attempts_left":2}}"#.utf8))
        #expect(wrong.rpcError.data?.attemptsLeft == 2 && wrong.rpcError.data?.reason == nil)
    }
}
