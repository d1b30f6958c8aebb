import Foundation
import KioskProtocol

/// The autopay rule editor (a new rule, or a rule changed): the payment method, then up to 20
/// criteria rows. Line 0 is the method; line n is row n (1-based on screen).
public struct AutopayEditorModel: Sendable, Equatable {
    /// Which part of a row the cursor is on.
    public enum Part: Sendable, Equatable { case field, op, value(Int) }

    /// nil: a new rule.
    public var ruleID: String?
    public var position: Int?
    /// The account's active cards and bank accounts (`payment_methods.list`); nil while loading.
    public var methods: [PaymentMethodWire]?
    /// The method chosen (kept as the rule had it even when it is no longer offered).
    public var method: AutopayMethodWire?
    public var methodDescription: String?
    public var rows: [AutopayRowDraft]
    public var line = 1
    public var part: Part = .field
    public var terms: AutopayTermsWire?
    /// The signature capture made for this save (set once the pad is done).
    public var signature: String?
    public var busy = false
    public var message: String?
    /// The rule has conditions this front cannot show: saving would drop them, so it is refused.
    public var unreadable = false
    public static let maximumRows = 20

    public init(rule: AutopayRuleWire? = nil, terms: AutopayTermsWire?, fractionDigits: Int = 2) {
        self.terms = terms
        ruleID = rule?.id
        position = rule?.position
        method = rule?.method
        methodDescription = rule?.methodDescription
        rows = (rule?.criteria ?? []).compactMap { AutopayRowDraft($0, fractionDigits: fractionDigits) }
        if rows.isEmpty { rows = [AutopayRowDraft(fractionDigits: fractionDigits)] }
    }

    /// The row under the cursor (nil on the method line).
    var row: Int? { line >= 1 && line <= rows.count ? line - 1 : nil }

    /// The parts of row `index` in Tab order.
    func parts(_ index: Int) -> [Part] {
        guard let row = rows[safe: index] else { return [] }
        return [.field, .op] + (0..<AutopayOperator.boxes(row.op)).map { .value($0) }
    }

    /// The index of the chosen method among `methods`, when it is one of them.
    var methodIndex: Int? {
        methods?.firstIndex { Self.wire($0) == method }
    }

    static func wire(_ method: PaymentMethodWire) -> AutopayMethodWire {
        method.type == "bank_account" ? AutopayMethodWire(bankAccount: method.id) : AutopayMethodWire(cardOnFile: method.id)
    }

    /// A text box is under the cursor: letters type into it instead of acting as keys.
    var typingText: Bool {
        guard let row, case .value = part else { return false }
        return rows[row].field.isText
    }
}

extension FrontState {
    mutating func openAutopayEditor(rule: AutopayRuleWire?, terms: AutopayTermsWire?) -> [Effect] {
        var model = AutopayEditorModel(rule: rule, terms: terms, fractionDigits: LocaleFormat.fractionDigits(session?.currency ?? "USD"))
        if rule == nil, let job = session?.job {
            // A new rule for the job on show starts as "job is <that job>".
            model.rows[0].texts[0] = String(job)
        }
        if let rule, rule.criteria.count != model.rows.count {
            model.unreadable = true
            model.message = Self.unreadableRule
        }
        screen = .autopayEditor(model)
        return [send(.autopayMethods, Methods.paymentMethodsList, PaymentMethodsListParams(job: nil))]
    }

    mutating func autopayEditorKey(_ key: Key, _ model: inout AutopayEditorModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .autopayEditor = screen { screen = .autopayEditor(model) } }
        let typing = model.typingText
        switch key {
        case .escape:
            return openAutopay(message: nil)
        case .enter, .function(10):
            return saveAutopay(&model)
        case .up:
            model.line = max(0, model.line - 1)
            clampPart(&model)
        case .down:
            model.line = min(model.rows.count, model.line + 1)
            clampPart(&model)
        case .pick(let line) where line >= 0 && line <= model.rows.count:
            model.line = line
            clampPart(&model)
        case .tab, .backTab:
            stepPart(&model, forward: key == .tab)
        case .left, .right:
            let step = key == .right ? 1 : -1
            guard let row = model.row else { chooseMethod(&model, step: step); break }
            switch model.part {
            case .field:
                let fields = AutopayField.allCases
                let next = fields[((fields.firstIndex(of: model.rows[row].field) ?? 0) + step + fields.count) % fields.count]
                model.rows[row] = AutopayRowDraft(field: next, fractionDigits: LocaleFormat.fractionDigits(session?.currency ?? "USD"))
            case .op:
                let ops = model.rows[row].field.operators
                model.rows[row].op = ops[((ops.firstIndex(of: model.rows[row].op) ?? 0) + step + ops.count) % ops.count]
                if model.rows[row].op != "one_of" {
                    // A list typed for "one of" is not one value: start the box again.
                    if model.rows[row].texts[0].contains(",") { model.rows[row].texts[0] = "" }
                }
            case .value:
                stepPart(&model, forward: step > 0)
            }
            model.message = nil
        case .char(" ") where !typing:
            // Space on the method or a choice: the next one.
            return autopayEditorKey(.right, &model)
        case .backspace:
            guard let row = model.row, case .value(let box) = model.part else { return [] }
            model.rows[row].erase(box: box)
            model.message = nil
        case .char("+"):
            addRow(&model)
        case .char(let c) where typing:
            guard let row = model.row, case .value(let box) = model.part else { return [] }
            if !model.rows[row].type(c, box: box, groupingSeparator: format.groupingSeparator) { return [] }
            model.message = nil
        case .char(let c) where c == "a" || c == "A":
            addRow(&model)
        case .char(let c) where c == "x" || c == "X":
            // Only on a row's field or operator: a slip while typing a value deletes nothing.
            guard let row = model.row, model.part == .field || model.part == .op else { return [] }
            guard model.rows.count > 1 else { model.message = "A rule needs at least one condition."; return [] }
            model.rows.remove(at: row)
            model.line = min(model.line, model.rows.count)
            clampPart(&model)
            model.message = nil
        case .char(let c):
            guard let row = model.row else { return [] }
            // A digit typed on a row's field or operator goes to its first value.
            if case .value = model.part {} else if c.isASCII && c.isNumber { model.part = .value(0) } else { return [] }
            guard case .value(let box) = model.part else { return [] }
            if !model.rows[row].type(c, box: box, groupingSeparator: format.groupingSeparator) { return [] }
            model.message = nil
        default: break
        }
        return []
    }

    private func clampPart(_ model: inout AutopayEditorModel) {
        guard let row = model.row else { model.part = .field; return }
        if !model.parts(row).contains(model.part) { model.part = .field }
    }

    private func stepPart(_ model: inout AutopayEditorModel, forward: Bool) {
        guard let row = model.row else {
            if forward { model.line = 1; model.part = .field }
            return
        }
        let parts = model.parts(row)
        let index = parts.firstIndex(of: model.part) ?? 0
        let next = index + (forward ? 1 : -1)
        if next >= 0 && next < parts.count {
            model.part = parts[next]
        } else if forward, model.line < model.rows.count {
            model.line += 1
            model.part = .field
        } else if !forward {
            model.line -= 1
            model.part = model.row.map { model.parts($0).last ?? .field } ?? .field
        }
    }

    private func chooseMethod(_ model: inout AutopayEditorModel, step: Int) {
        guard let methods = model.methods, !methods.isEmpty else { return }
        let next = model.methodIndex.map { ($0 + step + methods.count) % methods.count } ?? 0
        model.method = AutopayEditorModel.wire(methods[next])
        model.methodDescription = methods[next].description
        model.message = nil
    }

    private func addRow(_ model: inout AutopayEditorModel) {
        guard model.rows.count < AutopayEditorModel.maximumRows else {
            model.message = "A rule has at most \(AutopayEditorModel.maximumRows) conditions."
            return
        }
        let at = model.row.map { $0 + 1 } ?? model.rows.count
        model.rows.insert(AutopayRowDraft(fractionDigits: LocaleFormat.fractionDigits(session?.currency ?? "USD")), at: at)
        model.line = at + 1
        model.part = .field
        model.message = nil
    }

    /// Checks what the customer typed, then asks for the signature (the terms come after it,
    /// as when paying).
    static let unreadableRule = "Some of this rule's conditions cannot be shown here, so it cannot be changed here. Please ask a store employee."

    private mutating func saveAutopay(_ model: inout AutopayEditorModel) -> [Effect] {
        guard !model.unreadable else { model.message = Self.unreadableRule; return [] }
        guard model.method != nil else {
            model.line = 0
            model.message = model.methods?.isEmpty == true
                ? "No card or bank account is ready to use. Save one under Payment methods first."
                : "Please choose a card or bank account (← →)."
            return []
        }
        for index in model.rows.indices {
            if case .failure(let problem) = model.rows[index].criterion(row: index) {
                model.line = problem.row + 1
                model.part = .value(0)
                model.message = problem.text
                return []
            }
        }
        guard model.terms != nil else {
            model.message = "The autopay terms could not be read. Press Esc and open the rules again."
            return []
        }
        model.message = nil
        model.signature = nil
        autopaySigning = model
        return beginSignature()
    }

    /// The pad is done: the autopay terms follow.
    mutating func autopaySigned(capture: String) {
        guard var model = autopaySigning else { return }
        model.signature = capture
        autopaySigning = model
        screen = .terms(TermsModel(text: model.terms?.text ?? "No terms were provided."))
    }

    /// Back from the pad or the terms to the rule, unsaved.
    mutating func autopayBackToEditor(message: String?) {
        guard var model = autopaySigning else { return }
        autopaySigning = nil
        model.signature = nil
        model.message = message
        screen = .autopayEditor(model)
    }

    /// Terms accepted: the rule is sent with the signature and the terms' hash.
    mutating func sendAutopayRule() -> [Effect] {
        guard var model = autopaySigning, let signature = model.signature, let terms = model.terms, let method = model.method else {
            autopayBackToEditor(message: "Something is missing. Please press Enter to sign again.")
            return []
        }
        autopaySigning = nil
        let criteria = model.rows.indices.compactMap { try? model.rows[$0].criterion(row: $0).get() }
        model.busy = true
        model.message = "Saving your rule…"
        model.signature = nil
        screen = .autopayEditor(model)
        if let id = model.ruleID {
            return [send(.autopaySave, Methods.autopayUpdate,
                         AutopayUpdateParams(id: id, method: method, criteria: criteria, signature: signature, termsSHA256: terms.sha256))]
        }
        return [send(.autopaySave, Methods.autopayCreate,
                     AutopayCreateParams(method: method, criteria: criteria, signature: signature, termsSHA256: terms.sha256))]
    }

    mutating func autopayEditorReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        guard case .autopayEditor(var model) = screen else { return [] }
        defer { if case .autopayEditor = screen { screen = .autopayEditor(model) } }
        switch (purpose, result) {
        case (.autopayMethods, .success(let data)):
            guard let list = Wire.decode(PaymentMethodsListResult.self, data) else {
                model.message = "The kiosk could not read your cards and bank accounts."
                return []
            }
            // Only methods that can pay now are offered (the daemon refuses the others).
            model.methods = list.methods.filter { $0.state == "active" }
            if model.method == nil, let first = model.methods?.first(where: \.isDefault) ?? model.methods?.first {
                model.method = AutopayEditorModel.wire(first)
                model.methodDescription = first.description
            }
        case (.autopayMethods, .failure(let failure)):
            model.methods = []
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read your cards and bank accounts.")
        case (.autopaySave, .success(let data)):
            let rule = Wire.decode(AutopayRuleWire.self, data)
            let saved = rule.map { "Rule \($0.position) is saved." } ?? "The rule is saved."
            return openAutopay(message: saved + " The payments calendar shows what it will pay.")
        case (.autopaySave, .failure(let failure)):
            model.busy = false
            if failure.kind == ErrorKind.invalidRule.rawValue {
                model.message = AutopayText.invalid(reason: failure.reason, row: failure.row,
                                                    fallback: CustomerText.sentence(failure.message, format))
                if let row = failure.row, row >= 0, row < model.rows.count {
                    model.line = row + 1
                    model.part = .field
                } else {
                    model.line = 0
                }
            } else if failure.rule != nil {
                model.message = CustomerText.sentence(failure.message, format)
            } else {
                model.message = "The rule was not saved. " + CustomerText.failure(failure, format, fallback: "Please try again, or ask a store employee.")
            }
        default: break
        }
        return []
    }
}
