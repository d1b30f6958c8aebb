// libFuzzer target: keyboard-wedge card reader. The input is split into 8-byte boot keyboard
// reports (a short tail is fed as a short report), then the decoder is flushed.
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWedgeDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = KeyboardWedgeDecoder()
    var start = 0
    while start < input.count {
        let end = min(start + 8, input.count)
        if let event = decoder.consume(report: Array(input[start..<end])) { _ = event.description }
        start = end
    }
    if let event = decoder.flush() { _ = event.description }
    _ = decoder.description
    return 0
}
