/// Welcome and PIN screens.
extension Layout {
    mutating func welcome(_ model: WelcomeModel) {
        let middle = height / 2
        canvas.center(middle - 5, "Welcome to \(state.config.branchName)", .strong)
        // Signing in is by account number (docs/ARCHITECTURE.md): no swipe is invited.
        canvas.center(middle - 3, "Type your account number")
        let field = model.account.isEmpty ? "________" : model.account
        canvas.center(middle, "Account number:  " + field + "  ", .selected)
        canvas.center(middle + 2, "then press Enter", .dim)
        message(model.message)
        buttons([("Enter Continue", .enter), ("Backspace Erase", .backspace), ("Esc Clear", .escape)])
    }

    mutating func pin(_ model: PINModel) {
        let middle = height / 2
        canvas.center(middle - 4, "Account \(model.account)", .strong)
        canvas.center(middle - 2, "Type your PIN")
        let bullets = String(repeating: "●", count: model.pin.count)
        canvas.center(middle, "PIN:  " + bullets.padding(toLength: max(4, bullets.count), withPad: "_", startingAt: 0) + "  ", .selected)
        message(model.message)
        buttons([("Enter Sign in", .enter), ("Backspace Erase", .backspace), ("Esc Back", .escape)])
    }
}
