/// The customer's cards and bank accounts on file (PROTOCOL.md "Payment methods"): listed,
/// saved from a capture, removed, made the default. Staff name the account; a front needs a
/// session whose contact may pay.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let paymentMethod: [any RPCMethod] = [
        paymentMethodsList, paymentMethodSave, paymentMethodRemove, paymentMethodSetDefault,
    ]

    public static let paymentMethodsList = MethodDeclaration<PaymentMethodsListParams, PaymentMethodsListResult>("payment_methods.list", .customer(.pay))
    public static let paymentMethodSave = MethodDeclaration<PaymentMethodSaveParams, PaymentMethodWire>("payment_method.save", .customer(.pay))
    public static let paymentMethodRemove = MethodDeclaration<PaymentMethodIDParams, OKResult>("payment_method.remove", .customer(.pay))
    public static let paymentMethodSetDefault = MethodDeclaration<PaymentMethodIDParams, PaymentMethodWire>("payment_method.set_default", .customer(.pay))
}
