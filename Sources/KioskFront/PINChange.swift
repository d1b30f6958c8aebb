import Foundation
import KioskProtocol

/// "Change my PIN": the signed-in customer types the current PIN, then the new one twice.
/// The two new ones are compared here; the rules are the daemon's (`invalid_pin`'s reason is
/// shown in plain words). Digits are drawn as bullets only and wiped the moment the request
/// is made, as on sign-in.
public struct PINChangeModel: Sendable, Equatable {
    public enum Step: Sendable, Equatable { case current, new, again, done }
    public var step: Step = .current
    public var current = ""
    public var new = ""
    public var again = ""
    public var busy = false
    public var message: String?
    public init() {}

    /// The digits of the step on show.
    var typed: String {
        switch step {
        case .current: current
        case .new: new
        case .again: again
        case .done: ""
        }
    }
}

extension FrontState {
    /// The longest PIN the rules allow; more digits are not taken.
    static let maxNewPINDigits = 8

    mutating func pinChangeKey(_ key: Key, _ model: inout PINChangeModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .pinChange = screen { screen = .pinChange(model) } }
        if model.step == .done {
            if key == .enter || key == .escape { screen = .home }
            return []
        }
        let limit = model.step == .current ? Self.maxPINDigits : Self.maxNewPINDigits
        if let digit = key.digit, model.typed.count < limit {
            model.message = nil
            switch model.step {
            case .current: model.current.append(digit)
            case .new: model.new.append(digit)
            case .again: model.again.append(digit)
            case .done: break
            }
        } else if key == .backspace {
            switch model.step {
            case .current: _ = model.current.popLast()
            case .new: _ = model.new.popLast()
            case .again: _ = model.again.popLast()
            case .done: break
            }
        } else if key == .escape {
            model = PINChangeModel()
            screen = .home
        } else if key == .enter {
            return pinChangeEnter(&model)
        }
        return []
    }

    private mutating func pinChangeEnter(_ model: inout PINChangeModel) -> [Effect] {
        switch model.step {
        case .current:
            guard model.current.count >= 4 else { model.message = "Your PIN has at least 4 digits."; return [] }
            model.step = .new
        case .new:
            guard model.new.count >= 4 else { model.message = "A PIN has 4 to 8 digits."; return [] }
            model.step = .again
        case .again:
            guard model.again == model.new else {
                model.new = ""
                model.again = ""
                model.step = .new
                model.message = "The two new PINs are not the same. Type the new PIN again."
                return []
            }
            let params = PINChangeParams(oldPIN: model.current, newPIN: model.new)
            model = PINChangeModel()
            model.step = .again
            model.busy = true
            model.message = "Changing your PIN…"
            return [send(.pinChange, Methods.pinChange, params)]
        case .done:
            break
        }
        return []
    }

    /// The words a customer reads for each PIN rule (`invalid_pin`'s `reason`).
    static func pinRuleText(_ reason: String?) -> String {
        switch reason {
        case "not_digits": "A PIN is made of the digits 0 to 9 only."
        case "length": "A PIN has 4 to 8 digits."
        case "same_digit": "A PIN cannot be one digit repeated, like 1111."
        case "run": "A PIN cannot count up or down, like 1234 or 9876."
        default: "That PIN cannot be used. Please choose another."
        }
    }

    mutating func pinChangeReply(_ result: Result<Data, Failure>) -> [Effect] {
        guard case .pinChange(var model) = screen else { return [] }
        model.busy = false
        switch result {
        case .success:
            model = PINChangeModel()
            model.step = .done
            model.message = nil
        case .failure(let failure):
            // Everything typed was wiped when the request was made: start again from the current PIN.
            model = PINChangeModel()
            switch failure.kind {
            case ErrorKind.invalidPIN.rawValue:
                model.message = Self.pinRuleText(failure.reason) + " Your PIN was not changed."
            case ErrorKind.permissionDenied.rawValue where failure.attemptsLeft != nil:
                let left = failure.attemptsLeft ?? 0
                model.message = "That is not your current PIN. \(left) attempt\(left == 1 ? "" : "s") left before sign-in is locked."
            case ErrorKind.lockedOut.rawValue:
                let minutes = max(1, ((failure.retryAfter ?? 60) + 59) / 60)
                return signOut(message: "Too many wrong PINs: you were signed out. You can sign in again in \(minutes) minute\(minutes == 1 ? "" : "s").")
            default:
                model.message = CustomerText.failure(failure, format, fallback: "Your PIN could not be changed. Please try again, or ask a store employee.")
            }
        }
        screen = .pinChange(model)
        return []
    }
}

/// The "Change my PIN" screen.
extension Layout {
    mutating func pinChange(_ model: PINChangeModel) {
        let middle = height / 2
        canvas.put(top, 2, "Change my PIN", .strong)
        if model.step == .done {
            canvas.center(middle - 1, "Your PIN is changed.", .strong)
            canvas.center(middle + 1, "Use your new PIN the next time you sign in.")
            buttons([("Enter Done", .enter)])
            return
        }
        canvas.put(top + 2, 2, "Your new PIN: 4 to 8 digits, not one digit repeated (1111),", .dim)
        canvas.put(top + 3, 2, "and not digits counting up or down (1234, 9876).", .dim)
        let steps: [(PINChangeModel.Step, String, String)] = [
            (.current, "Current PIN", model.current), (.new, "New PIN", model.new), (.again, "New PIN again", model.again),
        ]
        for (i, (step, label, digits)) in steps.enumerated() {
            let row = middle - 2 + i * 2
            let bullets = String(repeating: "●", count: digits.count)
            let field = bullets.padding(toLength: max(4, bullets.count), withPad: "_", startingAt: 0)
            let active = step == model.step
            canvas.put(row, 20, (label + ":").padding(toLength: 16, withPad: " ", startingAt: 0), active ? .strong : .dim)
            canvas.put(row, 36, field + "  ", active ? .selected : .normal)
        }
        message(model.message)
        let enter = model.step == .again ? "Enter Change PIN" : "Enter Next"
        buttons([(enter, .enter), ("Backspace Erase", .backspace), ("Esc Back", .escape)])
    }
}
