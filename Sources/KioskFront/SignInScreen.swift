import Foundation
import KioskProtocol

/// Welcome (account number) and PIN: the way in.
extension FrontState {
    static let maxAccountDigits = 20
    static let maxPINDigits = 12

    mutating func welcomeKey(_ key: Key, _ model: inout WelcomeModel) -> [Effect] {
        defer { if case .welcome = screen { screen = .welcome(model) } }
        if let digit = key.digit, model.account.count < Self.maxAccountDigits {
            model.account.append(digit)
            model.message = nil
        } else if key == .backspace {
            _ = model.account.popLast()
        } else if key == .escape {
            model = WelcomeModel()
        } else if key == .enter {
            guard !model.account.isEmpty else {
                model.message = "Type your account number, then press Enter."
                return []
            }
            screen = .pin(PINModel(account: model.account))
        }
        return []
    }

    mutating func pinKey(_ key: Key, _ model: inout PINModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .pin = screen { screen = .pin(model) } }
        if let digit = key.digit, model.pin.count < Self.maxPINDigits {
            model.pin.append(digit)
        } else if key == .backspace {
            _ = model.pin.popLast()
        } else if key == .escape {
            screen = .welcome(WelcomeModel())
        } else if key == .enter {
            guard model.pin.count >= 4 else {
                model.message = "Your PIN has at least 4 digits."
                return []
            }
            let params = SessionBeginParams(account: model.account, pin: model.pin)
            model.pin = ""
            model.busy = true
            model.message = "Checking…"
            return [send(.signIn, Methods.sessionBegin, params)]
        }
        return []
    }

    mutating func signInReply(_ result: Result<Data, Failure>) -> [Effect] {
        guard case .pin(var model) = screen else { return [] }
        model.busy = false
        switch result {
        case .failure(let failure):
            switch failure.kind {
            case ErrorKind.notFound.rawValue:
                // Never repeated on screen: the message stays up for a minute on a public kiosk,
                // and what was typed may be a card number.
                screen = .welcome(WelcomeModel(message: "We could not find that account number. Check it and try again.", at: now))
                return []
            case ErrorKind.lockedOut.rawValue:
                let minutes = max(1, ((failure.retryAfter ?? 60) + 59) / 60)
                model.message = "Too many wrong PINs. You can try again in \(minutes) minute\(minutes == 1 ? "" : "s")."
            case ErrorKind.permissionDenied.rawValue where failure.attemptsLeft != nil:
                let left = failure.attemptsLeft ?? 0
                model.message = "That PIN is not right. \(left) attempt\(left == 1 ? "" : "s") left before sign-in is locked."
            case ErrorKind.storageUnavailable.rawValue:
                model.message = "The kiosk cannot check PINs right now. Please ask a store employee."
            case ErrorKind.permissionDenied.rawValue:
                model.message = "This account cannot sign in at the kiosk. Please ask a store employee."
            default:
                model.message = CustomerText.failure(failure, format, fallback: "Signing in did not work. Please try again, or ask a store employee.")
            }
            screen = .pin(model)
            return []
        case .success(let data):
            guard let begun = Wire.decode(SessionBeginResult.self, data) else {
                model.message = "The kiosk could not read the reply. Please try again."
                screen = .pin(model)
                return []
            }
            session = SessionData(account: begun.account, contactName: begun.contact.name, permissions: begun.contact.permissions,
                                  idleSeconds: Double(begun.expiresIn), endsAt: now + Double(begun.maximumRemaining),
                                  rejections: begun.notices)
            lastKey = now
            screen = .home
            return loadHome()
        }
    }

    /// Reads what home shows for the chosen job (or consolidated), and whether paying can
    /// succeed there: `payment.options` (does the branch take payments at the kiosk?) and a
    /// `payment.quote` of nothing, whose problems say whether a payment of this scope is
    /// still pending (a `conflict` about no item) — the same rule `payment.submit` applies.
    mutating func loadHome() -> [Effect] {
        guard var current = session else { return [] }
        current.payBlock = nil
        current.payChecked = false
        session = current
        let params = AccountParams(account: nil, job: current.job)
        var effects = [send(.accountInfo, Methods.accountGet, AccountParams(account: nil))]
        if current.may("view_balances") {
            effects.append(send(.balances, Methods.accountBalances, params))
            effects.append(send(.summary, Methods.accountSummary, params))
        }
        if current.may("pay") {
            effects.append(send(.options, Methods.paymentOptions, PaymentOptionsParams(job: current.job)))
            effects.append(send(.payCheck, Methods.paymentQuote, PaymentQuoteParams(job: current.job)))
        }
        return effects
    }
}
