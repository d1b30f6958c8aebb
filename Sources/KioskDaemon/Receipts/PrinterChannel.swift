import KioskDevices

/// How the receipt desk talks to one receipt printer: ESC/POS bytes out, real-time status back.
/// The USB printer (`USBPrinterChannel`) and the demo's emulated printer (`EmulatedPrinter`)
/// are the two; the desk cannot tell them apart.
protocol PrinterChannel: Sendable {
    /// The code page the printer's text is encoded in.
    var codePage: PrinterCodePage { get }
    /// Sends bytes to the printer; returns when the printer has taken all of them.
    func send(_ bytes: [UInt8]) async throws(PrinterChannelError)
    /// Asks the printer's real-time status (DLE EOT 1–4).
    func status() async throws(PrinterChannelError) -> PrinterStatus
}

/// Why a printer could not be talked to.
enum PrinterChannelError: Error, Equatable, CustomStringConvertible {
    /// Unplugged (or dropped off the bus) mid-way.
    case disconnected
    /// It stopped taking data (a full buffer while offline) within the time allowed.
    case stalled
    /// It did not answer a status request, or answered nonsense; the sentence says which.
    case noAnswer(String)

    var description: String {
        switch self {
        case .disconnected: "the printer was disconnected"
        case .stalled: "the printer stopped taking data"
        case .noAnswer(let why): "the printer did not answer its status request: \(why)"
        }
    }

    /// The receipt's `fault` for this error.
    var fault: String {
        switch self {
        case .disconnected: "disconnected"
        case .stalled: "stalled"
        case .noAnswer: "offline"
        }
    }
}
