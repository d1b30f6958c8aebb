import Foundation
import KioskProtocol

/// "Autopay rules": the account's rules in the order they are tried, each one's conditions,
/// method and state; moving, turning on and off, deleting, and opening the editor.
public struct AutopayModel: Sendable, Equatable {
    public var rules: [AutopayRuleWire]?
    public var terms: AutopayTermsWire?
    public var cursor = 0
    /// X was pressed once on this rule: a second X deletes it.
    public var confirmingDelete: String?
    public var busy = true
    public var message: String?
    public init() {}

    var chosen: AutopayRuleWire? { rules?[safe: cursor] }
}

extension FrontState {
    mutating func openAutopay(message: String?) -> [Effect] {
        var model = AutopayModel()
        model.message = message
        // Coming back from the editor, the cursor stays on the rule it was on.
        if case .autopayEditor(let editor) = screen, let position = editor.position { model.cursor = position - 1 }
        screen = .autopay(model)
        return [send(.autopayList, Methods.autopayList, AutopayListParams())]
    }

    /// A locked rule cannot be changed here: the sentence says so and who can.
    static func lockedSentence(_ rule: AutopayRuleWire) -> String {
        "Rule \(rule.position) is locked by the store, so it cannot be changed here. Please ask a store employee."
    }

    mutating func autopayKey(_ key: Key, _ model: inout AutopayModel) -> [Effect] {
        defer { if case .autopay = screen { screen = .autopay(model) } }
        let count = model.rules?.count ?? 0
        let deleting = key == .char("x") || key == .char("X")
        if !deleting { model.confirmingDelete = nil }
        switch key {
        case .escape:
            screen = .home
            return []
        case .up:
            model.cursor = max(0, model.cursor - 1); model.message = nil
            return []
        case .down:
            model.cursor = min(max(0, count - 1), model.cursor + 1); model.message = nil
            return []
        case .pick(let row) where row >= 0 && row < count:
            model.cursor = row; model.message = nil
            return []
        default: break
        }
        guard !model.busy, model.rules != nil else { return [] }
        switch key {
        case .char("n"), .char("N"):
            guard count < 50 else { model.message = "This account has as many rules as it can hold."; return [] }
            return openAutopayEditor(rule: nil, terms: model.terms)
        case .enter, .char("u"), .char("U"), .char("+"), .char("j"), .char("J"), .char("-"), .char("o"), .char("O"), .char("x"), .char("X"):
            guard let rule = model.chosen else { return [] }
            guard !rule.locked else { model.message = Self.lockedSentence(rule); return [] }
            return autopayChange(key, rule, count: count, &model)
        default:
            return []
        }
    }

    private mutating func autopayChange(_ key: Key, _ rule: AutopayRuleWire, count: Int, _ model: inout AutopayModel) -> [Effect] {
        switch key {
        case .enter:
            return openAutopayEditor(rule: rule, terms: model.terms)
        case .char("u"), .char("U"), .char("+"):
            guard rule.position > 1 else { model.message = "Rule \(rule.position) is already tried first."; return [] }
            model.busy = true; model.message = nil
            return [send(.autopayChange, Methods.autopayMove, AutopayMoveParams(id: rule.id, position: rule.position - 1))]
        case .char("j"), .char("J"), .char("-"):
            guard rule.position < count else { model.message = "Rule \(rule.position) is already tried last."; return [] }
            model.busy = true; model.message = nil
            return [send(.autopayChange, Methods.autopayMove, AutopayMoveParams(id: rule.id, position: rule.position + 1))]
        case .char("o"), .char("O"):
            model.busy = true; model.message = nil
            let method = rule.enabled ? Methods.autopayDisable : Methods.autopayEnable
            return [send(.autopayChange, method, AutopayIDParams(id: rule.id))]
        default:  // X
            guard model.confirmingDelete == rule.id else {
                model.confirmingDelete = rule.id
                model.message = "Press X again to delete rule \(rule.position). Payments it already made stay as they are."
                return []
            }
            model.confirmingDelete = nil
            model.busy = true; model.message = nil
            return [send(.autopayChange, Methods.autopayDelete, AutopayIDParams(id: rule.id))]
        }
    }

    mutating func autopayReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch purpose {
        case .autopayMethods, .autopaySave:
            return autopayEditorReply(purpose, result)
        case .autopayPositions:
            if case .history(var model) = screen, case .success(let data) = result, let list = Wire.decode(AutopayListResult.self, data) {
                model.rulePositions = Dictionary(list.rules.map { ($0.id, $0.position) }, uniquingKeysWith: { first, _ in first })
                screen = .history(model)
            }
            return []
        default: break
        }
        guard case .autopay(var model) = screen else { return [] }
        defer { if case .autopay = screen { screen = .autopay(model) } }
        let chosenID = model.chosen?.id
        switch (purpose, result) {
        case (.autopayList, .success(let data)):
            model.busy = false
            guard let list = Wire.decode(AutopayListResult.self, data) else {
                model.message = "The kiosk could not read your autopay rules. Please try again."
                return []
            }
            model.rules = list.rules.sorted { $0.position < $1.position }
            model.terms = list.terms
        case (.autopayList, .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read your autopay rules. Please try again.")
            return []
        case (.autopayChange, .success(let data)):
            model.busy = false
            if let moved = Wire.decode(AutopayRulesResult.self, data) {
                model.rules = moved.rules.sorted { $0.position < $1.position }
            } else if let rule = Wire.decode(AutopayRuleWire.self, data), let index = model.rules?.firstIndex(where: { $0.id == rule.id }) {
                model.rules?[index] = rule
            } else {
                // Deleted: the rules after it moved up; the list says how they stand now.
                model.busy = true
                model.cursor = max(0, min(model.cursor, (model.rules?.count ?? 1) - 2))
                return [send(.autopayList, Methods.autopayList, AutopayListParams())]
            }
        case (.autopayChange, .failure(let failure)):
            model.busy = false
            // A locked rule's refusal names it and says why in kioskd's own sentence.
            model.message = failure.rule != nil
                ? CustomerText.sentence(failure.message, format)
                : CustomerText.failure(failure, format, fallback: "That could not be done. Please try again.")
            return []
        default:
            return []
        }
        if let chosenID, let index = model.rules?.firstIndex(where: { $0.id == chosenID }) { model.cursor = index }
        model.cursor = min(model.cursor, max(0, (model.rules?.count ?? 1) - 1))
        return []
    }
}
