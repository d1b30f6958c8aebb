// libFuzzer target: MagTek MagneSafe V5 encrypting HID reader. The input is consumed as-is
// (length checks), then zero-padded or truncated to the 856- and 887-byte layouts, once as sent
// and once with the encryption status forced to "key injected, encryption on" so the field
// checks are reached. Every swipe that decodes is re-encoded with MagneSafeReportEncoder and
// decoded again: the masked view, ciphertext and KSN must survive (a trap otherwise).
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMagneSafeDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var decoder = MagneSafeHIDDecoder()
    check(decoder.consume(report: input))
    for length in [856, 887] {
        var report = Array(input.prefix(length))
        report += [UInt8](repeating: 0, count: length - report.count)
        check(decoder.consume(report: report))
        report[493] = 0x00
        report[494] = 0x06
        check(decoder.consume(report: report))
    }
    var withID = MagneSafeHIDDecoder(reportID: 1)
    check(withID.consume(report: [1] + input))
    return 0
}

private func check(_ event: CardReaderEvent?) {
    _ = event?.description
    guard case .encryptedSwipe(let swipe)? = event else { return }
    _ = swipe.card.maskedPAN
    var fields = MagneSafeReportEncoder.Fields(
        cardEncodeType: swipe.cardEncodeType, magnePrintStatus: swipe.magnePrint?.status ?? 0,
        magnePrint: swipe.magnePrint?.ciphertext ?? [], magnePrintClearLength: swipe.magnePrint?.clearLength ?? 0,
        encryptionStatus: swipe.scheme.variant == .data ? 0x0806 : 0x0006, ksn: swipe.ksn.bytes,
        encryptedSessionID: swipe.encryptedSessionID ?? [])
    var tracks: [MagneSafeReportEncoder.Track] = []
    for track in swipe.tracks {
        let block = swipe.block(covering: track.track)
        let masked = track.unencrypted?.withUnsafeBytes { Array($0) } ?? []
        tracks.append(.init(masked: masked, ciphertext: block?.ciphertext ?? [], clearLength: block?.clearLengths[0] ?? 0,
                            decodeError: track.status == .readerError))
    }
    (fields.track1, fields.track2, fields.track3) = (tracks[0], tracks[1], tracks[2])
    guard let again = try? MagneSafeReportEncoder.report(fields, layout: .v856) else {
        fatalError("a decoded swipe does not re-encode")
    }
    var decoder = MagneSafeHIDDecoder()
    guard case .encryptedSwipe(let second)? = decoder.consume(report: again),
          second.card == swipe.card, second.blocks == swipe.blocks, second.ksn == swipe.ksn else {
        fatalError("re-encoded swipe decodes differently")
    }
}
