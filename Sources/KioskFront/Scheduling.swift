import Foundation
import KioskProtocol

/// Choosing a day on a month calendar: for the payment being made (from the confirm screen)
/// or to move a scheduled one.
public struct PayDayModel: Sendable, Equatable {
    public enum Purpose: Sendable, Equatable {
        case payment
        case reschedule(id: String)
    }
    public var purpose: Purpose
    /// The day under the cursor, and the first and last days that may be chosen.
    var cursor: CalendarDay
    var today: CalendarDay
    var latest: CalendarDay
    /// Digits typed to jump to a day of the shown month ("1", then "15").
    var typed = ""
    public var busy = false
    public var message: String?
    /// The screen Esc goes back to.
    public var back: Screen

    init(purpose: Purpose, cursor: CalendarDay, today: CalendarDay, latest: CalendarDay, back: Screen) {
        self.purpose = purpose; self.cursor = cursor; self.today = today; self.latest = latest; self.back = back
    }

    public var chosen: String { cursor.text }
}

/// The customer's payments for a later day (scheduled, or waiting for a pending one).
public struct ScheduledModel: Sendable, Equatable {
    public var rows: [HistoryResult.Row]?
    /// Scheduled and waiting payments found on the history pages read so far: the screen
    /// shows them all, so it reads every page (100 a page) before it shows any.
    var gathering: [HistoryResult.Row] = []
    public var cursor = 0
    /// The payment the customer asked to cancel: a second C cancels it.
    public var cancelling: String?
    public var busy = false
    public var message: String?
    public init() {}
}

extension FrontState {
    /// Today and the last day a payment may be dated, from `payment.options`.
    var payWindow: (today: CalendarDay, latest: CalendarDay)? {
        guard let window = session?.options?.payWindow, let today = CalendarDay(window.today), let latest = CalendarDay(window.latest),
              today <= latest else { return nil }
        return (today, latest)
    }

    mutating func openPayDay(_ purpose: PayDayModel.Purpose, from current: String?, back: Screen) -> [Effect] {
        guard let window = payWindow else { return [] }
        let start = current.flatMap(CalendarDay.init).map { min(max($0, window.today), window.latest) } ?? window.today
        screen = .payDay(PayDayModel(purpose: purpose, cursor: start, today: window.today, latest: window.latest, back: back))
        return []
    }

    mutating func payDayKey(_ key: Key, _ model: inout PayDayModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .payDay = screen { screen = .payDay(model) } }
        var next = key.movingDay(model.cursor, today: model.today)
        switch key {
        case .backspace: model.typed = ""
        case .escape: screen = model.back; return []
        case .enter: return choose(&model)
        default:
            guard next == nil, let digit = key.digit else { break }
            // A day of the shown month by its number: "2" then "4" is the 24th.
            model.typed = model.typed.count >= 2 ? String(digit) : model.typed + String(digit)
            let shown = model.cursor
            if let day = Int(model.typed), let wanted = CalendarDay(year: shown.year, month: shown.month, day: day) {
                next = wanted
            } else if model.typed.count >= 2 {
                model.typed = String(digit)
                next = Int(model.typed).flatMap { CalendarDay(year: shown.year, month: shown.month, day: $0) }
            }
        }
        if case .char(let c) = key, c.isNumber {} else { model.typed = "" }
        guard let next else { return [] }
        // The window's ends hold: a day before today or past a year ahead is not offered.
        let clamped = min(max(next, model.today), model.latest)
        model.message = clamped == next ? nil : (next < model.today ? "That day has passed." : "A payment can be made at most a year ahead.")
        model.cursor = clamped
        return []
    }

    private mutating func choose(_ model: inout PayDayModel) -> [Effect] {
        switch model.purpose {
        case .payment:
            draft.payOn = model.cursor == model.today ? nil : model.cursor.text
            screen = model.back
            return []
        case .reschedule(let id):
            model.busy = true
            model.message = "Moving your payment…"
            return [send(.reschedule, Methods.paymentReschedule, PaymentRescheduleParams(id: id, payOn: model.cursor.text))]
        }
    }

    mutating func openScheduled() -> [Effect] {
        screen = .scheduled(ScheduledModel())
        return [scheduledPage(0)]
    }

    /// One page of the history, to find the payments for a later day on every page.
    private mutating func scheduledPage(_ page: Int) -> Effect {
        send(.scheduled, Methods.historyList, HistoryParams(job: session?.job, page: page, limit: PageWindow.limits.upperBound))
    }

    mutating func scheduledKey(_ key: Key, _ model: inout ScheduledModel) -> [Effect] {
        guard !model.busy else { return [] }
        defer { if case .scheduled = screen { screen = .scheduled(model) } }
        let rows = model.rows ?? []
        let selected = model.cursor < rows.count ? rows[model.cursor] : nil
        if key != .char("c"), key != .char("C") { model.cancelling = nil }
        switch key {
        case .up: model.cursor = max(0, model.cursor - 1)
        case .down: model.cursor = min(max(0, rows.count - 1), model.cursor + 1)
        case .pick(let row) where row < rows.count: model.cursor = row
        case .escape: screen = .home
        case .enter:
            guard let selected else { return [] }
            return openPayment(selected.id, back: .scheduled(model))
        case .char("r"), .char("R"):
            guard let selected else { return [] }
            return openPayDay(.reschedule(id: selected.id), from: selected.payOn, back: .scheduled(model))
        case .char("c"), .char("C"):
            guard let selected else { return [] }
            guard model.cancelling == selected.id else {
                model.cancelling = selected.id
                model.message = "Press C again to cancel payment \(selected.id) of \(money(selected.amount)). Any other key keeps it."
                return []
            }
            model.cancelling = nil
            model.busy = true
            model.message = "Cancelling…"
            return [send(.cancelScheduled, Methods.paymentCancel, PaymentIDParams(id: selected.id))]
        default: break
        }
        if model.cancelling == nil, model.message?.hasPrefix("Press C again") == true { model.message = nil }
        return []
    }

    mutating func schedulingReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch (screen, purpose, result) {
        case (.scheduled(var model), .scheduled, .success(let data)):
            guard let history = Wire.decode(HistoryResult.self, data) else {
                model.message = "The kiosk could not read your payments. Please try again."
                screen = .scheduled(model)
                return []
            }
            if history.page == 0 { model.gathering = [] }
            model.gathering += history.payments.filter { $0.state == "scheduled" || $0.state == "waiting" }
            if history.more {
                screen = .scheduled(model)
                return [scheduledPage(history.page + 1)]
            }
            model.rows = model.gathering.sorted { ($0.payOn ?? "", $0.id) < ($1.payOn ?? "", $1.id) }
            model.gathering = []
            model.cursor = min(model.cursor, max(0, (model.rows?.count ?? 1) - 1))
            model.busy = false
            screen = .scheduled(model)
        case (.scheduled(var model), .cancelScheduled, .success(let data)):
            let id = Wire.decode(PaymentSummaryWire.self, data)?.id ?? ""
            model.message = "Payment \(id) is cancelled; it will not be made."
            model.busy = true
            screen = .scheduled(model)
            return [scheduledPage(0)]
        case (.payDay(var model), .reschedule, .success(let data)):
            guard case .scheduled(var list) = model.back else { return [] }
            let moved = Wire.decode(PaymentSummaryWire.self, data)
            list.message = moved.map { "Payment \($0.id): " + CustomerText.status(state: $0.state, payOn: $0.payOn, waitingFor: $0.waitingFor, format) + "." }
            list.busy = true
            model.busy = false
            screen = .scheduled(list)
            return [scheduledPage(0)]
        case (.payDay(var model), .reschedule, .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The payment could not be moved. Please ask a store employee.")
            screen = .payDay(model)
        case (.scheduled(var model), _, .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "That did not work. Please ask a store employee.")
            screen = .scheduled(model)
        default: break
        }
        return []
    }
}
