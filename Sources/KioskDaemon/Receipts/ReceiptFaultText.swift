/// What a receipt's fault means, for the customer at the kiosk and for the manager (`status`,
/// `receipt.list`). The customer is never asked to fix a printer: they are sent to the staff, who
/// can print the receipt again later.
enum ReceiptFaultText {
    static func customer(_ fault: String) -> String {
        switch fault {
        case "no_printer": "Receipts cannot be printed at this kiosk right now. Please ask the staff for a copy of your receipt."
        default: "The receipt printer needs attention. Please ask the staff for a copy of your receipt; your payment is saved."
        }
    }

    static func manager(_ fault: String, payment: String) -> String {
        let reprint = "then run kioskctl receipt reprint \(payment)"
        return switch fault {
        case "paper_out": "the printer is out of paper: load a new roll, \(reprint)"
        case "cover_open": "the printer's cover is open: close it, \(reprint)"
        case "error": "the printer reports an error (a paper jam or a cutter fault): clear it and switch the printer off and on, \(reprint)"
        case "offline": "the printer is offline or did not answer: check its power and cable, \(reprint)"
        case "disconnected": "the printer was disconnected while printing: plug it in, \(reprint)"
        case "stalled": "the printer stopped taking data: check it for a paper jam, \(reprint)"
        case "no_printer": "no allowed receipt printer was present: connect one and allow it (kioskctl device allow ID), \(reprint)"
        case "interrupted": "kioskd stopped while the receipt was printing: \(reprint)"
        default: "the receipt did not print: \(reprint)"
        }
    }
}
