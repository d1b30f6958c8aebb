/// Paying (the customer, inside a session) and post-processing (managers), PROTOCOL.md
/// "Payments". Reschedule and cancel are the customer's for their own payments (the handler
/// checks the payment is the session's account's) and staff's for any.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let payment: [any RPCMethod] = [
        paymentOptions, paymentQuote, paymentSubmit, paymentsList, paymentProcess, paymentReject, paymentDelete, paymentReschedule, paymentCancel, paymentAcknowledge,
    ]

    public static let paymentOptions = MethodDeclaration<PaymentOptionsParams, KioskProtocol.PaymentOptions>("payment.options", .customer(.pay))
    public static let paymentQuote = MethodDeclaration<PaymentQuoteParams, PaymentQuoteResult>("payment.quote", .customer(.pay))
    public static let paymentSubmit = MethodDeclaration<PaymentSubmitParams, PaymentSubmitResult>("payment.submit", .signedIn(.pay))
    public static let paymentsList = MethodDeclaration<PaymentsListParams, PaymentsListResult>("payments.list", .staff)
    public static let paymentProcess = MethodDeclaration<PaymentProcessParams, PaymentSummaryWire>("payment.process", .staff)
    public static let paymentReject = MethodDeclaration<PaymentRejectParams, PaymentSummaryWire>("payment.reject", .staff)
    public static let paymentDelete = MethodDeclaration<PaymentDeleteParams, PaymentSummaryWire>("payment.delete", .staff)
    public static let paymentReschedule = MethodDeclaration<PaymentRescheduleParams, PaymentSummaryWire>("payment.reschedule", .customer())
    public static let paymentCancel = MethodDeclaration<PaymentIDParams, PaymentSummaryWire>("payment.cancel", .customer())
    public static let paymentAcknowledge = MethodDeclaration<PaymentIDParams, OKResult>("payment.acknowledge", .signedIn())
}

extension PaymentOptionsParams: NamesAccount {}
extension PaymentQuoteParams: NamesAccount {}
extension PaymentSubmitParams: NamesAccount {}
