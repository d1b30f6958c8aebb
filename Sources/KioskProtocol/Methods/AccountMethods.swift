/// The account reads (PROTOCOL.md "Account reads") and the front's history reads.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let account: [any RPCMethod] = [
        accountGet, accountBalances, accountSummary, accountActivity, itemsOpen, statementsList, creditsList, historyList,
    ]

    public static let accountGet = MethodDeclaration<AccountParams, AccountInfo>("account.get", .customer())
    public static let accountBalances = MethodDeclaration<AccountParams, BalancesResult>("account.balances", .customer(.viewBalances))
    public static let accountSummary = MethodDeclaration<AccountParams, SummaryResult>("account.summary", .customer(.viewBalances))
    public static let accountActivity = MethodDeclaration<AccountParams, ActivityResult>("account.activity", .customer(.viewBalances))
    public static let itemsOpen = MethodDeclaration<OpenItemsParams, OpenItemsResult>("items.open", .customer(.viewOpenItems))
    public static let statementsList = MethodDeclaration<StatementsParams, StatementsResult>("statements.list", .customer(.viewStatements))
    public static let creditsList = MethodDeclaration<CreditsParams, CreditsResult>("credits.list", .customer(.viewCredits))
    public static let historyList = MethodDeclaration<HistoryParams, HistoryResult>("history.list", .customer(.viewHistory))
}

extension AccountParams: NamesAccount {}
extension PagedAccountParams: NamesAccount {}
extension CreditsParams: NamesAccount {}
