import Foundation
import Testing
@testable import KioskDevices

/// DLE EOT answers → `PrinterStatus` and its fault, for every fault and for bytes that are not
/// status answers. The answer bytes are written from the command reference's bit tables.
@Suite("printer status")
struct PrinterStatusTests {
    /// Fixed bits only: online, cover closed, no error, paper present.
    static let idle: UInt8 = 0x12

    static func status(_ printer: UInt8, _ offline: UInt8, _ error: UInt8, _ paper: UInt8) throws -> PrinterStatus {
        try PrinterStatus(answers: [printer, offline, error, paper])
    }

    @Test("a ready printer has no fault")
    func ready() throws {
        let s = try Self.status(0x12, 0x12, 0x12, 0x12)
        #expect(s.online && !s.coverOpen && !s.paperOut && !s.paperNearEnd && !s.error)
        #expect(s.fault == nil && s.warnings.isEmpty)
        // Drawer pin 3 high (DLE EOT 1 bit 2) is not a printer condition.
        #expect(try Self.status(0x16, 0x12, 0x12, 0x12).fault == nil)
    }

    @Test("paper out: offline, paper-end stop, end sensor")
    func paperOut() throws {
        let s = try Self.status(0x1A, 0x32, 0x12, 0x7E)
        #expect(!s.online && s.paperOut && s.paperNearEnd)
        #expect(s.fault == .paperOut)
        // Either end-sensor bit alone, or the paper-end stop alone, is enough.
        #expect(try Self.status(0x12, 0x12, 0x12, 0x32).fault == .paperOut)
        #expect(try Self.status(0x12, 0x12, 0x12, 0x52).fault == .paperOut)
        #expect(try Self.status(0x1A, 0x32, 0x12, 0x12).fault == .paperOut)
    }

    @Test("paper near end is a warning only")
    func nearEnd() throws {
        for paper: UInt8 in [0x1E, 0x16, 0x1A] {
            let s = try Self.status(0x12, 0x12, 0x12, paper)
            #expect(s.paperNearEnd && s.fault == nil && s.warnings.count == 1)
        }
    }

    @Test("cover open, also while printing (error bit and auto-recoverable error set)")
    func coverOpen() throws {
        #expect(try Self.status(0x1A, 0x16, 0x12, 0x12).fault == .coverOpen)
        let midPrint = try Self.status(0x1A, 0x56, 0x52, 0x12)
        #expect(midPrint.coverOpen && midPrint.error && midPrint.autoRecoverableError && midPrint.fault == .coverOpen)
    }

    @Test("errors: autocutter, unrecoverable, automatically recoverable")
    func errors() throws {
        let cutter = try Self.status(0x1A, 0x52, 0x1A, 0x12)
        #expect(cutter.autocutterError && cutter.fault == .error)
        #expect(try Self.status(0x1A, 0x52, 0x32, 0x12).unrecoverableError)
        #expect(try Self.status(0x1A, 0x52, 0x32, 0x12).fault == .error)
        #expect(try Self.status(0x1A, 0x52, 0x52, 0x12).fault == .error)
        #expect(try Self.status(0x12, 0x12, 0x1A, 0x12).fault == .error)
        // DLE EOT 3 bit 2 alone: undefined on compatible printers, so not a fault.
        let mech = try Self.status(0x12, 0x12, 0x16, 0x12)
        #expect(mech.mechanicalError && mech.fault == nil)
    }

    @Test("offline without a cause: FEED held, or nothing said")
    func offline() throws {
        let feed = try Self.status(0x1A, 0x1A, 0x12, 0x12)
        #expect(feed.feedButton && feed.fault == .offline)
        #expect(try Self.status(0x1A, 0x12, 0x12, 0x12).fault == .offline)
    }

    @Test("a byte whose fixed bits are wrong is refused, naming the request")
    func malformed() {
        let bad: [UInt8] = [0x00, 0xFF, 0x13, 0x92, 0x10, 0x02, 0x7F, 0x80]
        for byte in bad {
            for (position, query) in PrinterStatusQuery.allCases.enumerated() {
                var answers = [UInt8](repeating: Self.idle, count: 4)
                answers[position] = byte
                #expect(throws: PrinterStatusError.malformed(query: query, byte: byte)) { try PrinterStatus(answers: answers) }
            }
        }
        let sentence = PrinterStatusError.malformed(query: .errorCause, byte: 0xFF).description
        #expect(sentence.contains("DLE EOT 3") && sentence.contains("0xFF"))
        #expect(PrinterStatusError.malformed(query: .printer, byte: 0x02).description.contains("0x02"))
        #expect(throws: PrinterStatusError.wrongLength(expected: 4, got: 0)) { try PrinterStatus(answers: []) }
        #expect(throws: PrinterStatusError.wrongLength(expected: 4, got: 5)) { try PrinterStatus(answers: [0x12, 0x12, 0x12, 0x12, 0x12]) }
        #expect(PrinterStatusError.wrongLength(expected: 4, got: 1).description == "the printer answered 1 status byte where 4 were asked for")
    }

    @Test("every byte value: exactly the 16 with the fixed bits right parse, none crashes")
    func everyByte() {
        for query in PrinterStatusQuery.allCases {
            var accepted = 0
            for byte in UInt8.min...UInt8.max {
                if (try? PrinterStatus.check(byte, answering: query)) != nil { accepted += 1 }
            }
            #expect(accepted == 16, "\(query)")
        }
    }

    @Test("sentences for the customer and the manager")
    func sentences() {
        #expect(PrinterFault.paperOut.customerSentence == "The printer is out of paper. Please ask the staff for your receipt.")
        for fault in PrinterFault.allCases {
            #expect(fault.customerSentence.hasSuffix("Please ask the staff for your receipt."))
            #expect(fault.managerSentence().contains("`kioskctl receipt reprint ID`"))
            #expect(fault.managerSentence(receiptID: "P7K2Q9").contains("`kioskctl receipt reprint P7K2Q9`"))
        }
        #expect(PrinterFault.allCases.map(\.rawValue) == ["paper_out", "cover_open", "error", "offline"])
    }
}
