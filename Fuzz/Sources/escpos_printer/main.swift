// libFuzzer target: the receipt printer's parsers and encoder.
// Input: [mode: byte % 3][rest]. 0: DLE EOT answers (`PrinterStatus(answers:)` on the first
// 4 bytes and on the whole rest, plus `check` of every byte); 1: an IEEE 1284 device id
// (`speaksESCPOS`, `codePage`); 2: receipt fields split at 0x00 (UTF-8, invalid sequences
// repaired), encoded in both code pages; the output must hold no byte below 0x20 other than
// the encoder's own commands and LF, and no unmasked Luhn-valid run.
import KioskDevices

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzESCPOSPrinter(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 1 else { return 0 }
    let rest = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    switch data[0] % 3 {
    case 0:
        for answers in [Array(rest.prefix(4)), rest] {
            do {
                let status = try PrinterStatus(answers: answers)
                _ = status.fault?.managerSentence(); _ = status.warnings
            } catch {
                _ = error.description
            }
        }
        for (i, byte) in rest.enumerated() {
            _ = try? PrinterStatus.check(byte, answering: PrinterStatusQuery.allCases[i % 4])
        }
    case 1:
        let id = String(decoding: rest, as: UTF8.self)
        _ = ESCPOSPrinterDriver.speaksESCPOS(deviceID: id)
        _ = ESCPOSPrinterDriver.codePage(deviceID: id)
    default:
        var fields = rest.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        while fields.count < 11 { fields.append("") }
        let receipt = Receipt(storeName: fields[0], addressLines: [fields[1]], printedAt: fields[2], account: fields[3],
                              job: fields[4], paymentID: fields[5], amount: fields[6], method: fields[7],
                              invoices: [Receipt.Invoice(number: fields[8], amount: fields[9])], footerLines: [fields[10]])
        for page in PrinterCodePage.allCases {
            let bytes = ESCPOSEncoder.receipt(receipt, codePage: page, columns: Int(rest.first ?? 42) % 80)
            check(bytes)
            check(ESCPOSEncoder.testPage(printerName: fields[0], codePage: page))
        }
    }
    return 0
}

/// Traps (a finding) on a control byte that is not one of the encoder's commands.
func check(_ bytes: [UInt8]) {
    let known: [[UInt8]] = [[0x1B, 0x40], [0x1B, 0x74, 0x13], [0x1B, 0x74, 0x10], [0x1B, 0x61, 0x00], [0x1B, 0x61, 0x01],
                            [0x1B, 0x45, 0x00], [0x1B, 0x45, 0x01], [0x1D, 0x21, 0x00], [0x1D, 0x21, 0x11], [0x1D, 0x56, 0x42, 0x03]]
    var i = 0
    while i < bytes.count {
        let b = bytes[i]
        if b == 0x0A || (b >= 0x20 && b != 0x7F) { i += 1; continue }
        guard let command = known.first(where: { bytes[i...].starts(with: $0) }) else {
            fatalError("stray control byte \(b) at \(i)")
        }
        i += command.count
    }
}
