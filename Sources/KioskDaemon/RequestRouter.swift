import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// Who sent a request, as the server established at accept.
public struct Caller: Sendable {
    public var peer: PeerIdentity
    public var role: Role
}

/// Turns one request line into one reply line. Never throws, never crashes on input:
/// every malformed line gets the JSON-RPC error PROTOCOL.md names, and the connection goes on.
public struct RequestRouter: Sendable {
    let devices: DeviceManager
    let sessions: SessionRegistry
    let logger: Logger
    /// Every method this daemon serves, built once from the declarations.
    let table: HandlerTable
    let gate: AccessGate

    public init(store: KioskStore, devices: DeviceManager, sessions: SessionRegistry, link: BackOfficeLink = BackOfficeLink(),
                roles: RoleTable, logger: Logger, version: String, now: @escaping @Sendable () -> Date = Date.init,
                configuration: Configuration? = nil, snapshots: BackupSnapshots? = nil) {
        self.devices = devices; self.sessions = sessions; self.logger = logger
        gate = AccessGate(sessions: sessions, roles: roles)
        var table = HandlerTable()
        SessionHandlers(sessions: sessions, devices: devices, version: version).register(in: &table)
        AccountHandlers(store: store, now: now).register(in: &table)
        HistoryHandlers(store: store).register(in: &table)
        InvoiceHandlers(store: store, now: now).register(in: &table)
        CalendarHandlers(store: store, now: now).register(in: &table)
        PeopleHandlers(store: store, sessions: sessions, kioskID: devices.vault.kioskID, now: now).register(in: &table)
        SyncHandler(store: store, logger: logger, kioskID: devices.vault.kioskID).register(in: &table)
        let desk = ReceiptDesk(store: store, devices: devices, settings: configuration?.receipt ?? ReceiptSettings(), logger: logger, now: now)
        DeviceHandlers(devices: devices, logger: logger, desk: desk).register(in: &table)
        ReceiptHandlers(store: store, desk: desk).register(in: &table)
        PaymentHandlers(store: store, devices: devices, kioskID: devices.vault.kioskID, logger: logger, now: now)
            .register(in: &table, link: link)
        PaymentMethodHandlers(store: store, devices: devices, kioskID: devices.vault.kioskID, logger: logger, now: now)
            .register(in: &table, link: link)
        LinkHandlers(store: store, devices: devices, link: link, logger: logger).register(in: &table)
        DocumentHandlers(store: store, kioskID: devices.vault.kioskID, now: now).register(in: &table, link: link)
        AutopayHandlers(store: store, devices: devices, kioskID: devices.vault.kioskID, logger: logger, now: now).register(in: &table, link: link)
        AuditHandlers(store: store).register(in: &table)
        ReportHandlers(store: store, now: now).register(in: &table)
        let dataDirectory = URL(fileURLWithPath: store.path).deletingLastPathComponent().path
        MaintenanceHandlers(store: store, devices: devices, link: link,
                            snapshots: snapshots ?? BackupSnapshots(dataDirectory: dataDirectory, logger: logger),
                            configuration: configuration, logger: logger).register(in: &table)
        SearchHandlers(store: store).register(in: &table)
        // A declared method without a handler is a build mistake, caught before any client is.
        precondition(table.missing.isEmpty, "declared methods without a handler: \(table.missing)")
        self.table = table
    }

    /// The reply for one line (without its newline), or nil when no reply is due.
    public func reply(to line: [UInt8], from caller: Caller, state: inout ConnectionState) async -> [UInt8] {
        guard String(validating: line, as: UTF8.self) != nil else {
            return encodeFailure(id: .null, .parseError("the request is not valid UTF-8; send one UTF-8 JSON text per line"))
        }
        let data = Data(line)
        let head: RPCRequestHead
        do {
            head = try RPCCoders.decoder.decode(RPCRequestHead.self, from: data)
        } catch {
            if let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) {
                let problem = value is [Any] ? "batches are not supported; send one request object per line"
                                              : "a request must be a JSON object with jsonrpc, id, method and params"
                return encodeFailure(id: .null, .invalidRequest(problem))
            }
            return encodeFailure(id: .null, .parseError("the request is not valid JSON; send one JSON text per line"))
        }
        guard head.hasID, let id = head.id, id != .null else {
            return encodeFailure(id: .null, .invalidRequest("a request needs an id (a string or an integer); this daemon takes no notifications"))
        }
        // The id is the one client string a reply must repeat, so one that could be card data
        // (or hide a control character) is refused rather than echoed.
        guard !id.mightBeCardData, !id.hasControlCharacter else {
            return encodeFailure(id: .null, .invalidRequest("the request id looks like card data or holds a control character; use a counter or a short token"))
        }
        guard head.jsonrpc == "2.0" else {
            return encodeFailure(id: id, .invalidRequest("\"jsonrpc\" must be \"2.0\""))
        }
        guard let name = head.method else {
            return encodeFailure(id: id, .invalidRequest("\"method\" must be a string"))
        }
        guard let entry = table.entries[name] else {
            return encodeFailure(id: id, .methodNotFound(name))
        }
        do {
            // Every string parameter, before any handler decodes it (PROTOCOL.md "Strings").
            if let bad = ControlCharacterScreen.firstViolation(in: data, root: "params", lineBreaks: entry.method.lineBreakParams) {
                throw entry.controlCharacterRefusal?(bad) ?? RPCError.controlCharacter(bad)
            }
            let result = try await entry.run(data, caller, &state, gate)
            if let encoded = result as? EncodedResult { return try Self.spliced(id: id, encoded) }
            return try encode(RPCSuccessAny(id: id, result: result))
        } catch let error as RPCError {
            return encodeFailure(id: id, error)
        } catch {
            logger.error("request failed", metadata: ["method": "\(name)", "error": "\(type(of: error))"])
            return encodeFailure(id: id, .internalError("the daemon could not complete \(name); the error was logged"))
        }
    }

    private func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        [UInt8](try RPCCoders.encoder.encode(value))
    }

    /// The success reply around a result encoded ahead of time: the members ``RPCSuccessAny``
    /// writes, with only the id encoded now.
    static func spliced(id: RPCID, _ result: EncodedResult) throws -> [UInt8] {
        var reply = Array(#"{"jsonrpc":"2.0","id":"#.utf8)
        reply += try RPCCoders.encoder.encode(id)
        reply += Array(#","result":"#.utf8)
        reply += result.json
        reply.append(UInt8(ascii: "}"))
        return reply
    }

    private func encodeFailure(id: RPCID, _ error: RPCError) -> [UInt8] {
        (try? encode(RPCFailure(id: id, error: error.withoutCardData())))
            ?? Array(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32603,"message":"internal error"}}"#.utf8)
    }
}

/// One decoder and one encoder for every request and reply: making them per request was a
/// tenth of the daemon's CPU under small calls (issue 16). Both are thread-safe; their
/// options are set here once and never changed.
enum RPCCoders {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()
}

/// A success reply around an existential result.
struct RPCSuccessAny: Encodable {
    let id: RPCID
    let result: any Encodable
    enum CodingKeys: String, CodingKey { case jsonrpc, id, result }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode("2.0", forKey: .jsonrpc)
        try c.encode(id, forKey: .id)
        try c.encode(result, forKey: .result)
    }
}

/// Decodes `params` into a method's type; a mismatch is `-32602` naming the bad path
/// (`params.invoices[2]`) and what was expected there, never the value that was sent.
func decodeParams<P: Decodable>(_ data: Data) throws -> P {
    do {
        return try RPCCoders.decoder.decode(RPCParams<P>.self, from: data).params
    } catch let error as DecodingError {
        throw RPCError.invalidParams(decoding: error, request: data, as: P.self)
    }
}
