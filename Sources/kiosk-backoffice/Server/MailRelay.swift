import CKioskCurl
import Foundation
import NIOPosix

/// The store's outgoing mail: documents customers asked for ("Send me this") go out through
/// an SMTP relay with libcurl's SMTP client (never a hand-written protocol). The message is
/// plain UTF-8 text; the relay decides the rest (TLS with `smtps://`, DKIM, queueing).
struct MailRelay: Sendable {
    /// `smtp://host:port` or `smtps://host:port`.
    let url: String
    /// The envelope and header sender, e.g. `statements@store.example`.
    let from: String
    let username: String?
    let password: String?
    var timeoutSeconds = 30

    /// Why a message did not go out, as a sentence for the customer's "could not be sent: …".
    struct Refusal: Error, Sendable, Equatable { let sentence: String }

    /// libcurl's global set-up, once, before any send (it is not thread-safe).
    static func prepare() throws {
        guard kiosk_curl_init() == 0 else { throw ToolError("libcurl could not be initialised for SMTP") }
    }

    /// Hands one message to the relay. Blocking libcurl runs on NIO's thread pool, never on
    /// an event loop or the cooperative pool.
    func send(to recipient: String, subject: String, text: String, messageID: String) async -> Result<Void, Refusal> {
        guard Self.isPlainAddress(recipient) else { return .failure(Refusal(sentence: "the address on file is not a valid email address")) }
        let message = Self.message(from: from, to: recipient, subject: subject, text: text, messageID: messageID, date: Date())
        let url = self.url, from = self.from, username = self.username, password = self.password, timeout = timeoutSeconds
        do {
            return try await NIOThreadPool.singleton.runIfActive {
                var error = [CChar](repeating: 0, count: 512)
                let bytes = Array(message.utf8)
                let code = bytes.withUnsafeBufferPointer { body in
                    body.withMemoryRebound(to: CChar.self) { chars in
                        kiosk_curl_send_mail(url, username, password, "<\(from)>", "<\(recipient)>", chars.baseAddress, chars.count,
                                             timeout, &error, error.count)
                    }
                }
                if code == 0 { return .success(()) }
                let sentence = String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return .failure(Refusal(sentence: Self.customerSentence(sentence)))
            }
        } catch {
            return .failure(Refusal(sentence: "the mail relay could not be reached"))
        }
    }

    /// libcurl's words made into what a customer reads: a refused recipient says so.
    static func customerSentence(_ curl: String) -> String {
        if curl.contains("RCPT") || curl.contains("recipient") || curl.contains("answered 55") {
            return "the mail server refused the address (\(curl.prefix(160)))"
        }
        return "the mail server did not take the message (\(curl.prefix(160)))"
    }

    /// One address, no display name, nothing that could start a new header or SMTP command.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.utf8.count <= 254
            && address.unicodeScalars.allSatisfy { $0.value > 32 && $0.value < 127 && !"<>()[],;:\"\\".unicodeScalars.contains($0) }
    }

    /// An RFC 5322 message with CRLF line ends: UTF-8 text, the subject encoded per RFC 2047
    /// when it is not ASCII. Control characters other than line breaks are dropped.
    static func message(from: String, to: String, subject: String, text: String, messageID: String, date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let cleanSubject = String(subject.unicodeScalars.filter { $0.value >= 32 && $0.value != 127 }.map(Character.init))
        let encodedSubject = cleanSubject.allSatisfy(\.isASCII) ? cleanSubject
            : "=?UTF-8?B?\(Data(cleanSubject.utf8).base64EncodedString())?="
        let body = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in String(line.unicodeScalars.filter { $0.value >= 32 || $0 == "\t" }.map(Character.init)) }
        let headers = [
            "From: <\(from)>", "To: <\(to)>", "Subject: \(encodedSubject)", "Date: \(formatter.string(from: date))",
            "Message-ID: <\(messageID)>", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n"
    }
}
