import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// payment_methods.list and payment_method.save / remove / set_default (PROTOCOL.md "Payment
/// methods"): the customer's cards and bank accounts, inside a session that may pay, or for
/// the account staff name. Every change is audited and told to the back office (outbox topic
/// `payment_method`) in the same transaction.
struct PaymentMethodHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let kioskID: String
    let logger: Logger
    let now: @Sendable () -> Date

    func register(in table: inout HandlerTable, link: BackOfficeLink) {
        table.on(Methods.paymentMethodsList) { params, call in
            let methods = try await load(call.account)
            if let job = params.job {
                let stored = try await storeCall { try await store.account(number: call.account ?? "") }
                guard stored?.account.jobs.contains(where: { $0.number == job }) == true else {
                    throw RPCError.app(.notFound, "this account has no such job")
                }
            }
            let scoped = PaymentMethodRules.inScope(methods.methods, job: params.job)
            let chosen = PaymentMethodRules.defaultMethod(scoped, job: params.job, today: methods.today, setDefaults: methods.defaults)
            return PaymentMethodsListResult(methods: scoped.map { Self.wire($0, today: methods.today, isDefault: $0.id == chosen) })
        }
        table.on(Methods.paymentMethodSave) { params, call in
            if let name = params.name, let problem = PaymentMethodRules.nameProblem(name) {
                throw RPCError.invalidParams("invalid params: \(problem)", path: "params.name")
            }
            // The capture must be this connection's own swipe or typed bank account.
            _ = try await devices.requireOwnPayingCapture(params.capture, connection: call.connection, path: "params.capture")
            let save = PaymentMethodSave(account: call.account ?? "", capture: params.capture, name: params.name, job: params.job,
                                         makeDefault: params.isDefault ?? false, contact: call.session?.contact.id, kioskID: kioskID,
                                         now: now(), audit: call.audit())
            let method = try await change { try await store.savePaymentMethod(save) }
            await link.status.ring()
            logger.notice("payment method saved; tokenize request queued", metadata: ["method": "\(method.id)", "account": "\(save.account)"])
            let today = try await load(call.account).today
            return Self.wire(method, today: today, isDefault: false)
        }
        table.on(Methods.paymentMethodRemove) { params, call in
            try await change {
                try await store.removePaymentMethod(account: call.account ?? "", id: params.id, contact: call.session?.contact.id, kioskID: kioskID,
                                                    now: now(), audit: call.audit())
            }
            await link.status.ring()
            return OKResult()
        }
        table.on(Methods.paymentMethodSetDefault) { params, call in
            let method = try await change {
                try await store.setDefaultPaymentMethod(account: call.account ?? "", id: params.id, contact: call.session?.contact.id,
                                                        kioskID: kioskID, now: now(), audit: call.audit())
            }
            await link.status.ring()
            let today = try await load(call.account).today
            return Self.wire(method, today: today, isDefault: true)
        }
    }

    private func load(_ account: String?) async throws -> AccountPaymentMethods {
        guard let methods = try await storeCall({ try await store.paymentMethods(account: account ?? "", now: now()) }) else {
            throw RPCError.app(.notFound, "no account with that number is on this kiosk")
        }
        return methods
    }

    static func wire(_ m: MethodOnFile, today: LocalDate, isDefault: Bool) -> PaymentMethodWire {
        let state = m.state(today: today)
        return PaymentMethodWire(id: m.id, type: m.kind.rawValue, description: m.description, last4: m.last4, brand: m.brand, expiry: m.expiry,
                                 accountType: m.accountType, job: m.job, isDefault: isDefault && state == .active, state: state.rawValue,
                                 error: state == .failed ? m.error : nil)
    }

    private func change<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let refusal as PaymentMethodRefusal {
            switch refusal {
            case .notFound(let text): throw RPCError.app(.notFound, text)
            case .conflict(let text): throw RPCError.app(.conflict, text)
            case .invalid(let path, let text): throw RPCError.invalidParams("invalid params: \(text)", path: path)
            case .usedByRules(let rules):
                var error = RPCError.app(.conflict, refusal.description)
                error.data?.rules = rules
                throw error
            }
        } catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
    }
}
