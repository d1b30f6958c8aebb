import Foundation
import KioskDevices
import KioskProtocol

/// The demo's receipt printer: takes ESC/POS bytes like a printer and appends them to a file in
/// the data directory (`emulated-printer.escpos`), and answers status requests with the bytes a
/// healthy printer sends, so a person can try receipts without hardware. (Faults are tried on the
/// USB test bed's emulated printer, which answers DLE EOT as a real one does.)
actor EmulatedPrinter: PrinterChannel {
    static let id = "emulated-printer-1"
    static let outputName = "emulated-printer.escpos"
    nonisolated let codePage: PrinterCodePage = .cp858
    let output: URL
    /// The answers to DLE EOT 1–4: online, nothing wrong.
    private let answers: [UInt8] = [0x12, 0x12, 0x12, 0x12]

    init(output: URL) { self.output = output }

    static var info: DeviceInfo {
        DeviceInfo(id: id, kind: .receiptPrinter, driver: "emulated-escpos-printer", vendorID: 0, productID: 0,
                   serial: "EMU-PRINTER-1", allowed: false, state: .attached)
    }

    func send(_ bytes: [UInt8]) async throws(PrinterChannelError) {
        // A printer that is out of paper or open goes offline and stops taking data.
        if let status = try? PrinterStatus(answers: answers), status.fault != nil { throw .stalled }
        do {
            if !FileManager.default.fileExists(atPath: output.path) {
                guard FileManager.default.createFile(atPath: output.path, contents: nil, attributes: [.posixPermissions: 0o640]) else {
                    throw PrinterChannelError.noAnswer("the emulated printer's file \(output.path) cannot be created")
                }
            }
            let handle = try FileHandle(forWritingTo: output)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(bytes))
        } catch let error as PrinterChannelError { throw error } catch {
            throw .noAnswer("the emulated printer's file \(output.path) cannot be written")
        }
    }

    func status() async throws(PrinterChannelError) -> PrinterStatus {
        do { return try PrinterStatus(answers: answers) } catch { throw .noAnswer(error.description) }
    }
}
