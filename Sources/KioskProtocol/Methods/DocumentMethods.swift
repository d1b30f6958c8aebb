/// The customer's documents: invoices open and closed, one payment's detail, the current
/// statement (PROTOCOL.md "Documents").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let document: [any RPCMethod] = [
        invoicesList, invoiceGet, paymentGet, statementCurrent, statementGet, documentSend, documentsList,
    ]

    public static let invoicesList = MethodDeclaration<InvoicesListParams, InvoicesListResult>("invoices.list", .customer(.viewOpenItems, .viewHistory))
    public static let invoiceGet = MethodDeclaration<InvoiceGetParams, InvoiceDetail>("invoice.get", .customer(.viewOpenItems, .viewHistory))
    public static let paymentGet = MethodDeclaration<PaymentGetParams, PaymentDetail>("payment.get", .customer(.viewHistory))
    public static let statementCurrent = MethodDeclaration<CurrentStatementParams, CurrentStatementResult>("statement.current", .customer(.viewStatements))
    /// Any signed-in contact passes the gate; the handler then asks for the permission that
    /// shows the kind of document (invoice, statement, receipt), which the declaration cannot name.
    public static let documentSend = MethodDeclaration<DocumentSendParams, DocumentRow>("document.send", .customer())
    public static let documentsList = MethodDeclaration<DocumentsListParams, DocumentsListResult>("documents.list", .customer())
    public static let statementGet = MethodDeclaration<StatementGetParams, StatementDetail>("statement.get", .customer(.viewStatements))
}
