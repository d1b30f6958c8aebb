import Foundation
import KioskProtocol
import Testing
@testable import KioskDaemon

/// `hello` is answered from bytes encoded at start-up (``EncodedResult``): the spliced reply
/// must be exactly the reply the router writes for any other result.
@Suite("Results encoded ahead of time")
struct EncodedResultTests {
    // Not byte for byte: JSONEncoder writes an object's members in hash order, which changes
    // from one process to the next; the same members with the same values is the contract.
    @Test("every role's hello, spliced, is the reply RPCSuccessAny writes: the same members, the same values", arguments: Role.allCases)
    func helloSplice(role: Role) throws {
        let hello = SessionHandlers.hello(role: role, version: "1.2.3")
        for id in [RPCID.number(7), .string("front-\"quoted\"-é"), .number(-1)] {
            let spliced = try RequestRouter.spliced(id: id, EncodedResult(hello))
            let written = [UInt8](try RPCCoders.encoder.encode(RPCSuccessAny(id: id, result: hello)))
            let reply = try #require(try JSONSerialization.jsonObject(with: Data(spliced)) as? [String: Any])
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(written)) as? [String: Any])
            #expect(NSDictionary(dictionary: reply) == NSDictionary(dictionary: expected))
            #expect(Set(reply.keys) == ["jsonrpc", "id", "result"])
            let result = try #require(reply["result"] as? [String: Any])
            #expect(result["role"] as? String == role.rawValue)
            #expect((result["capabilities"] as? [String])?.contains("hello") == true)
        }
    }

    @Test("an encoded result encoded again by another encoder is the same JSON")
    func reEncoded() throws {
        let hello = SessionHandlers.hello(role: .technician, version: "1.2.3")
        let again = try JSONEncoder().encode(EncodedResult(hello))
        let direct = try JSONEncoder().encode(hello)
        #expect(try JSONSerialization.jsonObject(with: again) as? NSDictionary == JSONSerialization.jsonObject(with: direct) as? NSDictionary)
    }
}
