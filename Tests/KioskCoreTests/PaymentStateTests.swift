import Foundation
import Testing
import KioskCore

/// The payment states, which changes each allows, and the day a payment is dated.
@Suite struct PaymentStateTests {
    let today = Fx.d("2026-03-15")

    @Test func theWordsAreTheDatabasesAndTheProtocols() {
        #expect(PaymentState.allCases.map(\.rawValue) == ["pending", "scheduled", "waiting", "processed", "rejected", "deleted"])
        #expect(PaymentState(rawValue: "held") == nil)
    }

    @Test func whichStatesCoverTheirLines() {
        #expect(PaymentState.covering == [.pending, .scheduled, .waiting, .processed])
        #expect(PaymentState.undecided == [.pending, .scheduled, .waiting])
        #expect(PaymentState.allCases.filter(\.isDated) == [.scheduled, .waiting])
    }

    @Test func eachChangeStartsOnlyFromItsStates() {
        let from: [(PaymentChange, Set<PaymentState>)] = [
            (.process, [.pending, .rejected]),
            (.reject, [.pending, .scheduled, .waiting, .rejected]),
            (.delete, [.pending, .scheduled, .waiting, .rejected]),
            (.cancel, [.scheduled, .waiting]),
            (.reschedule(to: today), [.scheduled, .waiting]),
        ]
        for (change, allowed) in from {
            for state in PaymentState.allCases {
                let problem = change.problem(payment: "P2345A", state: state)
                #expect((problem == nil) == allowed.contains(state), "\(change) from \(state)")
            }
        }
    }

    @Test func aRefusedChangeNamesThePaymentItsStateAndTheVerb() {
        #expect(PaymentChange.process.problem(payment: "P2345A", state: .deleted)
                == PaymentProblem(.conflict, "payment P2345A is deleted, so it cannot be processed"))
        #expect(PaymentChange.reschedule(to: today).problem(payment: "P2345A", state: .pending)?.message
                == "payment P2345A is pending, so it cannot be rescheduled")
        #expect(PaymentChange.reschedule(to: today).verb == "rescheduled to 2026-03-15")
        #expect(PaymentChange.cancel.verb == "cancelled")
    }

    @Test func noDayOrTodayIsPendingALaterDayScheduled() throws {
        #expect(try PaymentSchedule.state(payOn: nil, today: today) == .pending)
        #expect(try PaymentSchedule.state(payOn: today, today: today) == .pending)
        #expect(try PaymentSchedule.state(payOn: today.adding(days: 1), today: today) == .scheduled)
        #expect(try PaymentSchedule.state(payOn: today.adding(days: 365), today: today) == .scheduled)
    }

    @Test func thePastAndMoreThanAYearAheadAreRefusedAsInvalidParams() {
        #expect(throws: PaymentRefusal(PaymentProblem(.invalidParams, "The payment date is in the past; choose today or a later day."))) {
            try PaymentSchedule.state(payOn: today.adding(days: -1), today: today)
        }
        #expect(throws: PaymentRefusal(PaymentProblem(.invalidParams, "A payment can be scheduled at most a year ahead."))) {
            try PaymentSchedule.state(payOn: today.adding(days: 366), today: today)
        }
        // A leap year: 365 days ahead of 2027-03-01 is 2028-02-29, the last day allowed.
        let march = Fx.d("2027-03-01")
        #expect(PaymentSchedule.problem(payOn: Fx.d("2028-02-29"), today: march) == nil)
        #expect(PaymentSchedule.problem(payOn: Fx.d("2028-03-01"), today: march) != nil)
    }
}

/// Which captures may pay: kind, age, used once.
@Suite struct PaymentCaptureRuleTests {
    let now = Date(timeIntervalSince1970: 1_796_126_400)
    func found(_ kind: String = "card", age: TimeInterval = 60, used: Bool = false) -> PaymentCaptureRule.Found {
        .init(kind: kind, capturedAt: now.addingTimeInterval(-age), usedByAPayment: used)
    }

    @Test func aFreshUnusedCaptureOfTheRightKindPays() {
        #expect(PaymentCaptureRule.problem(expected: .card, found: found(), now: now) == nil)
        #expect(PaymentCaptureRule.problem(expected: .signature, found: found("signature"), now: now) == nil)
    }

    @Test func fifteenMinutesIsTheLastMomentAndASecondLaterIsTooOld() {
        #expect(PaymentCaptureRule.problem(expected: .card, found: found(age: 15 * 60), now: now) == nil)
        let old = PaymentCaptureRule.problem(expected: .card, found: found(age: 15 * 60 + 1), now: now)
        #expect(old == PaymentProblem(.conflict, "the card swipe is too old; please swipe again"))
        let unreadable = PaymentCaptureRule.Found(kind: "signature", capturedAt: nil, usedByAPayment: false)
        #expect(PaymentCaptureRule.problem(expected: .signature, found: unreadable, now: now)?.message == "the signature is too old; please sign again")
    }

    @Test func missingWrongKindAndUsedCapturesAreRefusedEachWithItsSentence() {
        #expect(PaymentCaptureRule.problem(expected: .card, found: nil, now: now)
                == PaymentProblem(.notFound, "the card swipe was not found; please swipe again"))
        #expect(PaymentCaptureRule.problem(expected: .signature, found: found("card"), now: now)
                == PaymentProblem(.invalidParams, "that capture is not a signature"))
        #expect(PaymentCaptureRule.problem(expected: .card, found: found(used: true), now: now)
                == PaymentProblem(.conflict, "that card swipe was already used for a payment; please swipe again"))
        // Age is checked before use: an old used capture says "too old".
        #expect(PaymentCaptureRule.problem(expected: .card, found: found(age: 3_600, used: true), now: now)?.message
                == "the card swipe is too old; please swipe again")
    }

    @Test func aSwipedCardIsNamedByItsLastFour() {
        #expect(PaymentCaptureRule.methodDescription(masked: ["last4": "4242", "brand": "visa"]) == "CARD ENDING IN 4242")
        #expect(PaymentCaptureRule.methodDescription(masked: [:]) == "CARD ENDING IN ????")
        #expect(PaymentCaptureRule.methodDescription(masked: nil) == "CARD SWIPED AT THE KIOSK")
    }
}

/// A manager's rejection: a reason from the list, a message the customer can read.
@Suite struct PaymentRejectionTests {
    /// Stands in for the protocol's card screen: sixteen digits in a row.
    static func cardLike(_ text: String) -> Bool { text.filter(\.isNumber).count >= 16 }

    func reject(_ reason: String, _ message: String) throws(PaymentRefusal) -> PaymentRejection {
        try PaymentRejection(reason: reason, message: message, looksLikeCardNumber: Self.cardLike)
    }

    @Test func theMessageIsTrimmedAndKept() throws {
        let r = try reject("payment_issue_call", "  Please call us about this card.\n")
        #expect(r.reason == .paymentIssueCall && r.message == "Please call us about this card.")
        #expect(try reject("account_issue_call", String(repeating: "é", count: 500)).message.count == 500)
    }

    @Test func anUnknownReasonNamesTheTwoAllowed() {
        #expect(throws: PaymentRefusal(PaymentProblem(.invalidParams, "reason must be account_issue_call or payment_issue_call", parameter: "reason"))) {
            try reject("card_declined", "Call us.")
        }
    }

    @Test func anEmptyTooLongOrCardBearingMessageIsRefused() {
        let refusal = PaymentRefusal(PaymentProblem(.invalidParams, "the message must be 1–500 characters the customer can read, with no card number",
                                                    parameter: "message"))
        #expect(throws: refusal) { try reject("payment_issue_call", " \n\t ") }
        #expect(throws: refusal) { try reject("payment_issue_call", String(repeating: "a", count: 501)) }
        #expect(throws: refusal) { try reject("payment_issue_call", "card 4111 1111 1111 1111 declined") }
    }
}
