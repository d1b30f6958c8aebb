// libFuzzer target: ID TECH SecureMag encrypted frames. The input is fed as one HID report, as
// one stream chunk, and as stream chunks of (input length % 61 + 1) bytes, each followed by
// flush(); then it is taken as card data, framed with correct check bytes (so the field parsing
// is reached rather than the LRC check) and fed as a stream and as 64-byte HID reports.
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDTechDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var hid = IDTechSecureMagDecoder()
    touch(hid.consume(report: input))
    touch(hid.flush())

    var stream = IDTechSecureMagDecoder(transport: .stream)
    touch(stream.consume(report: input))
    touch(stream.flush())
    let step = input.count % 61 + 1
    for start in stride(from: 0, to: input.count, by: step) {
        touch(stream.consume(report: Array(input[start..<min(start + step, input.count)])))
    }
    touch(stream.flush())
    touch(stream.flush())

    if let frame = try? IDTechFrameEncoder.frame(cardData: input) {
        stream.reset()
        touch(stream.consume(report: frame))
        touch(stream.flush())
        hid.reset()
        for report in IDTechFrameEncoder.hidReports(wrapping: frame, reportLength: 64) { touch(hid.consume(report: report)) }
        touch(hid.flush())
    }
    return 0
}

private func touch(_ event: CardReaderEvent?) {
    _ = event?.description
    guard case .encryptedSwipe(let swipe)? = event else { return }
    _ = swipe.card.maskedPAN
    for track in swipe.tracks { _ = track.unencrypted?.withUnsafeBytes { $0.count } }
    for block in swipe.blocks {
        precondition(block.tracks.count == block.clearLengths.count, "block lengths do not match its tracks")
        precondition(block.ciphertext.count % swipe.scheme.blockSize == 0, "ciphertext is not whole blocks")
    }
}
