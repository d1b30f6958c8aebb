import Foundation
import KioskCore
import KioskJSON
import KioskProtocol
import KioskStore
import Logging

/// `autopay.list/create/update/move/enable/disable/delete` (PROTOCOL.md "Autopay rules"): an
/// account's rules, for a session whose contact may manage autopay or for the account staff
/// name. A customer signs and accepts the autopay terms to create or change a rule, and may
/// not touch a locked one; staff may do all. Every change is audited and told to the back
/// office (topic `autopay`) in the same transaction.
struct AutopayHandlers: Sendable {
    let store: KioskStore
    let devices: DeviceManager
    let kioskID: String
    let logger: Logger
    let now: @Sendable () -> Date

    static var terms: AutopayTermsWire {
        AutopayTermsWire(text: AutopayTerms.text, sha256: PaymentHandlers.hashing.sha256(Data(AutopayTerms.text.utf8)))
    }

    func register(in table: inout HandlerTable, link: BackOfficeLink) {
        table.on(Methods.autopayList) { _, call in
            guard let rules = try await storeCall({ try await store.autopayRules(account: call.account ?? "", now: now()) }) else {
                throw RPCError.app(.notFound, "no account with that number is on this kiosk")
            }
            return AutopayListResult(rules: rules.map(Self.wire), terms: Self.terms)
        }
        table.on(Methods.autopayCreate) { p, call in
            if call.session != nil, p.locked != nil { throw Self.lockedBySession(nil) }
            let method = try Self.method(p.method, path: "params.method")
            let criteria = try Self.criteria(p.criteria, path: "params.criteria")
            let consent = try await consent(signature: p.signature, terms: p.termsSHA256, call: call)
            let edit = AutopayEdit.create(method: method, criteria: criteria, enabled: p.enabled ?? true, position: p.position, locked: p.locked ?? false)
            let (id, rules) = try await change(edit, consent: consent, call: call, link: link)
            return try Self.rule(id, in: rules)
        }
        table.on(Methods.autopayUpdate) { p, call in
            if call.session != nil, p.locked != nil { throw Self.lockedBySession(p.id) }
            var method: AutopayMethod?
            if let given = p.method {
                // Given, it must name one; `{}` is a rule without a method.
                guard let named = try Self.method(given, path: "params.method") else {
                    throw Self.rpc(.invalid(AutopayValidation.problem(method: nil, criteria: [], onFile: nil, jobs: [])!))
                }
                method = named
            }
            let criteria = try p.criteria.map { try Self.criteria($0, path: "params.criteria") }
            let consent = try await consent(signature: p.signature, terms: p.termsSHA256, call: call)
            let (id, rules) = try await change(.update(id: p.id, method: method, criteria: criteria, locked: p.locked), consent: consent, call: call, link: link)
            return try Self.rule(id, in: rules)
        }
        table.on(Methods.autopayMove) { p, call in
            AutopayRulesResult(rules: try await change(.move(id: p.id, position: p.position), consent: nil, call: call, link: link).rules.map(Self.wire))
        }
        table.on(Methods.autopayEnable) { p, call in
            let (id, rules) = try await change(.setEnabled(id: p.id, true), consent: nil, call: call, link: link)
            return try Self.rule(id, in: rules)
        }
        table.on(Methods.autopayDisable) { p, call in
            let (id, rules) = try await change(.setEnabled(id: p.id, false), consent: nil, call: call, link: link)
            return try Self.rule(id, in: rules)
        }
        table.on(Methods.autopayDelete) { p, call in
            _ = try await change(.delete(id: p.id), consent: nil, call: call, link: link)
            return OKResult()
        }
    }

    /// A session's signature (its own capture) and the terms' hash; staff give neither.
    private func consent(signature: String?, terms: String?, call: Call) async throws -> AutopayConsent? {
        guard let session = call.session else { return nil }
        guard let signature else {
            throw RPCError.invalidParams("invalid params: signature is required: the customer signs on the pad to save an autopay rule", path: "params.signature")
        }
        guard let terms else {
            throw RPCError.invalidParams("invalid params: terms_sha256 is required: the hash of the autopay terms autopay.list gave", path: "params.terms_sha256")
        }
        guard terms.count == 64, terms.allSatisfy(\.isHexDigit) else {
            throw RPCError.invalidParams("invalid params: terms_sha256 must be the 64 hex digits autopay.list gave", path: "params.terms_sha256")
        }
        try await devices.requireOwnCapture(signature, kind: .signature, connection: call.connection)
        return AutopayConsent(contact: session.contact.id, signatureCapture: signature, termsSHA256: terms)
    }

    private func change(_ edit: AutopayEdit, consent: AutopayConsent?, call: Call, link: BackOfficeLink) async throws -> (changed: String, rules: [ListedAutopayRule]) {
        let change = AutopayRuleChange(account: call.account ?? "", edit: edit, contact: call.session?.contact.id, consent: consent,
                                       by: call.session == nil ? call.caller.role.rawValue : "contact", kioskID: kioskID, now: now(), audit: call.audit())
        let result: (changed: String, rules: [ListedAutopayRule])
        do { result = try await store.changeAutopayRules(change, crypto: PaymentHandlers.hashing) }
        catch let refusal as AutopayRefusal { throw Self.rpc(refusal) }
        catch let error as StoreError { throw RPCError.app(.storageUnavailable, "the rule could not be saved, so nothing changed: \(error.description)") }
        await link.status.ring()
        logger.notice("autopay rules changed", metadata: ["account": "\(change.account)", "rule": "\(result.changed)"])
        return result
    }

    static func rpc(_ refusal: AutopayRefusal) -> RPCError {
        switch refusal {
        case .notFound(let text): return .app(.notFound, text)
        case .conflict(let text): return .app(.conflict, text)
        case .locked(let rule): return lockedBySession(rule)
        case .invalidParams(let path, let text): return .invalidParams("invalid params: \(text)", path: path)
        case .signature(let text): return .app(.conflict, text)
        case .invalid(let problem):
            var error = RPCError.app(.invalidRule, "the rule cannot be saved: \(problem.description)")
            error.data?.row = problem.row
            error.data?.reason = problem.reason.rawValue
            return error
        }
    }

    /// A customer may not touch a locked rule, nor lock one.
    static func lockedBySession(_ rule: String?) -> RPCError {
        var error = RPCError.app(.permissionDenied, rule == nil ? "only the store can lock an autopay rule"
                                                                 : "this rule is locked by the store: ask the store to change it")
        error.data?.rule = rule
        return error
    }

    static func rule(_ id: String, in rules: [ListedAutopayRule]) throws -> AutopayRuleWire {
        guard let rule = rules.first(where: { $0.rule.id == id }) else { throw RPCError.app(.notFound, "the rule is gone") }
        return wire(rule)
    }

    static func wire(_ r: ListedAutopayRule) -> AutopayRuleWire {
        let method: AutopayMethodWire = switch r.rule.method {
        case .cardOnFile(let id): AutopayMethodWire(cardOnFile: id)
        case .bankAccount(let id): AutopayMethodWire(bankAccount: id)
        }
        return AutopayRuleWire(id: r.rule.id, position: r.rule.position, method: method, enabled: r.rule.enabled, locked: r.rule.locked,
                               criteria: r.rule.criteria.map { row in
                                   AutopayCriterionWire(field: row.field, op: row.op, values: row.values.map { value in
                                       switch value {
                                       case .number(let n): .integer(Int64(n))
                                       case .text(let s): .string(s)
                                       case .other: .null
                                       }
                                   })
                               },
                               methodDescription: r.methodDescription, source: r.source, pendingSync: r.pendingSync, problem: r.problem?.rawValue)
    }

    /// Exactly one of card_on_file and bank_account; neither is a rule without a method
    /// (`invalid_rule` `no_method`, from validation), both a malformed param.
    static func method(_ m: AutopayMethodWire, path: String) throws -> AutopayMethod? {
        switch (m.cardOnFile, m.bankAccount) {
        case (let card?, nil): return .cardOnFile(card)
        case (nil, let bank?): return .bankAccount(bank)
        case (nil, nil): return nil
        default: throw RPCError.invalidParams("invalid params: method takes one of card_on_file and bank_account, not both", path: path)
        }
    }

    /// Rows as sent: a value of the wrong type is kept, to be refused by validation naming its row.
    /// A text that could be card data is refused here, before it can be stored or echoed.
    static func criteria(_ rows: [AutopayCriterionWire], path: String) throws -> [AutopayCriterion] {
        guard rows.count <= 1_000 else { throw RPCError.invalidParams("invalid params: criteria has too many rows (at most 20 are allowed)", path: path) }
        for (n, row) in rows.enumerated() {
            for value in row.values {
                guard case .string(let text) = value, CardDataPattern.appears(in: text) else { continue }
                var error = RPCError.app(.invalidRule, "the rule cannot be saved: row \(n + 1): a value looks like a card number; rules never hold card data")
                error.data?.row = n
                error.data?.reason = InvalidRule.Reason.badValue.rawValue
                throw error
            }
        }
        return rows.map { row in
            AutopayCriterion(field: row.field, op: row.op, values: row.values.map { value in
                switch value {
                case .integer(let n): Int(exactly: n).map(AutopayValue.number) ?? .other
                case .string(let s): .text(s)
                default: .other
                }
            })
        }
    }

    private func storeCall<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as StoreError { throw RPCError.app(.storageUnavailable, error.description) }
    }
}
