/// Provisioning the back office's sealing key (PROTOCOL.md "Provisioning").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let provision: [any RPCMethod.Type] = [
        ProvisionBackofficeKey.self, ProvisionStatus.self,
    ]

    public enum ProvisionBackofficeKey: RPCMethod {
        public typealias Params = ProvisionKeyParams
        public typealias Result = ProvisionKeyResult
        public static let name = "provision.backoffice_key"
        public static let access = MethodAccess.technicians
        public static let lineBreakParams: Set<String> = ["params.public_key"]
    }
    public enum ProvisionStatus: RPCMethod {
        public typealias Params = EmptyParams
        public typealias Result = KioskProtocol.ProvisionStatus
        public static let name = "provision.status"
        public static let access = MethodAccess.staff
    }
}
