/// The back-office link as managers see it: the outbox, a sync pull, the kiosk's status.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let link: [any RPCMethod] = [
        outboxList, outboxRetry, syncPull, status,
    ]

    public static let outboxList = MethodDeclaration<OutboxListParams, OutboxListResult>("outbox.list", .staff)
    public static let outboxRetry = MethodDeclaration<OutboxRetryParams, OKResult>("outbox.retry", .staff)
    public static let syncPull = MethodDeclaration<EmptyParams, SyncPullResult>("sync.pull", .staff)
    public static let status = MethodDeclaration<EmptyParams, KioskStatus>("status", .staff)
}
