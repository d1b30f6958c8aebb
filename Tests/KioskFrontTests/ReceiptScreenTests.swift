import Foundation
import KioskProtocol
import Testing
@testable import KioskFront

/// "Print a receipt" on the done screen: P asks kioskd once, the screen says it is printing, then
/// either "take it" or the printer's sentence sending the customer to the staff.
@Suite("Front: receipt after paying")
struct ReceiptScreenTests {
    static let paid = PaymentSubmitResult(id: "K7XQ2M", state: "pending", amount: 12_000, currency: "USD", payOn: nil,
                                          methodDescription: "CARD ENDING IN 4242", receiptsTo: [], lines: [])

    func done() -> FrontState {
        var (state, _) = CustomerFacingTests.signedIn()
        state.screen = .done(DoneModel(result: Self.paid, shownAt: 3))
        return state
    }

    func row(_ state: String, fault: String? = nil, message: String? = nil) throws -> Data {
        try JSONEncoder().encode(ReceiptRow(payment: "K7XQ2M", account: "1001", state: state, fault: fault, message: message,
                                            printer: "serial:TMT20-0001", attempts: 1, requestedAt: "2026-12-02T10:00:00Z",
                                            requestedBy: "contact C-1001-1", updatedAt: "2026-12-02T10:00:01Z", printedAt: nil))
    }

    @Test("P prints once: 'Printing your receipt…', then 'Please take it'; Enter waits while it prints")
    func printed() throws {
        var state = done()
        #expect(CustomerFacingTests.text(state).contains("P Print a receipt"))
        let effects = state.update(.key(.char("p")), now: 4)
        guard case .send(let request)? = effects.first else { Issue.record("no request: \(effects)"); return }
        #expect(request.method == "receipt.print" && request.purpose == .printReceipt)
        #expect(String(decoding: request.params, as: UTF8.self).contains("\"payment\":\"K7XQ2M\""))
        #expect(CustomerFacingTests.text(state).contains("Printing your receipt…"))
        #expect(state.update(.key(.char("p")), now: 4).isEmpty, "one receipt at a time")
        _ = state.update(.key(.enter), now: 5)
        guard case .done = state.screen else { Issue.record("Enter left the screen while printing"); return }
        _ = state.update(.reply(.printReceipt, generation: state.generation, .success(try row("printed"))), now: 6)
        let text = CustomerFacingTests.text(state)
        #expect(text.contains("Your receipt is printed. Please take it.") && !text.contains("P Print a receipt"), "\(text)")
    }

    @Test("paper out: the printer's sentence sends the customer to the staff; a refused call says so too")
    func failed() throws {
        var state = done()
        _ = state.update(.key(.char("p")), now: 4)
        let sentence = "The printer is out of paper. Please ask the staff for your receipt."
        _ = state.update(.reply(.printReceipt, generation: state.generation,
                                .success(try row("failed", fault: "paper_out", message: sentence))), now: 6)
        #expect(CustomerFacingTests.text(state).contains("The printer is out of paper."), "\(CustomerFacingTests.text(state))")

        var refused = done()
        _ = refused.update(.key(.char("p")), now: 4)
        _ = refused.update(.reply(.printReceipt, generation: refused.generation,
                                  .failure(Failure(kind: "storage_unavailable", message: "database"))), now: 6)
        #expect(CustomerFacingTests.text(refused).contains("The receipt could not be printed."), "\(CustomerFacingTests.text(refused))")
        _ = refused.update(.key(.enter), now: 7)
        guard case .welcome = refused.screen else { Issue.record("Done signs out once printing is over: \(refused.screen)"); return }
    }
}
