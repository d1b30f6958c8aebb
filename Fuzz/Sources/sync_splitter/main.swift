// libFuzzer target: the streaming sync splitter (JSONSplitter + SyncDocumentStream), which
// cuts a whole document from the network or a file into accounts before any decoder runs.
// Invariants checked: no crash; every range lies inside the input, in order, without overlap;
// each element is balanced on its own (splitting it again as a one-element array works).
import Foundation
import KioskCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSyncSplitter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    _ = JSONSplitter.isSingleValue(bytes)
    guard let members = try? JSONSplitter.members(of: bytes, splitting: "accounts") else {
        _ = try? SyncDocumentStream(bytes: bytes)
        return 0
    }
    var end = 0
    for member in members {
        precondition(member.whole.lowerBound >= end && member.whole.upperBound <= size, "member outside the input")
        precondition(member.value.lowerBound >= member.whole.lowerBound && member.value.upperBound == member.whole.upperBound)
        end = member.whole.upperBound
        var last = member.value.lowerBound
        for element in member.elements ?? [] {
            precondition(element.lowerBound >= last && element.upperBound <= member.value.upperBound, "element outside its array")
            last = element.upperBound
            var one = Data("{\"accounts\":[".utf8)
            one.append(bytes[element])
            one.append(contentsOf: Array("]}".utf8))
            precondition((try? JSONSplitter.members(of: one, splitting: "accounts"))?.first?.elements?.count == 1, "element not balanced")
        }
    }
    if let stream = try? SyncDocumentStream(bytes: bytes) {
        for index in stream.accounts.indices.prefix(16) { _ = stream.account(index) }
    }
    return 0
}
