/// The back-office link as managers see it: the outbox, a sync pull, the kiosk's status.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let link: [any RPCMethod.Type] = [
        OutboxList.self, OutboxRetry.self, SyncPull.self, Status.self,
    ]

    public enum OutboxList: RPCMethod {
        public typealias Params = OutboxListParams
        public typealias Result = OutboxListResult
        public static let name = "outbox.list"
        public static let access = MethodAccess.staff
    }
    public enum OutboxRetry: RPCMethod {
        public typealias Params = OutboxRetryParams
        public typealias Result = OKResult
        public static let name = "outbox.retry"
        public static let access = MethodAccess.staff
    }
    public enum SyncPull: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = SyncPullResult
        public static let name = "sync.pull"
        public static let access = MethodAccess.staff
    }
    public enum Status: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = KioskStatus
        public static let name = "status"
        public static let access = MethodAccess.staff
    }
}
