import Testing
@testable import KioskDaemon

/// A device that fails on every open is re-opened at most `ReopenBudget.limit` times a minute.
@Suite struct ReopenBudgetTests {
    @Test func limitsReopensWithinTheWindowAndForgetsOldOnes() {
        var budget = ReopenBudget()
        let start = ContinuousClock.now
        var answers: [Bool] = []
        for attempt in 0...ReopenBudget.limit { answers.append(budget.allow(at: start + .seconds(attempt))) }
        #expect(answers == Array(repeating: true, count: ReopenBudget.limit) + [false])
        // Once the first re-open is a window old, one more is allowed, and only one.
        let later = budget.allow(at: start + ReopenBudget.window)
        let soonAfter = budget.allow(at: start + ReopenBudget.window + .milliseconds(500))
        #expect(later && !soonAfter)
    }
}
