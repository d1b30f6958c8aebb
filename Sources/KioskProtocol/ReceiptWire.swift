import Foundation

/// `receipt.print` params: the payment whose receipt the kiosk's printer prints (the customer's
/// own payment inside a session; staff name the account or not).
public struct ReceiptPrintParams: Codable, Sendable, Equatable {
    public var account: String?
    public var payment: String
    public init(account: String? = nil, payment: String) { self.account = account; self.payment = payment }
}

/// `receipt.reprint` params (staff): a receipt printed before, or cut short, printed again.
public struct ReceiptReprintParams: Codable, Sendable, Equatable {
    public var payment: String
    public init(payment: String) { self.payment = payment }
}

/// `receipt.list` params: `state` (printing, printed, failed) narrows; `page` from 0.
public struct ReceiptListParams: Codable, Sendable, Equatable {
    public var state: String?
    public var page: Int?
    public init(state: String? = nil, page: Int? = nil) { self.state = state; self.page = page }
}

/// One receipt as `receipt.print`, `receipt.reprint` and `receipt.list` show it.
public struct ReceiptRow: Codable, Sendable, Equatable {
    /// The payment's id, as printed on the receipt.
    public var payment: String
    public var account: String
    /// `printing`, `printed` or `failed`.
    public var state: String
    /// Why the last attempt failed: `paper_out`, `cover_open`, `error`, `offline`, `disconnected`,
    /// `no_printer`, `stalled`, `interrupted`.
    public var fault: String?
    /// A sentence about the fault for the person asking (the customer, or staff).
    public var message: String?
    /// The printer's device id of the last attempt.
    public var printer: String?
    public var attempts: Int
    public var requestedAt: String
    public var requestedBy: String
    public var updatedAt: String
    public var printedAt: String?

    public init(payment: String, account: String, state: String, fault: String?, message: String?, printer: String?, attempts: Int,
                requestedAt: String, requestedBy: String, updatedAt: String, printedAt: String?) {
        self.payment = payment; self.account = account; self.state = state; self.fault = fault; self.message = message
        self.printer = printer; self.attempts = attempts; self.requestedAt = requestedAt; self.requestedBy = requestedBy
        self.updatedAt = updatedAt; self.printedAt = printedAt
    }

    enum CodingKeys: String, CodingKey {
        case payment, account, state, fault, message, printer, attempts, requestedAt = "requested_at", requestedBy = "requested_by"
        case updatedAt = "updated_at", printedAt = "printed_at"
    }
}

/// `receipt.list` result.
public struct ReceiptListResult: Codable, Sendable, Equatable {
    public static let pageSize = 25
    public var receipts: [ReceiptRow]
    public var page: Int
    public var more: Bool
    public init(receipts: [ReceiptRow], page: Int, more: Bool) { self.receipts = receipts; self.page = page; self.more = more }
}

/// A receipt printer as `status` shows it: what it said the last time it was asked.
public struct PrinterState: Codable, Sendable, Equatable {
    public var device: String
    public var allowed: Bool
    /// `ready`, `fault` (see `fault`), `printing` or `unknown` (not asked yet).
    public var state: String
    public var fault: String?
    /// A sentence for the manager about the fault.
    public var message: String?
    public var paperNearEnd: Bool
    public var checkedAt: String?
    public init(device: String, allowed: Bool, state: String, fault: String?, message: String?, paperNearEnd: Bool, checkedAt: String?) {
        self.device = device; self.allowed = allowed; self.state = state; self.fault = fault; self.message = message
        self.paperNearEnd = paperNearEnd; self.checkedAt = checkedAt
    }
    enum CodingKeys: String, CodingKey { case device, allowed, state, fault, message, paperNearEnd = "paper_near_end", checkedAt = "checked_at" }
}

/// `status`'s receipt counts.
public struct ReceiptCounts: Codable, Sendable, Equatable {
    /// Receipts whose last attempt failed: `kioskctl receipt reprint ID` prints them.
    public var failed: Int
    public init(failed: Int) { self.failed = failed }
}
