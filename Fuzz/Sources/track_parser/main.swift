// libFuzzer target: magnetic-stripe track parser.
// Input: [track selector: byte % 3 + 1][track bytes].
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTrackParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let track = TrackNumber(rawValue: Int(data[0]) % 3 + 1)!
    let body = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
    switch TrackParser.parse(bytes: body, track: track) {
    case .success(let parsed):
        _ = parsed.description
        if let pan = parsed.pan { _ = TrackParser.luhnValid(pan) }
        parsed.wipe()
    case .failure(let error):
        _ = error.description
    }
    // The same bytes through the swipe assembly path every reader decoder ends in.
    let input = TrackInput.data(SensitiveBytes(Array(body)))
    let event: CardReaderEvent
    switch track {
    case .one: event = CardSwipe.assemble(track1: input, track2: .absent, track3: .absent, driverName: "fuzz")
    case .two: event = CardSwipe.assemble(track1: .absent, track2: input, track3: .absent, driverName: "fuzz")
    case .three: event = CardSwipe.assemble(track1: .absent, track2: .absent, track3: input, driverName: "fuzz")
    }
    _ = event.description
    return 0
}
