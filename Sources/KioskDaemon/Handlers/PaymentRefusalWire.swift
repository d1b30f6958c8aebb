import KioskCore
import KioskProtocol

/// Core's payment problems on the wire: the one place a `PaymentProblem.Kind` becomes the
/// protocol's error kind.
extension PaymentProblem.Kind {
    /// The application error kind; nil for invalid params, which is JSON-RPC's own error.
    var errorKind: ErrorKind? {
        switch self {
        case .paymentsDisabled: .paymentsDisabled
        case .invalidAmount: .invalidAmount
        case .conflict: .conflict
        case .notFound: .notFound
        case .permissionDenied: .permissionDenied
        case .busy: .busy
        case .invalidParams: nil
        }
    }

    /// The word a quote's `problems[].kind` carries.
    var wireName: String { errorKind?.rawValue ?? "invalid_params" }
}

extension RPCError {
    /// A refused payment request or change: invalid params as JSON-RPC's own error (with the
    /// parameter's path when the problem names one), every other kind as an application
    /// error with that kind, and an overlap's payments and invoices in `data`.
    init(_ refusal: PaymentRefusal) {
        let problem = refusal.problem
        guard let kind = problem.kind.errorKind else {
            self = .invalidParams("invalid params: \(problem.message)", path: problem.parameter.map { "params.\($0)" })
            return
        }
        self = .app(kind, problem.message)
        if let overlap = refusal.overlap {
            data?.payments = overlap.payments
            data?.invoices = overlap.items
        }
    }
}
