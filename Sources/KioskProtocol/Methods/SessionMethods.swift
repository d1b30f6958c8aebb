/// Greeting and the customer's sign-in (PROTOCOL.md "Sessions").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let session: [any RPCMethod.Type] = [
        Hello.self, SessionBegin.self, SessionEnd.self,
    ]

    public enum Hello: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = HelloResult
        public static let name = "hello"
        public static let access = MethodAccess.everyone
    }
    public enum SessionBegin: RPCMethod {
        public typealias Params = SessionBeginParams
        public typealias Result = SessionBeginResult
        public static let name = "session.begin"
        public static let access = MethodAccess.everyone
    }
    public enum SessionEnd: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = OKResult
        public static let name = "session.end"
        public static let access = MethodAccess.everyone
    }
}
