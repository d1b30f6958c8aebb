/// Autopay rules (PROTOCOL.md "Autopay rules"): listed with the terms, created and changed
/// (a session signs and accepts the terms), reordered, enabled, disabled, deleted. Staff name
/// the account; a front needs a session whose contact may manage autopay. Locked rules are
/// refused to sessions by the handlers (`permission_denied` with `data.rule`).
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let autopay: [any RPCMethod] = [
        autopayList, autopayCreate, autopayUpdate, autopayMove, autopayEnable, autopayDisable, autopayDelete,
    ]

    public static let autopayList = MethodDeclaration<AutopayListParams, AutopayListResult>("autopay.list", .customer(.manageAutopay))
    public static let autopayCreate = MethodDeclaration<AutopayCreateParams, AutopayRuleWire>("autopay.create", .customer(.manageAutopay))
    public static let autopayUpdate = MethodDeclaration<AutopayUpdateParams, AutopayRuleWire>("autopay.update", .customer(.manageAutopay))
    public static let autopayMove = MethodDeclaration<AutopayMoveParams, AutopayRulesResult>("autopay.move", .customer(.manageAutopay))
    public static let autopayEnable = MethodDeclaration<AutopayIDParams, AutopayRuleWire>("autopay.enable", .customer(.manageAutopay))
    public static let autopayDisable = MethodDeclaration<AutopayIDParams, AutopayRuleWire>("autopay.disable", .customer(.manageAutopay))
    public static let autopayDelete = MethodDeclaration<AutopayIDParams, OKResult>("autopay.delete", .customer(.manageAutopay))
}
