/// Receipts on the kiosk's printer (issue 17): the customer's receipt after paying, a staff
/// reprint of one cut short, and the list a manager checks.
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let receipt: [any RPCMethod] = [receiptPrint, receiptReprint, receiptList]

    /// Any signed-in contact of the account passes the gate; the handler then allows the payment
    /// the contact made, or any of the account's with `view_history` (staff: any).
    public static let receiptPrint = MethodDeclaration<ReceiptPrintParams, ReceiptRow>("receipt.print", .customer())
    public static let receiptReprint = MethodDeclaration<ReceiptReprintParams, ReceiptRow>("receipt.reprint", .staff)
    public static let receiptList = MethodDeclaration<ReceiptListParams, ReceiptListResult>("receipt.list", .staff)
}
