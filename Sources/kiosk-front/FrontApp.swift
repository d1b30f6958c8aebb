import Foundation
import KioskFront

/// The main loop: keys and replies in, one pure update at a time, the canvas out. Runs on
/// the main thread; the connection lives in its own task and talks through the ``Inbox``.
struct FrontApp {
    let config: FrontConfig
    let socketPath: String

    func run() {
        let inbox = Inbox()
        let link = Link(socketPath: socketPath, inbox: inbox)
        let connection = Task.detached { await link.run() }
        let terminal = Terminal(kiosk: config.kiosk)
        defer { terminal.close(); connection.cancel() }
        let start = ContinuousClock.now
        func now() -> Double {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        var state = FrontState(config: config)
        var canvas = Layout.render(state, width: terminal.width, height: terminal.height)
        terminal.draw(canvas, wipe: true)
        var lastTick = 0.0
        while !terminal.stopRequested {
            var inputs = inbox.drain()
            var redraw = false
            switch terminal.next() {
            case .key(let key)?: inputs.append(.key(key))
            case .click(let row, let column)?: if let key = canvas.key(atRow: row, column: column) { inputs.append(.key(key)) }
            case .resize?: redraw = true
            case nil: break
            }
            if now() - lastTick >= 0.25 {
                inputs.append(.tick)
                lastTick = now()
            }
            var wipe = false
            for input in inputs {
                for effect in state.update(input, now: now()) {
                    switch effect {
                    case .send(let request): link.send(request)
                    case .wipeScreen: wipe = true
                    case .quit: return
                    }
                }
            }
            let next = Layout.render(state, width: terminal.width, height: terminal.height)
            if redraw || wipe || next != canvas {
                terminal.draw(next, wipe: wipe || redraw)
                canvas = next
            }
        }
    }
}
