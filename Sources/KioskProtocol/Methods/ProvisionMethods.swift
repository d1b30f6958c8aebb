/// Provisioning the back office's sealing key (PROTOCOL.md "Provisioning").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let provision: [any RPCMethod] = [
        provisionBackofficeKey, provisionStatus,
    ]

    public static let provisionBackofficeKey = MethodDeclaration<ProvisionKeyParams, ProvisionKeyResult>("provision.backoffice_key", .technicians, lineBreaks: ["params.public_key"])
    public static let provisionStatus = MethodDeclaration<EmptyParams, KioskProtocol.ProvisionStatus>("provision.status", .staff)
}
