/// The account reads (PROTOCOL.md "Account reads") and the front's history reads.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let account: [any RPCMethod.Type] = [
        AccountGet.self, AccountBalances.self, AccountSummary.self, AccountActivity.self, ItemsOpen.self, StatementsList.self, CreditsList.self, HistoryList.self,
    ]

    public enum AccountGet: RPCMethod {
        public typealias Params = AccountParams
        public typealias Result = AccountInfo
        public static let name = "account.get"
        public static let access = MethodAccess.customer()
    }
    public enum AccountBalances: RPCMethod {
        public typealias Params = AccountParams
        public typealias Result = BalancesResult
        public static let name = "account.balances"
        public static let access = MethodAccess.customer(.viewBalances)
    }
    public enum AccountSummary: RPCMethod {
        public typealias Params = AccountParams
        public typealias Result = SummaryResult
        public static let name = "account.summary"
        public static let access = MethodAccess.customer(.viewBalances)
    }
    public enum AccountActivity: RPCMethod {
        public typealias Params = AccountParams
        public typealias Result = ActivityResult
        public static let name = "account.activity"
        public static let access = MethodAccess.customer(.viewBalances)
    }
    public enum ItemsOpen: RPCMethod {
        public typealias Params = AccountParams
        public typealias Result = OpenItemsResult
        public static let name = "items.open"
        public static let access = MethodAccess.customer(.viewOpenItems)
    }
    public enum StatementsList: RPCMethod {
        public typealias Params = StatementsParams
        public typealias Result = StatementsResult
        public static let name = "statements.list"
        public static let access = MethodAccess.customer(.viewStatements)
    }
    public enum CreditsList: RPCMethod {
        public typealias Params = CreditsParams
        public typealias Result = CreditsResult
        public static let name = "credits.list"
        public static let access = MethodAccess.customer(.viewCredits)
    }
    public enum HistoryList: RPCMethod {
        public typealias Params = HistoryParams
        public typealias Result = HistoryResult
        public static let name = "history.list"
        public static let access = MethodAccess.customer(.viewHistory)
    }
}

extension AccountParams: NamesAccount {}
extension StatementsParams: NamesAccount {}
extension CreditsParams: NamesAccount {}
extension HistoryParams: NamesAccount {}
