/// The audit log as managers and technicians read and check it.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let audit: [any RPCMethod] = [
        auditList, auditVerify,
    ]

    public static let auditList = MethodDeclaration<AuditListParams, AuditListResult>("audit.list", .staff)
    public static let auditVerify = MethodDeclaration<EmptyParams, AuditVerifyResult>("audit.verify", .staff)
}
