import Foundation
import KioskJSON

/// A result encoded once and sent as bytes on every call: `hello`'s answer (the role's list of
/// ~40 method names) never changes for the daemon's life, and re-encoding it was half of the
/// daemon's CPU under 32 clients' pipelined hellos (issue 16, perf on the release build).
/// ``RequestRouter`` splices `json` into the reply; it is never re-encoded on the way.
struct EncodedResult: Encodable, Sendable {
    /// The result's JSON, as the router's shared encoder writes it.
    let json: [UInt8]

    init(_ value: some Encodable) throws {
        json = [UInt8](try RPCCoders.encoder.encode(value))
    }

    /// Only for an encoder other than the router's splice (none today): the same JSON, re-read.
    func encode(to encoder: Encoder) throws {
        try JSONDecoder().decode(JSONValue.self, from: Data(json)).encode(to: encoder)
    }
}
