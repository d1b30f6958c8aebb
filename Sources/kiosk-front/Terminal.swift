#if canImport(Glibc)
import Glibc
#endif
import CNcursesw
import KioskFront

/// The curses side: starts and ends the screen, reads keys and clicks, and copies a
/// ``Canvas`` to the terminal. It only draws; what to draw is decided by the models.
final class Terminal {
    enum Event { case key(Key), click(row: Int, column: Int), resize }

    private var styles: [Canvas.Style: Int32] = [:]

    /// The locale must already be prepared (``TextLocale/prepare()``): curses reads it here.
    init(kiosk: Bool) {
        if kiosk {
            // Ctrl-C/Ctrl-Z/Ctrl-\ arrive as keys in raw mode; ignore the signals as well in
            // case another program sends them.
            signal(SIGINT, SIG_IGN)
            signal(SIGTSTP, SIG_IGN)
            signal(SIGQUIT, SIG_IGN)
        }
        kiosk_install_stop_handlers()
        initscr()
        raw()
        noecho()
        curs_set(0)
        _ = kiosk_keypad_on()
        set_escdelay(25)
        _ = kiosk_timeout(50)
        mousemask(mmask_t(kiosk_click_mask()), nil)
        mouseinterval(0)
        setUpStyles()
    }

    /// High-contrast colours when the terminal has them; bold/reverse/underline otherwise.
    private func setUpStyles() {
        let bold = Int32(kiosk_attr_bold()), reverse = Int32(kiosk_attr_reverse()), underline = Int32(kiosk_attr_underline())
        if has_colors() {
            start_color()
            init_pair(1, Int16(COLOR_WHITE), Int16(COLOR_BLUE))
            init_pair(2, Int16(COLOR_BLACK), Int16(COLOR_YELLOW))
            init_pair(3, Int16(COLOR_WHITE), Int16(COLOR_RED))
            init_pair(4, Int16(COLOR_WHITE), Int16(COLOR_BLACK))
            init_pair(5, Int16(COLOR_BLACK), Int16(COLOR_CYAN))
            _ = kiosk_bkgd(kiosk_color_pair(4))
            styles = [.normal: Int32(kiosk_color_pair(4)), .title: Int32(kiosk_color_pair(1)) | bold,
                      .warning: Int32(kiosk_color_pair(2)) | bold, .error: Int32(kiosk_color_pair(3)) | bold,
                      .selected: Int32(kiosk_color_pair(5)) | bold, .dim: Int32(kiosk_color_pair(4)), .strong: Int32(kiosk_color_pair(4)) | bold]
        } else {
            styles = [.normal: 0, .title: reverse | bold, .warning: reverse | bold, .error: bold | underline,
                      .selected: reverse, .dim: 0, .strong: bold]
        }
    }

    var width: Int { Int(kiosk_cols()) }
    var height: Int { Int(kiosk_lines()) }

    /// The next key, click or resize, waiting at most 50 ms.
    func next() -> Event? {
        let code = kiosk_getch()
        switch code {
        case ERR: return nil
        case KEY_RESIZE: return .resize
        case KEY_MOUSE:
            var row: Int32 = 0, column: Int32 = 0
            return kiosk_mouse_cell(&row, &column) == 0 ? .click(row: Int(row), column: Int(column)) : nil
        default:
            return Self.key(code).map(Event.key)
        }
    }

    static func key(_ code: Int32) -> Key? {
        switch code {
        case 10, 13, KEY_ENTER: return .enter
        case 27: return .escape
        case 9: return .tab
        case KEY_BTAB: return .backTab
        case 8, 127, KEY_BACKSPACE: return .backspace
        case 3, 26, 28: return .interrupt
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case kiosk_key_f(1)...kiosk_key_f(24): return .function(Int(code - kiosk_key_f(0)))
        case 32...126: return .char(Character(Unicode.Scalar(UInt8(code))))
        default: return nil
        }
    }

    /// Copies a canvas to the screen; `wipe` clears every cell first (after sign-out).
    func draw(_ canvas: Canvas, wipe: Bool) {
        _ = wipe ? kiosk_clear() : kiosk_erase()
        for run in canvas.runs {
            _ = kiosk_attrset(styles[run.style] ?? 0)
            _ = kiosk_put(Int32(run.row), Int32(run.column), run.text)
        }
        _ = kiosk_attrset(styles[.normal] ?? 0)
        _ = kiosk_refresh()
    }

    /// SIGTERM or SIGHUP arrived: leave the loop and restore the terminal.
    var stopRequested: Bool { kiosk_stop_requested() != 0 }

    func close() { endwin() }
}
