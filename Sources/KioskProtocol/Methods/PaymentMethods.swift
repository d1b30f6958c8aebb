/// Paying (the customer, inside a session) and post-processing (managers), PROTOCOL.md
/// "Payments". Reschedule and cancel are the customer's for their own payments (the handler
/// checks the payment is the session's account's) and staff's for any.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let payment: [any RPCMethod.Type] = [
        PaymentOptions.self, PaymentQuote.self, PaymentSubmit.self, PaymentsList.self, PaymentProcess.self, PaymentReject.self, PaymentDelete.self, PaymentReschedule.self, PaymentCancel.self, PaymentAcknowledge.self,
    ]

    public enum PaymentOptions: RPCMethod {
        public typealias Params = PaymentOptionsParams
        public typealias Result = KioskProtocol.PaymentOptions
        public static let name = "payment.options"
        public static let access = MethodAccess.customer(.pay)
    }
    public enum PaymentQuote: RPCMethod {
        public typealias Params = PaymentQuoteParams
        public typealias Result = PaymentQuoteResult
        public static let name = "payment.quote"
        public static let access = MethodAccess.customer(.pay)
    }
    public enum PaymentSubmit: RPCMethod {
        public typealias Params = PaymentSubmitParams
        public typealias Result = PaymentSubmitResult
        public static let name = "payment.submit"
        public static let access = MethodAccess.signedIn(.pay)
    }
    public enum PaymentsList: RPCMethod {
        public typealias Params = PaymentsListParams
        public typealias Result = PaymentsListResult
        public static let name = "payments.list"
        public static let access = MethodAccess.staff
    }
    public enum PaymentProcess: RPCMethod {
        public typealias Params = PaymentProcessParams
        public typealias Result = PaymentSummaryWire
        public static let name = "payment.process"
        public static let access = MethodAccess.staff
    }
    public enum PaymentReject: RPCMethod {
        public typealias Params = PaymentRejectParams
        public typealias Result = PaymentSummaryWire
        public static let name = "payment.reject"
        public static let access = MethodAccess.staff
    }
    public enum PaymentDelete: RPCMethod {
        public typealias Params = PaymentIDParams
        public typealias Result = PaymentSummaryWire
        public static let name = "payment.delete"
        public static let access = MethodAccess.staff
    }
    public enum PaymentReschedule: RPCMethod {
        public typealias Params = PaymentRescheduleParams
        public typealias Result = PaymentSummaryWire
        public static let name = "payment.reschedule"
        public static let access = MethodAccess.customer()
    }
    public enum PaymentCancel: RPCMethod {
        public typealias Params = PaymentIDParams
        public typealias Result = PaymentSummaryWire
        public static let name = "payment.cancel"
        public static let access = MethodAccess.customer()
    }
    public enum PaymentAcknowledge: RPCMethod {
        public typealias Params = PaymentIDParams
        public typealias Result = OKResult
        public static let name = "payment.acknowledge"
        public static let access = MethodAccess.signedIn()
    }
}

extension PaymentOptionsParams: NamesAccount {}
extension PaymentQuoteParams: NamesAccount {}
extension PaymentSubmitParams: NamesAccount {}
