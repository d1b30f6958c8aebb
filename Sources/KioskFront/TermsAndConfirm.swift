import Foundation
import KioskProtocol

/// Terms (read and tick "I agree"), confirm (last look, then pay) and the submit's reply.
extension FrontState {
    mutating func termsKey(_ key: Key, _ model: inout TermsModel) -> [Effect] {
        defer { if case .terms = screen { screen = .terms(model) } }
        if let scroll = key.scrolled(model.scroll) { model.scroll = scroll; return [] }
        switch key {
        case .char(" "), .pick(0): model.agreed.toggle(); model.message = nil
        case .escape:
            if autopaySigning != nil { autopayBackToEditor(message: "Not saved: the terms were not accepted.") } else { screen = .home }
        case .enter:
            guard model.agreed else { model.message = "Press Space to tick \"I agree\" first."; return [] }
            if autopaySigning != nil { return sendAutopayRule() }
            screen = .confirm(ConfirmModel())
        default: break
        }
        return []
    }

    mutating func confirmKey(_ key: Key, _ model: inout ConfirmModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .confirm = screen { screen = .confirm(model) } }
        switch key {
        case .escape: screen = .home
        case .char("d"), .char("D"):
            return openPayDay(.payment, from: draft.payOn, back: .confirm(model))
        case .enter, .function(10):
            guard let params = draft.submitParams else {
                model.message = "Something is missing from this payment. Press Esc and start again."
                return []
            }
            model.busy = true
            model.message = "Sending your payment…"
            return [send(.submit, Methods.paymentSubmit, params)]
        default: break
        }
        return []
    }

    mutating func submitReply(_ result: Result<Data, Failure>) -> [Effect] {
        guard case .confirm(var model) = screen else { return [] }
        model.busy = false
        switch result {
        case .success(let data):
            if let done = Wire.decode(PaymentSubmitResult.self, data) {
                screen = .done(DoneModel(result: done, shownAt: now))
                return []
            }
            model.message = "The payment was sent, but the kiosk could not read the reply. Please ask a store employee."
        case .failure(let failure):
            model.message = "The payment was not made. " + CustomerText.failure(failure, format, fallback: "Please ask a store employee.")
        }
        screen = .confirm(model)
        return []
    }
}
