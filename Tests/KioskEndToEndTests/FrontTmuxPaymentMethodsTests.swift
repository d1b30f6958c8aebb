import Foundation
import Testing

/// Payment methods in the real `kiosk-front` under tmux, against `kioskd --demo` linked to the
/// reference back office on loopback (it tokenizes saved cards): save a swiped card and pay
/// with it next time; pay by bank account typed on the keypad.
@Suite("kiosk-front under tmux: payment methods", .serialized)
struct FrontTmuxPaymentMethodsTests {
    /// A demo kiosk whose captures are sealed to `office`'s key and relayed to it.
    func kiosk(_ label: String, office: BackOfficeProcess) throws -> DaemonProcess {
        let daemon = try DaemonProcess(label: label, configExtra: "kiosk_id = \"yard-1\"\n" + office.kioskdConfig(), extraArguments: ["--demo"])
        #expect(try daemon.kioskctl(["provision", "backoffice-key", office.publicKey]).status == 0)
        return daemon
    }

    /// Signs on the pad, agrees, pays; returns the confirm screen and the payment's id.
    func signAgreePay(_ front: TmuxFront) throws -> (confirm: String, done: String, id: String) {
        try front.waitFor("Waiting for your signature")
        try front.keys("d")
        try front.waitFor("points signed")
        try front.keys("Enter")
        try front.waitFor("I agree")
        try front.keys("Space", "Enter")
        let confirm = try front.waitFor("Press Enter to pay now")
        try front.keys("Enter")
        let done = try front.waitFor("Payment number (temporary):")
        let id = String(try #require(done.firstMatch(of: /Payment number \(temporary\): (\w+)/)).1)
        try front.keys("Enter")
        try front.waitFor("Type your account number")
        return (confirm, done, id)
    }

    @Test("swipe, save the card as \"Bob's card\", pay; the back office tokenizes it; next time pay with it, and the list shows it")
    func saveCardAndPayNextTime() throws {
        let office = try BackOfficeProcess(label: "front-save-card")
        try office.start()
        let daemon = try kiosk("front-save-card", office: office)
        defer { daemon.stop() }
        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signIn(account: "2001", pin: "2468", greeting: "Total")
        try front.keys("1")
        try front.waitFor("Amount to pay:")
        try front.type("9.99")
        try front.keys("Down")
        try front.waitFor("(•) Swipe a card now")
        try front.waitFor("( ) Pay by bank account")
        try front.keys("Enter")
        try front.waitFor("Swipe your card through the reader now")
        try front.keys("s")
        try front.waitFor("VISA •••• 1111")
        let offer = try front.waitFor("V Save this card for next time")
        #expect(!offer.contains("4111111111111111"))
        try front.keys("v")
        try front.waitFor("A name to know it by")
        try front.type("Bob's card")
        try front.waitFor("Name:  Bob's card")
        try front.saveScreen("save-card")
        try front.keys("Enter")
        let saved = try front.waitFor("Saved as \"Bob's card\"")
        #expect(!saved.contains("V Save this card"), "a card is saved once")
        try front.keys("Enter")
        let first = try signAgreePay(front)
        #expect(first.confirm.contains("VISA •••• 1111"))
        // The back office answers the tokenize request: the card is active; the payment is settled.
        #expect(try eventually {
            let list = try daemon.kioskctl(["payment-methods", "list", "2001"]).stdout
            return list.contains("Bob's card") && list.contains("active")
        })
        #expect(try daemon.kioskctl(["payment", "process", first.id]).status == 0)

        // Next time: the saved card is listed, and pays.
        try front.signIn(account: "2001", pin: "2468", greeting: "Total")
        try front.keys("9")
        try front.waitFor("Payment methods")
        let list = try front.waitFor("Bob's card")
        #expect(list.contains("VISA •••• 1111") && list.contains("12/2028") && list.contains("Ready") && list.contains("Default"), "\(list)")
        try front.saveScreen("payment-methods")
        try front.keys("Escape", "1")
        try front.waitFor("Card on file: Bob's card")
        try front.saveScreen("pay-methods")
        try front.type("5.00")
        try front.keys("Down")
        try front.waitFor("(•) Card on file: Bob's card")
        try front.keys("Enter")
        let second = try signAgreePay(front)
        #expect(second.confirm.contains("Bob's card"), "\(second.confirm)")
        #expect(second.done.contains("with Bob's card"), "\(second.done)")
        let saved2 = try daemon.kioskctl(["payment-methods", "list", "2001", "--json"]).stdout
        let method = try #require((try JSONSerialization.jsonObject(with: Data(saved2.utf8)) as? [String: Any])?["methods"] as? [[String: Any]])
            .first { $0["description"] as? String == "Bob's card" }
        let methodID = method?["id"] as? String ?? "?"
        #expect(try eventually { try office.sql("SELECT payload FROM payment WHERE id = '\(second.id)'").contains("\"card_on_file\":\"\(methodID)\"") })
    }

    @Test("pay by bank account: the numbers are typed as dots, a wrong routing number is said in plain words, the payment carries it sealed")
    func payByBankAccount() throws {
        let office = try BackOfficeProcess(label: "front-bank")
        try office.start()
        let daemon = try kiosk("front-bank", office: office)
        defer { daemon.stop() }
        let front = try TmuxFront(socketPath: daemon.socketPath)
        try front.signIn(account: "2001", pin: "2468", greeting: "Total")
        try front.keys("1")
        try front.waitFor("Amount to pay:")
        try front.type("12.00")
        try front.keys("Down", "Down")
        try front.waitFor("(•) Pay by bank account")
        try front.keys("Enter")
        try front.waitFor("Routing number (9 digits):")
        try front.type("123456789")
        try front.waitFor("●●●●●●●●●")
        try front.keys("Tab")
        try front.type(PaymentMethodTests.bankAccount)
        let typed = try front.waitFor("(13 digits)")
        #expect(!typed.contains("123456789") && !typed.contains(PaymentMethodTests.bankAccount), "the numbers are drawn as dots")
        try front.saveScreen("bank-entry")
        try front.keys("Enter")
        let wrong = try front.waitFor("That routing number is not right")
        #expect(!wrong.contains("123456789"))
        try front.saveScreen("bank-entry-error")
        for _ in 0..<9 { try front.keys("BSpace") }
        try front.type(PaymentMethodTests.routing)
        try front.keys("Enter")
        let read = try front.waitFor("ACCOUNT ENDING 0123")
        #expect(read.contains("V Save this account for next time"))
        try front.saveScreen("bank-read")
        try front.keys("Enter")
        let paid = try signAgreePay(front)
        #expect(paid.confirm.contains("ACCOUNT ENDING 0123"), "\(paid.confirm)")
        #expect(try eventually { try office.sql("SELECT card_opened FROM payment WHERE id = '\(paid.id)'") == "1" })
        let payload = try office.sql("SELECT payload FROM payment WHERE id = '\(paid.id)'")
        #expect(payload.contains("\"bank_account\":{") && !payload.contains(PaymentMethodTests.bankAccount), "\(payload)")
        daemon.stop()
        #expect(!daemon.log.contains(PaymentMethodTests.bankAccount) && !daemon.log.contains(PaymentMethodTests.routing))
    }
}
