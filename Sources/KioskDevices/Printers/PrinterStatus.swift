/// The n of DLE EOT n (10 04 n): which status byte the printer sends back.
public enum PrinterStatusQuery: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case printer = 1
    case offlineCause = 2
    case errorCause = 3
    case rollPaperSensor = 4

    public var description: String {
        switch self {
        case .printer: "DLE EOT 1 (printer status)"
        case .offlineCause: "DLE EOT 2 (offline cause)"
        case .errorCause: "DLE EOT 3 (error cause)"
        case .rollPaperSensor: "DLE EOT 4 (roll paper sensor)"
        }
    }
}

/// Why a status answer was refused; the sentence names the byte and what it answered.
public enum PrinterStatusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A byte whose fixed bits are wrong: not a DLE EOT answer (noise, an ASB block, another
    /// protocol's reply).
    case malformed(query: PrinterStatusQuery, byte: UInt8)
    /// Not one byte per request.
    case wrongLength(expected: Int, got: Int)

    public var description: String {
        switch self {
        case .malformed(let query, let byte):
            let hex = String(byte, radix: 16, uppercase: true)
            return "the printer answered \(query) with 0x\(hex.count < 2 ? "0" + hex : hex), which is not a status byte "
                + "(bits 1 and 4 must be set, bits 0 and 7 clear)"
        case .wrongLength(let expected, let got):
            return "the printer answered \(got) status byte\(got == 1 ? "" : "s") where \(expected) were asked for"
        }
    }
}

/// The printer's state from its answers to DLE EOT 1–4.
///
/// Bit meanings (Epson ESC/POS command reference, "DLE EOT: Transmit real-time status", as
/// reproduced in Epson's TM-T88III/TM-L60II technical references and the compatible Bixolon
/// SRP-350 and Citizen CT-S2000 manuals; found with the search tool, pages corpus):
/// - every answer: bit 1 and bit 4 fixed on, bit 0 and bit 7 fixed off (0x12 under mask 0x93);
/// - n = 1 printer: bit 2 drawer kick-out connector pin 3, bit 3 offline;
/// - n = 2 offline cause: bit 2 cover open, bit 3 paper being fed by the FEED button, bit 5
///   printing stopped by a paper end, bit 6 an error occurred;
/// - n = 3 error cause: bit 2 mechanical error (model dependent), bit 3 autocutter error, bit 5
///   unrecoverable error, bit 6 automatically recoverable error (head temperature);
/// - n = 4 roll paper sensor: bits 2–3 near-end sensor (paper near end), bits 5–6 end sensor
///   (no paper). Either bit of a pair counts: models set one or both.
public struct PrinterStatus: Sendable, Equatable {
    public var online: Bool
    public var coverOpen: Bool
    /// A warning only: the roll is low but printing goes on.
    public var paperNearEnd: Bool
    public var paperOut: Bool
    /// Paper is being fed with the FEED button (the printer is offline meanwhile).
    public var feedButton: Bool
    /// DLE EOT 2 bit 6: some error stopped the printer (DLE EOT 3 says which).
    public var error: Bool
    /// DLE EOT 3 bit 2: Epson's mechanical error; undefined on some compatible models.
    public var mechanicalError: Bool
    public var autocutterError: Bool
    public var unrecoverableError: Bool
    public var autoRecoverableError: Bool

    /// The fixed bits of every DLE EOT answer.
    static let fixedMask: UInt8 = 0x93
    static let fixedValue: UInt8 = 0x12

    /// Refuses a byte that is not a DLE EOT answer.
    public static func check(_ byte: UInt8, answering query: PrinterStatusQuery) throws(PrinterStatusError) {
        guard byte & fixedMask == fixedValue else { throw .malformed(query: query, byte: byte) }
    }

    public init(printer: UInt8, offlineCause: UInt8, errorCause: UInt8, rollPaperSensor: UInt8) throws(PrinterStatusError) {
        try Self.check(printer, answering: .printer)
        try Self.check(offlineCause, answering: .offlineCause)
        try Self.check(errorCause, answering: .errorCause)
        try Self.check(rollPaperSensor, answering: .rollPaperSensor)
        online = printer & 0x08 == 0
        coverOpen = offlineCause & 0x04 != 0
        feedButton = offlineCause & 0x08 != 0
        paperOut = offlineCause & 0x20 != 0 || rollPaperSensor & 0x60 != 0
        error = offlineCause & 0x40 != 0
        mechanicalError = errorCause & 0x04 != 0
        autocutterError = errorCause & 0x08 != 0
        unrecoverableError = errorCause & 0x20 != 0
        autoRecoverableError = errorCause & 0x40 != 0
        paperNearEnd = rollPaperSensor & 0x0C != 0
    }

    /// The answers to `ESCPOSEncoder.statusRequests`, one byte each, in DLE EOT 1, 2, 3, 4 order.
    public init(answers: [UInt8]) throws(PrinterStatusError) {
        guard answers.count == PrinterStatusQuery.allCases.count else {
            throw .wrongLength(expected: PrinterStatusQuery.allCases.count, got: answers.count)
        }
        try self.init(printer: answers[0], offlineCause: answers[1], errorCause: answers[2], rollPaperSensor: answers[3])
    }

    /// What stops printing, the most specific first (an open cover or an empty roll also puts
    /// the printer offline and may raise the error bit); nil when a receipt can print.
    /// Paper near end is not a fault.
    public var fault: PrinterFault? {
        if coverOpen { return .coverOpen }
        if paperOut { return .paperOut }
        // DLE EOT 3 bit 2 is "undefined" on several compatible printers, so it alone is no fault.
        if error || autocutterError || unrecoverableError || autoRecoverableError { return .error }
        if !online { return .offline }
        return nil
    }

    /// Conditions worth a manager's attention that do not stop printing.
    public var warnings: [String] {
        paperNearEnd ? ["The receipt printer's paper roll is nearly empty: have a new roll ready."] : []
    }
}

/// Why the printer cannot print now, with one sentence for the customer and one for the manager.
public enum PrinterFault: String, Sendable, Equatable, CaseIterable {
    case paperOut = "paper_out"
    case coverOpen = "cover_open"
    case error = "error"
    case offline = "offline"

    /// Shown on the kiosk; the payment itself is done, so the customer only needs the staff.
    public var customerSentence: String {
        switch self {
        case .paperOut: "The printer is out of paper. Please ask the staff for your receipt."
        case .coverOpen: "The printer's cover is open. Please ask the staff for your receipt."
        case .error, .offline: "The printer is not working right now. Please ask the staff for your receipt."
        }
    }

    /// For `kioskctl status`: what to do, then how to print the receipt again.
    public func managerSentence(receiptID: String? = nil) -> String {
        let reprint = "then reprint with `kioskctl receipt reprint \(receiptID ?? "ID")`."
        return switch self {
        case .paperOut: "The receipt printer is out of paper: load a new 80 mm roll and close the cover, " + reprint
        case .coverOpen: "The receipt printer's cover is open: check the roll sits right and close the cover, " + reprint
        case .error: "The receipt printer reports an error (cutter jam, head too hot or a fault): clear any jammed paper, "
            + "switch it off and on if it stays, " + reprint
        case .offline: "The receipt printer is offline: check its power and cable and that nobody holds FEED, " + reprint
        }
    }
}
