/// Draws a ``FrontState`` onto a ``Canvas``: pure, so every screen can be checked as text.
///
/// Every screen shares one frame: a title bar, a warning/banner line, the body, a message
/// line and a help line of buttons (each button is also a click target).
public struct Layout {
    public static let minimumWidth = 80
    public static let minimumHeight = 24

    let state: FrontState
    var canvas: Canvas

    public static func render(_ state: FrontState, width: Int, height: Int) -> Canvas {
        var layout = Layout(state: state, canvas: Canvas(width: width, height: height))
        layout.draw()
        return layout.canvas
    }

    var width: Int { canvas.width }
    var height: Int { canvas.height }
    /// The first and last body rows.
    var top: Int { 3 }
    var bottom: Int { height - 3 }

    mutating func draw() {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else {
            canvas.put(0, 0, "Please make this window larger:", .error)
            canvas.put(1, 0, "at least \(Self.minimumWidth)x\(Self.minimumHeight) (now \(width)x\(height)).", .error)
            return
        }
        titleBar()
        switch state.screen {
        case .unavailable: unavailable()
        case .welcome(let model): welcome(model)
        case .pin(let model): pin(model)
        case .home: home()
        case .details: details()
        case .invoices(let model): invoices(model)
        case .pay(let model): pay(model)
        case .swipe(let model): swipe(model)
        case .signature(let model): signature(model)
        case .terms(let model): terms(model)
        case .confirm(let model): confirm(model)
        case .done(let model): done(model)
        case .statements(let model): statements(model)
        case .credits(let model): credits(model)
        case .history(let model): history(model)
        case .invoiceHistory(let model): invoiceHistory(model)
        case .invoice(let model): invoice(model)
        case .payment(let model): payment(model)
        case .currentStatement(let model): currentStatement(model)
        case .payDay(let model): payDay(model)
        case .scheduled(let model): scheduled(model)
        case .calendar(let model): calendar(model)
        case .pinChange(let model): pinChange(model)
        case .methods(let model): methods(model)
        case .saveMethod(let model): saveMethod(model)
        case .bankEntry(let model): bankEntry(model)
        case .pastStatement(let model): pastStatement(model)
        case .documents(let model): documents(model)
        case .autopay(let model): autopay(model)
        case .autopayEditor(let model): autopayEditor(model)
        }
        if let seconds = state.idleWarning {
            canvas.bar(1, " Are you still there? You will be signed out in \(seconds) s. Press any key to stay.", .warning)
        }
    }

    private mutating func titleBar() {
        canvas.bar(0, " " + state.config.branchName, .title)
        if let session = state.session {
            let right = "\(session.contactName) · Account \(session.account) "
            canvas.put(0, max(0, width - right.count), right, .title)
        }
    }

    /// The message line (errors and hints, in the error style).
    mutating func message(_ text: String?) {
        guard let text, !text.isEmpty else { return }
        for (i, line) in wrap(text, width: width - 2).suffix(2).enumerated() { canvas.put(height - 3 + i, 1, line, .error) }
    }

    /// The help line: buttons "[Enter] Continue", each clickable.
    mutating func buttons(_ items: [(label: String, key: Key)]) {
        var column = 1
        for item in items {
            let text = "[\(item.label)]"
            guard column + text.count < width else { break }
            canvas.put(height - 1, column, text, .strong, key: item.key)
            column += text.count + 2
        }
    }

    /// A "label ........ value" line, value right-aligned at `right`.
    mutating func figure(_ row: Int, _ column: Int, _ label: String, _ value: String, right: Int, _ style: Canvas.Style = .normal) {
        canvas.put(row, column, label, style)
        canvas.put(row, max(column + label.count + 1, right - value.count), value, style)
    }

    func money(_ minor: Int) -> String { state.money(minor) }

    private mutating func unavailable() {
        canvas.center(height / 2 - 1, "Service unavailable, please wait", .warning)
        canvas.center(height / 2 + 1, "The kiosk is reconnecting by itself.", .dim)
        // Why, for whoever comes to fix it: no socket, permission denied, no role.
        if let problem = state.linkProblem {
            for (i, line) in wrap(problem.staffText, width: width - 4).prefix(4).enumerated() {
                canvas.put(height / 2 + 4 + i, 2, line, .dim)
            }
        }
    }
}
