// libFuzzer target: HID report descriptor parser, then the rest of the input as a report.
// Input: [len lo][len hi][descriptor: len bytes][report: the tail]. A length past the end
// takes the whole remainder as descriptor (and an empty report).
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHIDDescriptor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    guard input.count >= 2 else { return 0 }
    let declared = Int(input[0]) | Int(input[1]) << 8
    let split = min(2 + declared, input.count)
    let descriptorBytes = Array(input[2..<split])
    let report = Array(input[split...])

    guard let descriptor = try? HIDReportDescriptor(descriptorBytes) else { return 0 }
    _ = DescriptorSummary(descriptor)
    for type in HIDReportType.allCases {
        _ = descriptor.decode(report, type: type)
    }
    for layout in descriptor.reports {
        _ = layout.decode(report)
        _ = layout.decode(body: report[...])
        for field in layout.fields {
            _ = layout.collectionPath(of: field)
            _ = layout.applicationUsage(of: field)
            _ = field.resolution
            _ = field.physicalValue(field.logicalMaximum)
            _ = field.usage(ofElement: 0)
            _ = field.usage(ofElement: max(field.count - 1, 0))
        }
    }
    for profile in DigitizerProfile.candidates(in: descriptor) {
        _ = profile.sample(from: report)
    }
    let pen = PenDecoder(descriptor: descriptorBytes)
    if let pen {
        _ = pen.sample(from: report)
    }
    // The report tail as interrupt transfers: packets of the size its first byte picks (0–63),
    // every third one cut short, then a zero-length packet; each whole report to the pen.
    let packet = Int(report.first ?? 0) % 64
    if var assembler = HIDReportAssembler(descriptor: descriptor, maxPacketSize: packet) {
        var rest = report[...]
        var count = 0
        while !rest.isEmpty {
            count += 1
            let take = count % 3 == 0 ? max(1, assembler.maxPacketSize / 2) : assembler.maxPacketSize
            for whole in assembler.feed(Array(rest.prefix(take))) { _ = pen?.sample(from: whole) }
            rest = rest.dropFirst(take)
        }
        for whole in assembler.feed([]) { _ = pen?.sample(from: whole) }
    }
    return 0
}
