import KioskDevices

/// What a receipt's fault means, for the customer at the kiosk and for the manager (`status`,
/// `receipt.list`). The customer is never asked to fix a printer: they are sent to the staff, who
/// can print the receipt again later. The printer's own faults use `PrinterFault`'s sentences;
/// these add what happens around the printer (unplugged, none there, kioskd stopped).
enum ReceiptFaultText {
    static func customer(_ fault: String) -> String {
        if let printer = PrinterFault(rawValue: fault) { return printer.customerSentence }
        return switch fault {
        case "no_printer": "Receipts cannot be printed at this kiosk right now. Please ask the staff for a copy of your receipt."
        default: "The receipt printer needs attention. Please ask the staff for a copy of your receipt; your payment is saved."
        }
    }

    /// What to do, ending as `PrinterFault.managerSentence` does: "…, then reprint with `kioskctl receipt reprint ID`."
    static func manager(_ fault: String, payment: String) -> String {
        if let printer = PrinterFault(rawValue: fault) { return printer.managerSentence(receiptID: payment) }
        let reprint = "then reprint with `kioskctl receipt reprint \(payment)`."
        return switch fault {
        case "disconnected": "The receipt printer was disconnected while printing: plug it in, " + reprint
        case "stalled": "The receipt printer stopped taking data: check it for a paper jam, " + reprint
        case "no_printer": "No allowed receipt printer was present: connect one and allow it (`kioskctl device allow ID`), " + reprint
        case "interrupted": "kioskd stopped while the receipt was printing: " + reprint
        default: "The receipt did not print: " + reprint
        }
    }

    /// For a technician's test page: what to do, then test again.
    static func testAgain(_ fault: String, device: String) -> String {
        manager(fault, payment: "ID").replacingOccurrences(of: "then reprint with `kioskctl receipt reprint ID`.",
                                                            with: "then test again: `kioskctl device test \(device)`.")
    }
}
