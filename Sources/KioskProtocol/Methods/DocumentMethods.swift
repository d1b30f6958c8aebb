/// The customer's documents: invoices open and closed, one payment's detail, the current
/// statement (PROTOCOL.md "Documents").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let document: [any RPCMethod] = [
        invoicesList, invoiceGet, paymentGet, statementCurrent,
    ]

    public static let invoicesList = MethodDeclaration<InvoicesListParams, InvoicesListResult>("invoices.list", .customer(.viewOpenItems, .viewHistory))
    public static let invoiceGet = MethodDeclaration<InvoiceGetParams, InvoiceDetail>("invoice.get", .customer(.viewOpenItems, .viewHistory))
    public static let paymentGet = MethodDeclaration<PaymentGetParams, PaymentDetail>("payment.get", .customer(.viewHistory))
    public static let statementCurrent = MethodDeclaration<CurrentStatementParams, CurrentStatementResult>("statement.current", .customer(.viewStatements))
}
