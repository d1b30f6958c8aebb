import Testing
@testable import KioskCore

@Suite struct ScopeTests {
    @Test func accountBilledHasOneScope() throws {
        #expect(try Figures.scope(for: Fx.account(), job: nil) == .account)
    }

    @Test func accountBilledRefusesAJob() {
        #expect(throws: ScopeError.noJobsOnAccount(account: "1001", job: 3)) {
            try Figures.scope(for: Fx.account(), job: 3)
        }
        #expect(throws: ScopeError.noJobsOnAccount(account: "1001", job: 0)) {
            try Figures.scope(for: Fx.account(), job: 0)
        }
    }

    @Test func jobBilledWithoutJobIsConsolidated() throws {
        #expect(try Figures.scope(for: Fx.jobAccount(jobs: [0, 1, 2]), job: nil) == .consolidated)
    }

    @Test func jobBilledWithJobIsThatJob() throws {
        let a = Fx.jobAccount(jobs: [0, 1, 2])
        #expect(try Figures.scope(for: a, job: 2) == .job(2))
        #expect(try Figures.scope(for: a, job: 0) == .job(0))
    }

    @Test func unknownJobIsRefused() {
        #expect(throws: ScopeError.noSuchJob(account: "2002", job: 7)) {
            try Figures.scope(for: Fx.jobAccount(jobs: [0, 1]), job: 7)
        }
    }

    @Test func onlyMasterJobBehavesAsJobZero() throws {
        let a = Fx.jobAccount(jobs: [0])
        #expect(try Figures.scope(for: a, job: nil) == .job(0))
        #expect(try Figures.scope(for: a, job: 0) == .job(0))
    }

    @Test func aSingleJobOtherThanZeroStaysConsolidated() throws {
        #expect(try Figures.scope(for: Fx.jobAccount(jobs: [4]), job: nil) == .consolidated)
    }

    @Test func errorsReadAsSentences() {
        #expect(ScopeError.noJobsOnAccount(account: "1001", job: 3).description
                == "account 1001 is billed by account and has no job 3")
        #expect(ScopeError.noSuchJob(account: "2002", job: 7).description == "account 2002 has no job 7")
    }

    @Test func wireNamesAndJob() {
        #expect(FigureScope.account.wireName == "account")
        #expect(FigureScope.consolidated.wireName == "consolidated")
        #expect(FigureScope.job(5).wireName == "job")
        #expect(FigureScope.job(5).job == 5)
        #expect(FigureScope.job(0).job == 0)
        #expect(FigureScope.consolidated.job == nil)
        #expect(FigureScope.account.job == nil)
    }
}
