import Foundation
import KioskDevices

/// The plaintext sealed for a bank account typed at the kiosk (docs/SEALING.md): routing and
/// account number (digits only, checked before), the account type, and the masked view.
enum BankCapturePayload {
    /// The sealed bytes; the working array is zeroed before it is released.
    static func sealed(routing: String, account: String, accountType: String) -> SensitiveBytes {
        var bytes = Array("{\"format\":\"kioskpay-bank\",\"version\":1,\"routing_number\":\"".utf8)
        bytes += Array(routing.utf8)
        bytes += Array("\",\"account_number\":\"".utf8)
        bytes += Array(account.utf8)
        bytes += Array("\",\"account_type\":\"\(accountType)\",\"masked\":{\"last4\":\"\(account.suffix(4))\"}}".utf8)
        let sealed = SensitiveBytes(bytes)
        bytes.withUnsafeMutableBytes { $0.initializeMemory(as: UInt8.self, repeating: 0) }
        return sealed
    }
}
