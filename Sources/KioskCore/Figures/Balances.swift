import Foundation

/// The store app's balance panel for one scope. Money is minor units of the account's
/// currency (the caller adds the code).
public struct Balances: Equatable, Sendable {
    /// The scope the balance lines cover, so the panel can be labelled "consolidated".
    public var scope: FigureScope
    /// The account's limit: it belongs to the whole account, whatever the scope.
    public var creditLimit: Int
    /// What the account may still charge. Computed over the whole account, so a job's view
    /// and the consolidated view show the same figure; it need not equal limit − total,
    /// because open orders and work orders (pending transactions) also use up credit.
    public var creditAvailable: Int
    /// Open amounts of billed charges, finance charges included.
    public var outstanding: Int
    /// Open amounts of unapplied credits, as a positive number shown as "-Credits".
    public var credits: Int
    /// Outstanding − credits.
    public var amountDue: Int
    /// Open amounts of charges not yet on a statement (the current cycle).
    public var newCharges: Int
    /// Amount due + new charges.
    public var total: Int

    public init(scope: FigureScope, creditLimit: Int, creditAvailable: Int, outstanding: Int, credits: Int,
                amountDue: Int, newCharges: Int, total: Int) {
        self.scope = scope; self.creditLimit = creditLimit; self.creditAvailable = creditAvailable
        self.outstanding = outstanding; self.credits = credits; self.amountDue = amountDue
        self.newCharges = newCharges; self.total = total
    }
}

extension Figures {
    /// The balance panel for `scope`. Balance lines cover the scope; the two credit figures
    /// cover the whole account, because credit is granted to the account, not to a job.
    public static func balances(_ a: Account, scope: FigureScope) -> Balances {
        let own = BalanceSums(a.items(in: scope))
        let all = scope == .account || scope == .consolidated ? own : BalanceSums(a.items)
        let available = a.creditLimit + all.credits - all.outstanding - all.newCharges - a.pendingTransactions
        let amountDue = own.outstanding - own.credits
        return Balances(scope: scope, creditLimit: a.creditLimit, creditAvailable: available,
                        outstanding: own.outstanding, credits: own.credits, amountDue: amountDue,
                        newCharges: own.newCharges, total: amountDue + own.newCharges)
    }
}

/// The three sums every balance line is built from, taken in one pass.
struct BalanceSums {
    var outstanding = 0
    var credits = 0
    var newCharges = 0

    init(_ items: [Item]) {
        for item in items {
            if !item.kind.isCharge {
                credits += item.openAmount
            } else if item.billed {
                outstanding += item.openAmount
            } else {
                newCharges += item.openAmount
            }
        }
    }
}
