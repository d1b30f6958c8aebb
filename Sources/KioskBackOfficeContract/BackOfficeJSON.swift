import Foundation
import KioskJSON

/// How every body of the back-office API is written and read: compact JSON, keys sorted,
/// slashes unescaped (what the kiosk has always stored and sent).
public enum BackOfficeJSON {
    public static func encode<T: Encodable>(_ value: T) throws(ContractError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do { return try encoder.encode(value) } catch { throw .unencodable("\(T.self)", "\(error)") }
    }

    /// `encode` as UTF-8 text (outbox payloads and the reference server's stored answers are text).
    public static func text<T: Encodable>(_ value: T) throws(ContractError) -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }

    /// Any JSON object (every body of the API is one).
    public static func object(_ data: Data) throws(ContractError) -> [String: JSONValue] {
        guard case .object(let object) = try decode(JSONValue.self, from: data) else { throw .mismatch("it is not a JSON object") }
        return object
    }

    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(ContractError) -> T {
        do { return try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw .mismatch(ContractError.describe(error))
        } catch {
            throw .mismatch("it is not JSON")
        }
    }
}

/// A body that does not fit the contract, with a sentence that names the field.
public enum ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Reading: what is wrong with the body.
    case mismatch(String)
    /// Writing: a value JSON cannot hold (a non-finite number).
    case unencodable(String, String)

    public var description: String {
        switch self {
        case .mismatch(let why): "the body does not fit the back-office API: \(why)"
        case .unencodable(let type, let why): "a \(type) body cannot be written as JSON: \(why)"
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context, _ last: CodingKey? = nil) -> String {
            (context.codingPath + (last.map { [$0] } ?? [])).map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context): return "the field \"\(path(context, key))\" is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "the field \"\(path(context))\" has the wrong type"
        case .dataCorrupted(let context):
            let where_ = path(context)
            return where_.isEmpty ? "it is not JSON" : "the field \"\(where_)\" is invalid (\(context.debugDescription))"
        @unknown default: return "it does not fit"
        }
    }
}
