// libFuzzer target: MagTek HID swipe reader. The input is consumed as-is (length checks), then
// zero-padded or truncated to the 337-byte report so the track fields are reached.
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMagTekDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = MagTekHIDDecoder()
    _ = decoder.consume(report: input).map { $0.description }
    var report = Array(input.prefix(MagTekHIDDecoder.reportLength))
    report += [UInt8](repeating: 0, count: MagTekHIDDecoder.reportLength - report.count)
    _ = decoder.consume(report: report).map { $0.description }
    _ = decoder.lastEncodeType
    return 0
}
