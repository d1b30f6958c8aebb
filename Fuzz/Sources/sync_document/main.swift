// libFuzzer target: sync document decoding and validation (documents come from the network).
import Foundation
import KioskCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncDocument(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    do {
        let document = try SyncDocument.decode(from: bytes)
        _ = document.accounts.count
    } catch {
        _ = error.description
    }
    _ = try? SyncDocument.decode(from: bytes, known: KnownReferences(branches: ["B1"], users: ["u1"], profiles: ["p1"]))
    return 0
}
