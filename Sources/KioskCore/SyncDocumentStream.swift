import Foundation

/// A sync document split so it can be applied one account at a time: everything but the
/// accounts (the "header": format, as_of, currency, branches, users, profiles) decoded, and
/// each account's bytes found (`JSONSplitter`) but not decoded.
///
/// Why: JSONDecoder on a whole 80 MB document builds every account at once (hundreds of MB)
/// and was most of the apply's CPU. Split, only one account is ever decoded at a time, and an
/// account whose bytes are the ones already stored is never decoded at all (SyncApply's
/// fingerprints). `bytes` may be a file mapped into memory (the daemon's upload spool).
public struct SyncDocumentStream: Sendable {
    public let bytes: Data
    /// The document without its accounts, or why it does not decode.
    public let header: Result<SyncDocument, SyncDocumentError>
    /// Each account's bytes in `bytes`, in document order.
    public let accounts: [Range<Int>]

    /// Turns a decoder's error into a problem with its path (the daemon's version also names
    /// the member of a failure Foundation reports without a path). `Data` is what was decoded:
    /// the header object, or one account's bytes (paths from the account).
    public typealias Explain = @Sendable (DecodingError, Data, Part) -> SyncDocumentError
    public enum Part: Sendable { case header, account }

    public static let plainExplain: Explain = { error, _, _ in SyncDocumentError(decoding: error) }

    /// Splits `bytes`; throws when they are not a JSON object (nothing else can be said then).
    public init(bytes: Data, explain: Explain = plainExplain) throws(SyncDocumentError) {
        let members: [JSONSplitter.Member]
        do { members = try JSONSplitter.members(of: bytes, splitting: "accounts") } catch {
            // The sentences JSONDecoder gave when it read the whole document (the splitter's
            // byte offset is kioskctl's to show: the daemon's refusals stay as they were).
            let first = bytes.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
            if let first, first != UInt8(ascii: "{"), JSONSplitter.isSingleValue(bytes) {
                throw SyncDocumentError(path: "", problem: "expected an object")
            }
            throw SyncDocumentError(path: "", problem: "not valid JSON (The given data was not valid JSON.)")
        }
        let split = members.filter { $0.elements != nil }
        guard members.filter({ $0.name == "accounts" }).count <= 1 else {
            throw SyncDocumentError(path: "accounts", problem: "appears more than once")
        }
        var header = Data("{".utf8)
        var first = true
        for member in members where member.elements == nil {
            if !first { header.append(UInt8(ascii: ",")) }
            header.append(bytes[(bytes.startIndex + member.whole.lowerBound)..<(bytes.startIndex + member.whole.upperBound)])
            first = false
        }
        header.append(UInt8(ascii: "}"))
        self.bytes = bytes
        self.accounts = split.first?.elements ?? []
        do {
            self.header = .success(try JSONDecoder().decode(SyncDocument.self, from: header))
        } catch let error as DecodingError {
            self.header = .failure(explain(error, header, .header))
        } catch {
            self.header = .failure(SyncDocumentError(path: "", problem: "not a readable sync document"))
        }
    }

    /// The bytes of account `index`, as sent.
    public func accountBytes(_ index: Int) -> Data {
        let range = accounts[index]
        return bytes[(bytes.startIndex + range.lowerBound)..<(bytes.startIndex + range.upperBound)]
    }

    /// Decodes account `index`; a problem's path starts at the document (`accounts[3].items[7].due_date`).
    public func account(_ index: Int, explain: Explain = plainExplain) -> Result<Account, SyncDocumentError> {
        let data = Data(accountBytes(index))  // its own buffer: paths and offsets from the account's start
        do {
            return .success(try JSONDecoder().decode(Account.self, from: data))
        } catch let error as DecodingError {
            var problem = explain(error, data, .account)
            if problem.isSyntax { return .failure(problem) }  // "not valid JSON" is about the document, as before
            problem.path = problem.path.isEmpty ? "accounts[\(index)]" : "accounts[\(index)]." + problem.path
            return .failure(problem)
        } catch {
            return .failure(SyncDocumentError(path: "", problem: "not a readable sync document"))
        }
    }
}

extension SyncDocumentError {
    /// The text is not JSON at all (rather than JSON of the wrong shape). Such a problem beats
    /// every other one: a whole-document decoder reads the syntax of everything first.
    public var isSyntax: Bool { path.isEmpty && problem.hasPrefix("not valid JSON") }
}
