import Foundation
import KioskProtocol

public struct StatementsModel: Sendable, Equatable {
    public var rows: [StatementsResult.Row] = []
    public var page = 0
    public var more = false
    public var scroll = 0
    public var busy = true
    public var message: String?
    public init() {}
}

public struct CreditsModel: Sendable, Equatable {
    public var filter: CreditsParams.Filter = .all
    /// The pages loaded so far, as one result: its rows grow with "Load more", its `count`
    /// and `total` are always the whole list's.
    public var result: CreditsResult?
    public var busy = false
    public var scroll = 0
    public var message: String?
    public init() {}
}

public struct HistoryModel: Sendable, Equatable {
    /// The pages loaded so far, as one result ("Load more" adds the next page's rows).
    public var result: HistoryResult?
    public var busy = false
    /// The payment under the cursor (Enter opens it); the list scrolls to keep it in view.
    public var cursor = 0
    public var scroll = 0
    public var message: String?
    /// Autopay rules' positions by id, so a payment a rule made reads "autopay (rule 2)".
    public var rulePositions: [String: Int] = [:]
    public init() {}
}

/// Statements, credits and history, each 25 at a time with "Load more" (L); credits by
/// filter (all / memos / unapplied).
extension FrontState {
    mutating func openHistoryMenu(_ key: Character) -> [Effect] {
        let job = session?.job
        switch key {
        case "3":
            screen = .statements(StatementsModel())
            return [send(.statements, Methods.statementsList, StatementsParams(job: job, page: 0))]
        case "4":
            screen = .credits(CreditsModel())
            return [send(.credits, Methods.creditsList, CreditsParams(job: job, filter: .all))]
        default:
            screen = .history(HistoryModel())
            var effects = [send(.history, Methods.historyList, HistoryParams(job: job))]
            if session?.may("manage_autopay") == true { effects.append(send(.autopayPositions, Methods.autopayList, AutopayListParams())) }
            return effects
        }
    }

    mutating func statementsKey(_ key: Key, _ model: inout StatementsModel) -> [Effect] {
        defer { if case .statements = screen { screen = .statements(model) } }
        // `scroll` is the row under the cursor.
        if let scroll = key.scrolled(model.scroll, last: max(0, model.rows.count - 1)) { model.scroll = scroll; return [] }
        switch key {
        case .escape: screen = .home
        case .char("c"), .char("C"):
            return openCurrentStatement(back: .statements(model))
        case .enter: return openPastStatement(from: model)
        case .char("l"), .char("L"):
            guard model.more, !model.busy else { return [] }
            model.busy = true
            return [send(.statements, Methods.statementsList, StatementsParams(job: session?.job, page: model.page + 1))]
        default: break
        }
        return []
    }

    mutating func creditsKey(_ key: Key, _ model: inout CreditsModel) -> [Effect] {
        defer { if case .credits = screen { screen = .credits(model) } }
        let filters = CreditsParams.Filter.allCases
        var next: CreditsParams.Filter?
        switch key {
        case .left, .backTab: next = filters[(filters.firstIndex(of: model.filter)! + filters.count - 1) % filters.count]
        case .right, .tab: next = filters[(filters.firstIndex(of: model.filter)! + 1) % filters.count]
        case .pick(let n) where n < filters.count: next = filters[n]
        case .up: model.scroll = max(0, model.scroll - 1)
        case .down: model.scroll += 1
        case .escape: screen = .home
        case .char("l"), .char("L"):
            guard let result = model.result, result.more, !model.busy else { return [] }
            model.busy = true
            return [send(.credits, Methods.creditsList, CreditsParams(job: session?.job, filter: model.filter, page: result.page + 1))]
        default: break
        }
        guard let next else { return [] }
        model.filter = next
        model.result = nil
        model.scroll = 0
        return [send(.credits, Methods.creditsList, CreditsParams(job: session?.job, filter: next))]
    }

    mutating func historyKey(_ key: Key, _ model: inout HistoryModel) -> [Effect] {
        defer { if case .history = screen { screen = .history(model) } }
        let rows = model.result?.payments.count ?? 0
        switch key {
        case .pick(let row) where row < rows: model.cursor = row
        case .enter:
            guard let payments = model.result?.payments, model.cursor < payments.count else { return [] }
            return openPayment(payments[model.cursor].id, back: .history(model))
        case .escape: screen = .home
        case .char("l"), .char("L"):
            guard let result = model.result, result.more, !model.busy else { return [] }
            model.busy = true
            return [send(.history, Methods.historyList, HistoryParams(job: session?.job, page: result.page + 1))]
        default:
            if let cursor = key.scrolled(model.cursor, last: max(0, rows - 1)) { model.cursor = cursor }
        }
        return []
    }

    mutating func historyReply(_ purpose: Purpose, _ result: Result<Data, Failure>) -> [Effect] {
        switch (screen, result) {
        case (.statements(var model), .success(let data)):
            model.busy = false
            if let page = Wire.decode(StatementsResult.self, data) {
                model.rows = page.page == 0 ? page.statements : model.rows + page.statements
                model.page = page.page
                model.more = page.more
            } else {
                model.message = "The kiosk could not read the statements. Please try again."
            }
            screen = .statements(model)
        case (.statements(var model), .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read the statements. Please try again.")
            screen = .statements(model)
        case (.credits(var model), .success(let data)):
            model.busy = false
            if let page = Wire.decode(CreditsResult.self, data) {
                // A later page of the same filter adds its rows; a new filter's first page starts over.
                var merged = page
                if page.page > 0, let shown = model.result, shown.filter == page.filter {
                    merged.credits = appendingPage(shown.credits, page.credits, id: \.id)
                }
                model.result = merged
            } else {
                model.message = "The kiosk could not read the credits. Please try again."
            }
            screen = .credits(model)
        case (.credits(var model), .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read the credits. Please try again.")
            screen = .credits(model)
        case (.history(var model), .success(let data)):
            model.busy = false
            if let page = Wire.decode(HistoryResult.self, data) {
                var merged = page
                if page.page > 0, let shown = model.result { merged.payments = appendingPage(shown.payments, page.payments, id: \.id) }
                model.result = merged
            } else {
                model.message = "The kiosk could not read the payment history. Please try again."
            }
            screen = .history(model)
        case (.history(var model), .failure(let failure)):
            model.busy = false
            model.message = CustomerText.failure(failure, format, fallback: "The kiosk could not read the payment history. Please try again.")
            screen = .history(model)
        default: break
        }
        return []
    }
}
