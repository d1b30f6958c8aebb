import Foundation

/// The one format in which account data reaches the kiosk (`kioskpay.sync.v1`, see SYNC.md).
public struct SyncDocument: Codable, Sendable, Equatable {
    public static let formatV1 = "kioskpay.sync.v1"

    public var format: String
    public var asOf: Instant
    /// ISO 4217 code; every amount in the document is in its minor units.
    public var currency: String
    public var receivablesManager: String?
    public var branches: [Branch]
    public var users: [StoreUser]
    public var profiles: [Profile]
    public var accounts: [Account]

    enum CodingKeys: String, CodingKey {
        case format, asOf = "as_of", currency, receivablesManager = "receivables_manager"
        case branches, users, profiles, accounts
    }

    public init(asOf: Instant, currency: String, receivablesManager: String? = nil, branches: [Branch] = [],
                users: [StoreUser] = [], profiles: [Profile] = [], accounts: [Account] = []) {
        self.format = SyncDocument.formatV1; self.asOf = asOf; self.currency = currency
        self.receivablesManager = receivablesManager; self.branches = branches; self.users = users
        self.profiles = profiles; self.accounts = accounts
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        guard format == SyncDocument.formatV1 else {
            throw DecodingError.dataCorruptedError(forKey: .format, in: c,
                debugDescription: "unsupported format (this kiosk reads \(SyncDocument.formatV1))")
        }
        asOf = try c.decode(Instant.self, forKey: .asOf)
        currency = try c.decode(String.self, forKey: .currency)
        receivablesManager = try c.decodeIfPresent(String.self, forKey: .receivablesManager)
        branches = try c.decodeIfPresent([Branch].self, forKey: .branches) ?? []
        users = try c.decodeIfPresent([StoreUser].self, forKey: .users) ?? []
        profiles = try c.decodeIfPresent([Profile].self, forKey: .profiles) ?? []
        accounts = try c.decodeIfPresent([Account].self, forKey: .accounts) ?? []
    }

    /// Decodes a document and validates it whole; the first problem found is thrown with its path.
    public static func decode(from data: Data, known: KnownReferences = KnownReferences()) throws(SyncDocumentError) -> SyncDocument {
        let document: SyncDocument
        do {
            document = try JSONDecoder().decode(SyncDocument.self, from: data)
        } catch let error as DecodingError {
            throw SyncDocumentError(decoding: error)
        } catch {
            throw SyncDocumentError(path: "", problem: "not a readable sync document")
        }
        try document.validate(known: known)
        return document
    }
}

/// Ids already stored, which a partial document may refer to without repeating them.
public struct KnownReferences: Sendable {
    public var branches: Set<String>
    public var users: Set<String>
    public var profiles: Set<String>
    public init(branches: Set<String> = [], users: Set<String> = [], profiles: Set<String> = []) {
        self.branches = branches; self.users = users; self.profiles = profiles
    }
}

/// Why a sync document was refused: the first bad path and what is wrong there.
public struct SyncDocumentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// e.g. `accounts[3].items[7].due_date`; empty for the document as a whole.
    public var path: String
    public var problem: String

    public init(path: String, problem: String) { self.path = path; self.problem = problem }

    /// A sentence a person can act on.
    public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }

    /// Turns Foundation's decoding error into a path and a plain problem.
    public init(decoding error: DecodingError) {
        func render(_ keys: [CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let index = key.intValue, key.stringValue.hasPrefix("Index") || key.stringValue == String(index) {
                    out += "[\(index)]"
                } else {
                    out += out.isEmpty ? key.stringValue : ".\(key.stringValue)"
                }
            }
            return out
        }
        func describe(_ type: Any.Type) -> String {
            let name = String(describing: type)
            switch name {
            case "String": return "expected a string"
            case "Int", "Int64": return "expected a whole number"
            case "Bool": return "expected true or false"
            case _ where name.hasPrefix("Array"): return "expected an array"
            case _ where name.hasPrefix("Dictionary"): return "expected an object"
            default: return "expected an object"
            }
        }
        switch error {
        case .typeMismatch(let type, let context):
            self.init(path: render(context.codingPath), problem: describe(type))
        case .valueNotFound(let type, let context):
            self.init(path: render(context.codingPath), problem: "must not be null (\(describe(type)))")
        case .keyNotFound(let key, let context):
            self.init(path: render(context.codingPath + [key]), problem: "missing")
        case .dataCorrupted(let context):
            let path = render(context.codingPath)
            let text = context.debugDescription
            if text.contains("Cannot initialize") {
                self.init(path: path, problem: "not one of the allowed values")
            } else if text.contains("does not fit") || text.contains("Parsed JSON number") {
                self.init(path: path, problem: "expected a whole number")
            } else if path.isEmpty {
                self.init(path: "", problem: "not valid JSON (\(text.prefix(120)))")
            } else {
                self.init(path: path, problem: String(text.prefix(200)))
            }
        @unknown default:
            self.init(path: "", problem: "not a readable sync document")
        }
    }
}
