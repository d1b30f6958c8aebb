import Foundation
import KioskCore
import KioskCrypto

/// A sync document of `count` small balance-forward accounts, each with one contact who may
/// pay (PIN `1234`, a cheap hash so sign-ins are fast) and a card on file: a stream of
/// independent payments, one per account, for the crash and storage-fault tests.
enum PayingStore {
    static let pin = "1234"

    static func document(count: Int, asOf: String = "2026-11-20T12:00:00Z", pin: String = PayingStore.pin) -> [String: Any] {
        let hash = PINHash.make(pin: pin, salt: Array("crash-test-salt!".utf8), iterations: 1_000)
        let accounts: [[String: Any]] = (0..<count).map { i in
            let number = "C\(10_000 + i)"
            return [
                "number": number, "name": "Customer \(i)", "address": ["1 Main St"], "branch": "B1", "credit_limit": 100_000,
                "pending_transactions": 0, "receivables_type": "balance_forward", "billing_type": "account",
                "links": ["erp": NSNull(), "accounting": NSNull(), "gateway": NSNull()],
                "contacts": [["id": "P\(i)", "name": "Payer \(i)", "email": "payer\(i)@example.com", "profile": "full", "revoked": false, "pin_hash": hash]],
                "items": [["id": "I-\(i)", "kind": "invoice", "number": "INV-\(i)", "date": "2026-10-01", "due_date": "2026-10-31",
                           "amount": 50_000, "open_amount": 50_000, "billed": true]],
                "cards_on_file": [["id": "K-\(i)", "description": "CARD ENDING IN 4242", "token": "tok-\(i)", "brand": "visa",
                                   "last4": "4242", "expiry": "2030-01"]],
            ]
        }
        return [
            "format": "kioskpay.sync.v1", "as_of": asOf, "currency": "USD", "receivables_manager": "U1",
            "branches": [["id": "B1", "name": "Crash Test Yard", "time_zone": "UTC", "accept_online_payments": true,
                          "pay_finance_charges_first": false, "terms": NSNull(), "notify_email": "ar@example.com", "notify_user": "U1"]],
            "users": [["id": "U1", "first_name": "Ann", "last_name": "Lee", "email": "ann@example.com", "notify": ["queue", "email"]]],
            "profiles": [["id": "full", "name": "Full", "permissions": ["view_balances", "view_open_items", "pay", "receive_receipts"]]],
            "accounts": accounts,
        ]
    }

    static var termsSHA256: String { SignatureBinding.sha256Hex(Data(PaymentTerms.defaultText.utf8)) }
}
