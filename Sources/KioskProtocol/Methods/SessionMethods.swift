/// Greeting and the customer's sign-in (PROTOCOL.md "Sessions").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let session: [any RPCMethod] = [
        hello, sessionBegin, sessionEnd,
    ]

    public static let hello = MethodDeclaration<EmptyParams, HelloResult>("hello", .everyone)
    public static let sessionBegin = MethodDeclaration<SessionBeginParams, SessionBeginResult>("session.begin", .everyone)
    public static let sessionEnd = MethodDeclaration<EmptyParams, OKResult>("session.end", .everyone)
}
