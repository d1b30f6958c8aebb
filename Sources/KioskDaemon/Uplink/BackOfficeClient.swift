import AsyncHTTPClient
import Foundation
import KioskBackOfficeContract
import NIOCore
import NIOHTTP1
import NIOSSL

/// What came of one request to the back office.
enum LinkOutcome: Sendable {
    /// 2xx with its body.
    case answered(status: Int, body: Data, headers: [String: String])
    /// The request may or may not have been received (timeout, connection dropped, 5xx,
    /// 408/425/429): try again later with the same idempotency key.
    case retry(String)
    /// The back office refused it for good (other 4xx): retrying cannot help.
    case refused(String)
}

/// HTTPS to the back office through AsyncHTTPClient: bearer token, optional client
/// certificate, a timeout per request. It never logs bodies (they hold sealed captures and
/// customer details).
final class BackOfficeClient: Sendable {
    let settings: BackOfficeLinkSettings
    let kioskID: String
    private let token: String
    private let http: HTTPClient

    init(settings: BackOfficeLinkSettings, kioskID: String) throws(LinkError) {
        guard let data = FileManager.default.contents(atPath: settings.tokenFile),
              let token = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty,
              token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .tokenUnreadable(settings.tokenFile)
        }
        self.settings = settings
        self.kioskID = kioskID
        self.token = token
        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        if let certificate = settings.clientCertificate, let key = settings.clientKey {
            do {
                tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
                tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
            } catch {
                throw .clientCertificate("\(error)")
            }
        }
        configuration.tlsConfiguration = tls
        configuration.redirectConfiguration = .disallow
        configuration.timeout = .init(connect: .seconds(Int64(min(settings.timeoutSeconds, 10))), read: .seconds(Int64(settings.timeoutSeconds)))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async { try? await http.shutdown() }

    /// `path` below `/v1/kiosks/{kiosk}/`.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, headers: [String: String] = [:]) async -> LinkOutcome {
        let base = settings.url.absoluteString.hasSuffix("/") ? String(settings.url.absoluteString.dropLast()) : settings.url.absoluteString
        let kiosk = kioskID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? kioskID
        var request = HTTPClientRequest(url: "\(base)/v1/kiosks/\(kiosk)/\(path)")
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "User-Agent", value: "kioskd/\(kioskdVersion)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(settings.timeoutSeconds)))
            let bytes = try await response.body.collect(upTo: 64 << 20)
            let data = Data(bytes.readableBytesView)
            var replyHeaders: [String: String] = [:]
            for (name, value) in response.headers { replyHeaders[name.lowercased()] = value }
            let status = Int(response.status.code)
            switch status {
            case 200..<300: return .answered(status: status, body: data, headers: replyHeaders)
            case 408, 425, 429, 500...599: return .retry("HTTP \(status)\(Self.detail(data))")
            default: return .refused("HTTP \(status)\(Self.detail(data))")
            }
        } catch {
            // Timeouts and dropped connections: the outcome is unknown, so the same request
            // (same key) goes again; the back office answers a replay with its first answer.
            return .retry(Self.describe(error))
        }
    }

    /// The `detail` of a problem+json body, short, for `last_error`.
    private static func detail(_ body: Data) -> String {
        guard let sentence = (try? BackOfficeJSON.decode(ProblemBody.self, from: body))?.sentence else { return "" }
        return ": " + String(sentence.prefix(200))
    }

    private static func describe(_ error: Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout: return "no answer within the timeout (outcome unknown; will resend with the same key)"
            case .connectTimeout: return "could not connect within the timeout"
            case .remoteConnectionClosed: return "the connection was dropped before an answer (outcome unknown; will resend with the same key)"
            default: return "HTTP client error: \(error)"
            }
        }
        let text = "\(error)"
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "the back office refused the connection (is it running?)" }
        return String(text.prefix(200))
    }
}

enum LinkError: Error, Sendable, CustomStringConvertible {
    case tokenUnreadable(String)
    case clientCertificate(String)

    var description: String {
        switch self {
        case .tokenUnreadable(let path): "cannot read the back-office token from \(path); put the token alone in that file (mode 0600)"
        case .clientCertificate(let why): "the client certificate or key cannot be loaded: \(why)"
        }
    }
}
