import Foundation
import KioskProtocol

/// "Payment methods": the customer's cards and bank accounts, the default, removal.
public struct MethodsModel: Sendable, Equatable {
    public var methods: [PaymentMethodWire]?
    public var cursor = 0
    /// R was pressed once on this method: a second R removes it.
    public var confirmingRemove: String?
    public var busy = true
    public var message: String?
    public init() {}
}

/// "Save this card for next time": the friendly name being typed.
public struct SaveMethodModel: Sendable, Equatable {
    public var capture: String
    public var bank: Bool
    /// The masked card or account ("VISA •••• 1111", "ACCOUNT ENDING 6789").
    public var masked: String
    public var name = ""
    public var busy = false
    public var message: String?
    public static let maximumName = 40
    public init(capture: String, bank: Bool, masked: String) { self.capture = capture; self.bank = bank; self.masked = masked }
}

/// "Pay by bank account": routing and account number typed on the keypad, drawn as bullets.
/// The digits live here only until the request is made, then they are wiped.
public struct BankEntryModel: Sendable, Equatable {
    public enum Field: Int, Sendable { case routing, account, type }
    public enum Phase: Sendable, Equatable { case typing, sending, read }
    public var routing = ""
    public var account = ""
    public var savings = false
    public var field: Field = .routing
    public var phase: Phase = .typing
    public var capture: String?
    /// "ACCOUNT ENDING 6789" once sealed.
    public var masked: String?
    public var message: String?
    public init() {}
}

extension FrontState {
    // MARK: Payment methods screen

    mutating func openMethods() -> [Effect] {
        screen = .methods(MethodsModel())
        return [send(.methods, Methods.paymentMethodsList, PaymentMethodsListParams(job: session?.job))]
    }

    mutating func methodsKey(_ key: Key, _ model: inout MethodsModel) -> [Effect] {
        defer { if case .methods = screen { screen = .methods(model) } }
        let rows = model.methods?.count ?? 0
        if key != .char("r") && key != .char("R") { model.confirmingRemove = nil }
        switch key {
        case .escape: screen = .home
        case .up: model.cursor = max(0, model.cursor - 1)
        case .down: model.cursor = min(max(0, rows - 1), model.cursor + 1)
        case .pick(let row) where row < rows: model.cursor = row
        case .char("d"), .char("D"):
            guard !model.busy, let method = model.methods?[safe: model.cursor] else { return [] }
            guard method.state == "active" else { model.message = Self.notUsable(method); return [] }
            model.busy = true
            model.message = nil
            return [send(.methodChange, Methods.paymentMethodSetDefault, PaymentMethodIDParams(id: method.id))]
        case .char("r"), .char("R"):
            guard !model.busy, let method = model.methods?[safe: model.cursor] else { return [] }
            guard model.confirmingRemove == method.id else {
                model.confirmingRemove = method.id
                model.message = "Press R again to remove \(method.description)."
                return []
            }
            model.confirmingRemove = nil
            model.busy = true
            model.message = nil
            return [send(.methodChange, Methods.paymentMethodRemove, PaymentMethodIDParams(id: method.id))]
        default: break
        }
        return []
    }

    static func notUsable(_ method: PaymentMethodWire) -> String {
        switch method.state {
        case "expired": "This card has expired, so it cannot be used. Please use another card."
        case "saving": "This one is still being saved. It can be used in a few moments."
        default: "This one could not be saved, so it cannot be used."
        }
    }

    // MARK: Save a card or bank account

    mutating func openSaveMethod(capture: String, bank: Bool, masked: String) -> [Effect] {
        screen = .saveMethod(SaveMethodModel(capture: capture, bank: bank, masked: masked))
        return []
    }

    mutating func saveMethodKey(_ key: Key, _ model: inout SaveMethodModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .saveMethod = screen { screen = .saveMethod(model) } }
        switch key {
        case .escape:
            returnFromSave(model, message: nil)
        case .backspace:
            if !model.name.isEmpty { model.name.removeLast() }
            model.message = nil
        case .enter:
            let name = model.name.trimmingCharacters(in: .whitespaces)
            if !name.isEmpty, Self.hasLongNumber(name) {
                model.message = "Please use a name without long numbers, for example \"Bob's card\"."
                return []
            }
            model.busy = true
            model.message = nil
            return [send(.saveMethod, Methods.paymentMethodSave,
                         PaymentMethodSaveParams(capture: model.capture, name: name.isEmpty ? nil : name, job: session?.job))]
        case .char(let c):
            guard model.name.count < SaveMethodModel.maximumName, c.isLetter || c.isNumber || " '-.&".contains(c) else { return [] }
            model.name.append(c)
            model.message = nil
        default: break
        }
        return []
    }

    /// Back to the swipe or bank screen the save was started from, still ready to pay.
    private mutating func returnFromSave(_ model: SaveMethodModel, message: String?) {
        if model.bank {
            var bank = BankEntryModel()
            bank.phase = .read
            bank.capture = model.capture
            bank.masked = model.masked
            bank.message = message
            screen = .bankEntry(bank)
        } else {
            var swipe = SwipeModel()
            swipe.phase = .read
            swipe.capture = model.capture
            swipe.masked = model.masked
            swipe.message = message
            screen = .swipe(swipe)
        }
    }

    /// Six digits in a row may be a card or account number: the daemon refuses such a name.
    static func hasLongNumber(_ text: String) -> Bool {
        var run = 0
        for c in text {
            if c.isASCII && c.isNumber { run += 1; if run >= 6 { return true } } else if c != " " && c != "-" { run = 0 }
        }
        return false
    }

    // MARK: Pay by bank account

    mutating func bankEntryKey(_ key: Key, _ model: inout BankEntryModel) -> [Effect] {
        guard model.phase != .sending else { return [] }
        defer { if case .bankEntry = screen { screen = .bankEntry(model) } }
        if model.phase == .read {
            switch key {
            case .enter: return beginSignature()
            case .escape: screen = .pay(bankPayModel())
            case .char("v"), .char("V"), .function(3):
                guard let capture = model.capture, draft.savedCapture != capture else { return [] }
                return openSaveMethod(capture: capture, bank: true, masked: model.masked ?? "")
            default: break
            }
            return []
        }
        switch key {
        case .escape:
            model = BankEntryModel()
            screen = .pay(bankPayModel())
        case .tab, .down:
            model.field = BankEntryModel.Field(rawValue: (model.field.rawValue + 1) % 3) ?? .routing
        case .backTab, .up:
            model.field = BankEntryModel.Field(rawValue: (model.field.rawValue + 2) % 3) ?? .routing
        case .backspace:
            switch model.field {
            case .routing: if !model.routing.isEmpty { model.routing.removeLast() }
            case .account: if !model.account.isEmpty { model.account.removeLast() }
            case .type: break
            }
            model.message = nil
        case .char(" ") where model.field == .type, .left where model.field == .type, .right where model.field == .type:
            model.savings.toggle()
        case .char(let c) where c.isASCII && c.isNumber:
            switch model.field {
            case .routing where model.routing.count < 9: model.routing.append(c)
            case .account where model.account.count < 17: model.account.append(c)
            default: break
            }
            model.message = nil
        case .enter:
            if let problem = Self.bankProblem(model) {
                model.message = problem.text
                model.field = problem.field
                return []
            }
            let params = CaptureBeginParams(kind: .bank, routingNumber: model.routing, accountNumber: model.account,
                                            accountType: model.savings ? "savings" : "checking")
            model.masked = "ACCOUNT ENDING \(model.account.suffix(4))"
            // The numbers leave the front in this one request; the model forgets them now.
            model.routing = ""
            model.account = ""
            model.phase = .sending
            model.message = nil
            return [send(.captureBank, Methods.deviceCaptureBegin, params)]
        default: break
        }
        return []
    }

    /// What is wrong with what was typed, in plain words (the daemon checks again).
    static func bankProblem(_ model: BankEntryModel) -> (text: String, field: BankEntryModel.Field)? {
        if model.routing.count != 9 {
            return ("A routing number has 9 digits; you typed \(model.routing.count). It is the first number at the bottom of a check.", .routing)
        }
        if BankAccountEntry.routingProblem(model.routing) != nil {
            return ("That routing number is not right. Please check the 9 digits at the bottom left of a check and type them again.", .routing)
        }
        if BankAccountEntry.accountNumberProblem(model.account) != nil {
            return ("An account number has 4 to 17 digits. Please type it again.", .account)
        }
        return nil
    }

    private func bankPayModel() -> PayModel {
        var model = PayModel()
        model.cards = cards(for: draft.job)
        model.choice = model.cards.count + 1
        if session?.balanceForward == true {
            model.askAmount = true
            model.maximum = session?.balances?.total ?? 0
            let digits = LocaleFormat.fractionDigits(draft.currency)
            model.amountEntry = draft.amount.map { AmountEntry(minor: $0, fractionDigits: digits) } ?? AmountEntry(fractionDigits: digits)
        }
        return model
    }

    // MARK: Replies

    mutating func methodsReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch (screen, purpose) {
        case (.methods(var model), .methods):
            model.busy = false
            switch result {
            case .success(let data):
                model.methods = Wire.decode(PaymentMethodsListResult.self, data)?.methods
                if model.methods == nil { model.message = "The kiosk could not read your payment methods." }
                model.cursor = min(model.cursor, max(0, (model.methods?.count ?? 1) - 1))
            case .failure(let failure):
                model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read your payment methods. Please try again.")
            }
            screen = .methods(model)
        case (.methods(var model), .methodChange):
            switch result {
            case .success:
                model.message = nil
                screen = .methods(model)
                // The list and the pay screen's choices both change.
                return [send(.methods, Methods.paymentMethodsList, PaymentMethodsListParams(job: session?.job)),
                        send(.options, Methods.paymentOptions, PaymentOptionsParams(job: session?.job))]
            case .failure(let failure):
                model.busy = false
                model.message = CustomerText.failure(failure, format, fallback: "That could not be done. Please try again.")
                screen = .methods(model)
            }
        case (.saveMethod(var model), .saveMethod):
            model.busy = false
            switch result {
            case .success(let data):
                let saved = Wire.decode(PaymentMethodWire.self, data)
                draft.savedCapture = model.capture
                let what = model.bank ? "account" : "card"
                returnFromSave(model, message: "Saved as \"\(saved?.description ?? model.masked)\". It is being saved and you can use this \(what) next time.")
            case .failure(let failure):
                model.message = CustomerText.failure(failure, format, fallback: "It could not be saved. You can still pay with it.")
                screen = .saveMethod(model)
            }
        case (.bankEntry(var model), .captureBank):
            switch result {
            case .success(let data):
                guard let capture = Wire.decode(CaptureRef.self, data)?.capture else {
                    model.phase = .typing
                    model.message = "The kiosk could not read its answer. Please type the numbers again."
                    break
                }
                model.phase = .read
                model.capture = capture
                draft.cardCapture = capture
                draft.cardOnFile = nil
                draft.bankAccount = nil
                draft.methodDescription = model.masked ?? "BANK ACCOUNT"
            case .failure(let failure):
                model.phase = .typing
                model.masked = nil
                model.message = Self.bankFailure(failure)
            }
            screen = .bankEntry(model)
        default: break
        }
        return []
    }

    /// The daemon refused the numbers (or could not seal them): plain words, never the numbers.
    static func bankFailure(_ failure: Failure) -> String {
        if failure.message.contains("routing_number") {
            return "That routing number is not right. Please check the 9 digits and type both numbers again."
        }
        if failure.message.contains("account_number") { return "That account number is not right. Please type both numbers again." }
        if failure.kind == ErrorKind.notProvisioned.rawValue { return "Bank accounts cannot be taken right now. Please ask a store employee." }
        return "The bank account could not be taken. Please try again, or ask a store employee."
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
