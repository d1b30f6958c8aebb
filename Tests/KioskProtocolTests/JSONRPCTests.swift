import Foundation
import Testing
@testable import KioskProtocol

@Suite("JSON-RPC envelopes")
struct JSONRPCTests {
    @Test("ids: strings, integers and null round-trip; other types are refused")
    func ids() throws {
        for text in [#""a""#, "7", "null"] {
            let id = try JSONDecoder().decode(RPCID.self, from: Data(text.utf8))
            #expect(String(decoding: try JSONEncoder().encode(id), as: UTF8.self) == text)
        }
        #expect(throws: DecodingError.self) { _ = try JSONDecoder().decode(RPCID.self, from: Data("[1]".utf8)) }
    }

    @Test("the request head tells a missing id from a null id")
    func head() throws {
        let missing = try JSONDecoder().decode(RPCRequestHead.self, from: Data(#"{"jsonrpc":"2.0","method":"hello"}"#.utf8))
        #expect(!missing.hasID)
        let null = try JSONDecoder().decode(RPCRequestHead.self, from: Data(#"{"jsonrpc":"2.0","id":null,"method":"hello"}"#.utf8))
        #expect(null.hasID && null.id == .null)
        let wrongTypes = try JSONDecoder().decode(RPCRequestHead.self, from: Data(#"{"jsonrpc":2,"id":{},"method":[]}"#.utf8))
        #expect(wrongTypes.jsonrpc == nil && wrongTypes.method == nil && wrongTypes.id == .null)
    }

    @Test("application error codes are distinct and inside −32000…−32099, and carry their kind")
    func codes() throws {
        let codes = ErrorKind.allCases.map(\.code)
        #expect(Set(codes).count == codes.count)
        #expect(codes.allSatisfy { (-32099)...(-32000) ~= $0 })
        let error = RPCError.app(.notFound, "no account 1")
        let json = String(decoding: try JSONEncoder().encode(RPCFailure(id: .number(3), error: error)), as: UTF8.self)
        #expect(json.contains(#""kind":"not_found""#))
    }

    @Test("line limits per role match PROTOCOL.md")
    func limits() {
        #expect(Role.front.maximumLineLength == 65_536)
        #expect(Role.manager.maximumLineLength == 16_777_216)
        #expect(Role.technician.maximumLineLength == 16_777_216)
    }

    @Test("links always encode their three members, null included")
    func links() throws {
        let json = String(decoding: try JSONEncoder().encode(AccountInfo.Links(erp: nil, accounting: "A", gateway: nil)), as: UTF8.self)
        #expect(json.contains(#""erp":null"#) && json.contains(#""gateway":null"#))
    }
}
