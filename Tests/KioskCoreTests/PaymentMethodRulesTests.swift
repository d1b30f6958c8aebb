import Foundation
import Testing
@testable import KioskCore

/// Payment methods in the domain: states by the branch's month, the default of a scope,
/// friendly names, and `bank_accounts_on_file` in sync documents.
@Suite("Payment method rules")
struct PaymentMethodRulesTests {
    static let today = LocalDate(year: 2026, month: 12, day: 2)!

    func card(_ id: String, job: Int? = nil, expiry: String = "2030-01", state: MethodOnFile.State = .active) -> MethodOnFile {
        MethodOnFile(id: id, kind: .card, job: job, description: id, last4: "4242", brand: "visa", expiry: expiry, savedState: state)
    }

    @Test("a card is expired after its expiry month, on the branch's day; saving and failed stay as they are; bank accounts never expire")
    func states() {
        #expect(card("a", expiry: "2026-12").state(today: Self.today) == .active, "usable through its last month")
        #expect(card("a", expiry: "2026-11").state(today: Self.today) == .expired)
        #expect(card("a", expiry: "2025-12").state(today: Self.today) == .expired)
        #expect(card("a", expiry: "2020-01", state: .saving).state(today: Self.today) == .saving)
        #expect(card("a", state: .failed).state(today: Self.today) == .failed)
        let bank = MethodOnFile(id: "b", kind: .bankAccount, job: nil, description: "ACCOUNT ENDING 6789", last4: "6789")
        #expect(bank.state(today: Self.today) == .active)
    }

    @Test("the default: the job's set default, else the account's, else a job's own, else the first; only an active one")
    func defaults() {
        let methods = [card("acct"), card("job2", job: 2), card("old", expiry: "2020-01"), card("acct2")]
        let scoped = PaymentMethodRules.inScope(methods, job: 2)
        #expect(scoped.map(\.id) == ["acct", "job2", "old", "acct2"])
        #expect(PaymentMethodRules.inScope(methods, job: nil).map(\.id) == ["acct", "old", "acct2"])
        #expect(PaymentMethodRules.defaultMethod(scoped, job: 2, today: Self.today, setDefaults: [:]) == "job2")
        #expect(PaymentMethodRules.defaultMethod(scoped, job: nil, today: Self.today, setDefaults: [:]) == "acct")
        #expect(PaymentMethodRules.defaultMethod(scoped, job: 2, today: Self.today, setDefaults: [nil: "acct2"]) == "acct2")
        #expect(PaymentMethodRules.defaultMethod(scoped, job: 2, today: Self.today, setDefaults: [nil: "acct2", 2: "job2"]) == "job2")
        #expect(PaymentMethodRules.defaultMethod(scoped, job: 2, today: Self.today, setDefaults: [2: "old"]) == "job2", "an expired default is skipped")
        #expect(PaymentMethodRules.defaultMethod([card("old", expiry: "2020-01")], job: nil, today: Self.today, setDefaults: [:]) == nil)
    }

    @Test("friendly names: 1 to 40 characters, no control characters, no run of 6 digits")
    func names() {
        #expect(PaymentMethodRules.nameProblem("Bob's primary card") == nil)
        #expect(PaymentMethodRules.nameProblem("Card 12345") == nil)
        #expect(PaymentMethodRules.nameProblem("Card 123456") != nil)
        #expect(PaymentMethodRules.nameProblem("4111 1111 1111") != nil, "spaces inside a run still count")
        #expect(PaymentMethodRules.nameProblem("") != nil && PaymentMethodRules.nameProblem("   ") != nil)
        #expect(PaymentMethodRules.nameProblem(String(repeating: "x", count: 41)) != nil)
        #expect(PaymentMethodRules.nameProblem("a\u{7}b") != nil)
    }

    @Test("bank_accounts_on_file in a sync document: read, and refused by path when wrong")
    func syncBankAccounts() throws {
        let base = SyncDocumentTests()
        let good: [String: Any] = ["id": "BA1", "job": NSNull(), "description": "ACCOUNT ENDING 6789", "token": "vault-token-2", "last4": "6789",
                                   "account_type": "savings"]
        #expect(base.refusal { SyncDocumentTests.setAccount(&$0, 0, "bank_accounts_on_file", [good]) } == nil)
        func refused(_ change: [String: Any]) -> SyncDocumentError? {
            var bank = good
            for (k, v) in change { bank[k] = v }
            return base.refusal { SyncDocumentTests.setAccount(&$0, 0, "bank_accounts_on_file", [bank]) }
        }
        #expect(refused(["description": "Checking 021000021"])?.path == "accounts[0].bank_accounts_on_file[0].description")
        #expect(refused(["last4": "67"])?.path == "accounts[0].bank_accounts_on_file[0].last4")
        #expect(refused(["token": ""])?.path == "accounts[0].bank_accounts_on_file[0].token")
        #expect(refused(["account_type": "money"])?.path == "accounts[0].bank_accounts_on_file[0].account_type")
        // Ids are unique across an account's cards and bank accounts.
        let object = try JSONSerialization.jsonObject(with: SyncDocumentTests.fixture) as! [String: Any]
        let cardID = ((object["accounts"] as! [[String: Any]])[0]["cards_on_file"] as! [[String: Any]])[0]["id"] as! String
        #expect(refused(["id": cardID])?.path == "accounts[0].bank_accounts_on_file[0].id")
        // Read back as sent.
        var document = try JSONSerialization.jsonObject(with: SyncDocumentTests.fixture) as! [String: Any]
        SyncDocumentTests.setAccount(&document, 0, "bank_accounts_on_file", [good])
        let decoded = try SyncDocument.decode(from: try JSONSerialization.data(withJSONObject: document))
        #expect(decoded.accounts[0].bankAccountsOnFile == [BankAccountOnFile(id: "BA1", description: "ACCOUNT ENDING 6789", token: "vault-token-2",
                                                                             last4: "6789", accountType: "savings")])
    }
}
