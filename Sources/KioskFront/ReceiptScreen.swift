import Foundation
import KioskProtocol

/// "Print a receipt" on the screen after paying: the kiosk's printer prints the payment's receipt
/// (`receipt.print`); a printer out of paper or open sends the customer to the staff, who can
/// print it again later (`kioskctl receipt reprint ID`).
extension FrontState {
    mutating func doneKey(_ key: Key, _ model: inout DoneModel) -> [Effect] {
        switch key {
        case .enter, .escape:
            // While the receipt prints the customer waits for it; Done then would leave it half out.
            if model.receipt == .printing { return [] }
            return signOut(message: nil)
        case .char("p"), .char("P"):
            guard model.receipt == .notAsked else { return [] }
            model.receipt = .printing
            model.shownAt = now  // the receipt's time does not count against the done screen's
            screen = .done(model)
            return [send(.printReceipt, Methods.receiptPrint, ReceiptPrintParams(payment: model.result.id))]
        default:
            return []
        }
    }

    mutating func receiptReply(_ result: Result<Data, Failure>) -> [Effect] {
        guard case .done(var model) = screen, model.receipt == .printing else { return [] }
        switch result {
        case .success(let data):
            if let row = Wire.decode(ReceiptRow.self, data) {
                model.receipt = row.state == "printed" ? .printed
                    : .failed(row.message ?? "The receipt could not be printed. Please ask the staff for a copy of your receipt.")
            } else {
                model.receipt = .failed("The kiosk could not read the printer's reply. Please ask the staff for a copy of your receipt.")
            }
        case .failure(let failure):
            model.receipt = .failed("The receipt could not be printed. "
                                    + CustomerText.failure(failure, format, fallback: "Please ask the staff for a copy of your receipt."))
        }
        model.shownAt = now
        screen = .done(model)
        return []
    }
}
