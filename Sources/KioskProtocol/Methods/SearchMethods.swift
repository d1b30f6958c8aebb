/// Finding an account from anything a customer at the counter says (PROTOCOL.md `search`).
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let search: [any RPCMethod] = [
        searchMethod,
    ]

    public static let searchMethod = MethodDeclaration<SearchParams, SearchResult>("search", .staff)
}
