import Foundation
import KioskCore
import KioskProtocol
import KioskStore

/// `receipt.print` (the customer after paying, or staff), `receipt.reprint` and `receipt.list`
/// (staff). The printing itself is the `ReceiptDesk`'s.
struct ReceiptHandlers: Sendable {
    let store: KioskStore
    let desk: ReceiptDesk

    /// A payment id as `history.list` shows it.
    static let idLength = 1...64

    func register(in table: inout HandlerTable) {
        table.on(Methods.receiptPrint) { params, call in
            let payment = try await payment(params.payment)
            // The customer's own account only; a contact without history rights still gets the
            // receipt of the payment they made themselves.
            guard let payment, payment.account == call.account, call.session == nil || !payment.state.isHidden else {
                throw RPCError.app(.notFound, "this account has no payment with that id")
            }
            if let session = call.session, payment.contact != session.contact.id, !session.allows(ContactPermission.viewHistory) {
                throw RPCError.app(.permissionDenied, ContactPermission.viewHistory.refusal)
            }
            let by = call.session.map { "contact \($0.contact.id)" } ?? call.caller.peer.userName
            return try await desk.print(payment, stored: try await account(payment.account), requestedBy: by, audit: call.audit())
        }
        table.on(Methods.receiptReprint) { params, call in
            guard let payment = try await payment(params.payment) else {
                throw RPCError.app(.notFound, "no payment with that id is on this kiosk; kioskctl receipt list shows the receipts")
            }
            return try await desk.print(payment, stored: try await account(payment.account), requestedBy: call.caller.peer.userName,
                                        audit: call.audit())
        }
        table.on(Methods.receiptList) { params, _ in
            var state: ReceiptRecord.State?
            if let named = params.state {
                guard let known = ReceiptRecord.State(rawValue: named) else {
                    throw RPCError.invalidParams("invalid params: params.state must be printing, printed or failed", path: "params.state")
                }
                state = known
            }
            let page = params.page ?? 0
            guard (0...4_000).contains(page) else {
                throw RPCError.invalidParams("invalid params: params.page must be a page number from 0 to 4000", path: "params.page")
            }
            do {
                let found = try await store.receipts(state: state, page: page, size: ReceiptListResult.pageSize)
                return ReceiptListResult(receipts: found.rows.map { ReceiptDesk.row($0, forCustomer: false) }, page: page, more: found.more)
            } catch { throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))") }
        }
    }

    private func payment(_ id: String) async throws -> PaymentRecord? {
        guard Self.idLength.contains(id.count) else {
            throw RPCError.invalidParams("invalid params: params.payment must be a payment id of 1 to 64 characters", path: "params.payment")
        }
        do { return try await store.payment(id: id) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
    }

    private func account(_ number: String) async throws -> StoredAccount {
        let stored: StoredAccount?
        do { stored = try await store.account(number: number) } catch {
            throw RPCError.app(.storageUnavailable, "the kiosk's database cannot be read right now (\(error))")
        }
        guard let stored else { throw RPCError.app(.notFound, "the payment's account is no longer on this kiosk") }
        return stored
    }
}
