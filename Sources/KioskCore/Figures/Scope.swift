import Foundation

/// Which slice of an account a figure covers. Callers never filter items themselves: they
/// resolve a scope once (``Figures/scope(for:job:)``) so every panel agrees on what
/// "this job" or "all jobs" means.
public enum FigureScope: Equatable, Sendable {
    /// An account billed by account: it has one scope, the whole account.
    case account
    /// A job-billed account with no job selected: the sum over all jobs, labelled so.
    case consolidated
    /// One job of a job-billed account (job 0 is the master job).
    case job(Int)

    /// The label the protocol sends (`scope` in `account.balances`), so the front can say
    /// "consolidated" rather than guess it from a missing job.
    public var wireName: String {
        switch self {
        case .account: return "account"
        case .consolidated: return "consolidated"
        case .job: return "job"
        }
    }

    /// The selected job, so a caller can show its name beside the figures.
    public var job: Int? {
        if case .job(let n) = self { return n }
        return nil
    }

    /// Whether a record carrying `job` belongs to this scope. Account and consolidated
    /// scopes take everything the account holds; a job scope takes only that job's records.
    public func includes(job recordJob: Int?) -> Bool {
        switch self {
        case .account, .consolidated: return true
        case .job(let n): return recordJob == n
        }
    }
}

/// Why a requested job cannot be shown. The text reaches the kiosk's operator, so it is a
/// sentence naming the account and the job rather than a code.
public enum ScopeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A job was asked of an account that is not billed by job.
    case noJobsOnAccount(account: String, job: Int)
    /// A job-billed account does not have the job asked for.
    case noSuchJob(account: String, job: Int)

    public var description: String {
        switch self {
        case .noJobsOnAccount(let account, let job):
            return "account \(account) is billed by account and has no job \(job)"
        case .noSuchJob(let account, let job):
            return "account \(account) has no job \(job)"
        }
    }
}

/// The figures the kiosk shows about an account. Pure functions over values: "today" is
/// passed in (taken in the branch's zone by the caller) so results never depend on the clock.
public enum Figures {
    /// Resolves the scope a read is about, so that every figure of one screen uses the same
    /// one. A job-billed account whose only job is the master job 0 behaves as if job 0 were
    /// selected (DOMAIN.md), so its figures are not labelled "consolidated" for one job.
    public static func scope(for account: Account, job: Int?) throws(ScopeError) -> FigureScope {
        switch account.billingType {
        case .account:
            if let job { throw .noJobsOnAccount(account: account.number, job: job) }
            return .account
        case .job:
            if let job {
                guard account.jobs.contains(where: { $0.number == job }) else {
                    throw .noSuchJob(account: account.number, job: job)
                }
                return .job(job)
            }
            if account.jobs.count == 1, account.jobs[0].number == 0 { return .job(0) }
            return .consolidated
        }
    }
}

extension Account {
    /// Items of this account that fall in `scope`.
    func items(in scope: FigureScope) -> [Item] { items.filter { scope.includes(job: $0.job) } }
    /// Sales and adjustments of this account that fall in `scope`.
    func sales(in scope: FigureScope) -> [Sale] { sales.filter { scope.includes(job: $0.job) } }
    /// Processed payments of this account that fall in `scope`.
    func payments(in scope: FigureScope) -> [ProcessedPayment] { payments.filter { scope.includes(job: $0.job) } }
}

extension Item {
    /// An invoice that still has something left to pay: what the portal counts as "open".
    var isOpenInvoice: Bool { kind == .invoice && openAmount > 0 }
}
