import KioskProtocol

/// Payment methods (list, default, remove), saving a card or bank account with a friendly
/// name, and typing a bank account.
extension Layout {
    mutating func methods(_ model: MethodsModel) {
        canvas.put(top, 2, "Payment methods  \(state.session?.jobName ?? "")", .strong)
        guard let methods = model.methods else {
            canvas.put(top + 2, 2, model.busy ? "Loading…" : "", .dim)
            message(model.message)
            buttons([("Esc Back", .escape)])
            return
        }
        if methods.isEmpty {
            canvas.put(top + 2, 2, "No cards or bank accounts are saved yet.", .dim)
            canvas.put(top + 3, 2, "Swipe a card when you pay, then press V to save it for next time.", .dim)
        } else {
            canvas.put(top + 1, 2, "  Card / account        Expires  Name                  Status", .dim)
        }
        let first = top + 2, visible = bottom - first - 1
        let start = max(0, min(model.cursor - visible + 1, methods.count - visible))
        for (offset, method) in methods.dropFirst(start).prefix(visible).enumerated() {
            let row = start + offset
            let kind = method.type == "card" ? "\((method.brand ?? "card").uppercased()) •••• \(method.last4)" : "BANK •••• \(method.last4)"
            let expires = method.expiry.map { expiry in
                let parts = expiry.split(separator: "-")
                return parts.count == 2 ? "\(parts[1])/\(parts[0])" : expiry
            } ?? ""
            let status = switch method.state {
            case "expired": "Expired (not offered)"
            case "saving": "Being saved"
            case "failed": "Could not be saved"
            default: method.isDefault ? "Default" : "Ready"
            }
            let text = (row == model.cursor ? "▸ " : "  ") + kind.padding(toLength: 22, withPad: " ", startingAt: 0)
                + expires.padding(toLength: 9, withPad: " ", startingAt: 0)
                + String(method.description.prefix(21)).padding(toLength: 22, withPad: " ", startingAt: 0) + status
            let style: Canvas.Style = row == model.cursor ? .selected : (method.state == "active" ? .normal : .dim)
            canvas.put(first + offset, 2, String(text.prefix(76)).padding(toLength: 76, withPad: " ", startingAt: 0), style, key: .pick(row))
        }
        if let method = methods[safe: model.cursor], method.state == "failed", let error = method.error, model.message == nil {
            message("Could not be saved: " + error)
        } else {
            message(model.busy && model.methods != nil ? "Working…" : model.message)
        }
        buttons([("↑↓ Choose", .down), ("D Make default", .char("d")), ("R Remove", .char("r")), ("Esc Back", .escape)])
    }

    mutating func saveMethod(_ model: SaveMethodModel) {
        canvas.put(top, 2, model.bank ? "Save this bank account for next time" : "Save this card for next time", .strong)
        canvas.put(top + 2, 4, model.masked, .selected)
        canvas.put(top + 4, 4, "A name to know it by (optional), for example \"Bob's primary card\":")
        canvas.put(top + 6, 4, "Name: ")
        canvas.put(top + 6, 10, " " + model.name.padding(toLength: SaveMethodModel.maximumName, withPad: "_", startingAt: 0) + " ", .selected)
        canvas.put(top + 8, 4, "It is kept by the store's payment service, never on this kiosk.", .dim)
        canvas.put(top + 9, 4, "It shows as \"being saved\" until the store confirms it.", .dim)
        message(model.busy ? "Saving…" : model.message)
        buttons([("Enter Save", .enter), ("Esc Skip", .escape)])
    }

    mutating func bankEntry(_ model: BankEntryModel) {
        canvas.put(top, 2, "Pay by bank account", .strong)
        figure(top + 1, 2, "Amount", money(state.draft.total), right: 40)
        if model.phase == .read {
            let middle = height / 2
            canvas.center(middle - 1, "Bank account:", .strong)
            canvas.center(middle + 1, (model.masked ?? "") + (model.savings ? " (savings)" : ""), .selected)
            canvas.center(middle + 3, "Press Enter to continue", .dim)
            message(model.message)
            var keys: [(label: String, key: Key)] = [("Enter Continue", .enter)]
            if let capture = model.capture, state.draft.savedCapture != capture { keys.append(("V Save this account for next time", .char("v"))) }
            keys.append(("Esc Back", .escape))
            buttons(keys)
            return
        }
        canvas.put(top + 3, 4, "Type the numbers from the bottom of one of your checks.", .dim)
        let fields: [(label: String, value: String, field: BankEntryModel.Field)] = [
            ("Routing number (9 digits):", bullets(model.routing, of: 9), .routing),
            ("Account number:", bullets(model.account, of: nil), .account),
            ("Account type:", model.savings ? "( ) Checking   (•) Savings" : "(•) Checking   ( ) Savings", .type),
        ]
        for (i, item) in fields.enumerated() {
            let row = top + 5 + 2 * i
            let on = item.field == model.field
            canvas.put(row, 4, (on ? "▸ " : "  ") + item.label, on ? .strong : .normal)
            canvas.put(row, 34, " " + item.value + " ", on ? .selected : .normal)
        }
        canvas.put(top + 12, 4, "Shown as dots, sent sealed to the store; this kiosk keeps neither number.", .dim)
        message(model.phase == .sending ? "Checking the bank account…" : model.message)
        buttons([("Tab Next field", .tab), ("Space Type", .char(" ")), ("Enter Continue", .enter), ("Esc Back", .escape)])
    }

    /// "●●●●●______": one dot per digit typed (never the digit), blanks up to `length`.
    private func bullets(_ digits: String, of length: Int?) -> String {
        let dots = String(repeating: "●", count: digits.count)
        guard let length else { return dots.isEmpty ? "—" : dots + " (\(digits.count) digits)" }
        return dots + String(repeating: "_", count: max(0, length - digits.count))
    }
}
