import Foundation
import KioskCore
import KioskProtocol
import KioskStore
import Logging

/// `sync.apply`: decode the document, validate it against what is stored, apply it in one transaction.
struct SyncHandler: Sendable {
    let store: KioskStore
    let logger: Logging.Logger
    /// This kiosk's id: the autopay run after each document makes payments in its name.
    var kioskID: String? = nil

    func register(in table: inout HandlerTable) {
        table.onRequest(Methods.syncApply, controlCharacterRefusal: { SyncHandler.refusal($0, under: "params") }) { call in
            try await apply(request: call.request, caller: call.caller)
        }
        let uploads = SyncUploadHandler(directory: (store.path as NSString).deletingLastPathComponent)
        table.on(Methods.syncUploadBegin) { params, _, state in try uploads.begin(params, state: &state) }
        table.on(Methods.syncUploadChunk) { params, _, state in try uploads.chunk(params, state: &state) }
        table.on(Methods.syncUploadCommit) { params, call, state in
            try await apply(document: try uploads.take(params, state: &state), caller: call.caller)
        }
    }

    /// `sync.apply`: the document is the request's params; paths are named from the document's root.
    /// The params object is applied from the request's bytes as they are (SyncDocumentStream),
    /// exactly as an uploaded document is; params that are not an object are refused as before.
    func apply(request data: Data, caller: Caller) async throws -> SyncApplyResult {
        if let members = try? JSONSplitter.members(of: data, splitting: ""),
           let params = members.last(where: { $0.name == "params" }),
           data[data.startIndex + params.value.lowerBound] == UInt8(ascii: "{") {
            let document = data[(data.startIndex + params.value.lowerBound)..<(data.startIndex + params.value.upperBound)]
            return try await apply(stream: Data(document), caller: caller)
        }
        let document: SyncDocument
        do {
            document = try JSONDecoder().decode(RPCParams<SyncDocument>.self, from: data).params
        } catch let error as DecodingError {
            var problem = SyncHandler.problem(error, in: data, root: "params")
            if problem.path == "params" { problem.path = "" }
            else if problem.path.hasPrefix("params.") { problem.path.removeFirst("params.".count) }
            throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
        }
        return try await apply(stream: try JSONEncoder().encode(document), caller: caller)
    }

    /// `sync.upload.commit`: the document's own bytes (mapped from the upload's spool file).
    func apply(document data: Data, caller: Caller) async throws -> SyncApplyResult {
        if let bad = ControlCharacterScreen.firstViolation(in: data, root: nil, lineBreaks: Methods.syncDocumentLineBreaks) {
            throw SyncHandler.refusal(bad, under: nil)
        }
        SyncUploadSpool.release(data, 0..<data.count)
        return try await apply(stream: data, caller: caller, mapped: true)
    }

    /// Splits the document and applies it one account at a time (KioskStore.apply(stream:)).
    /// `mapped`: `data` is an upload's mapped spool file, whose pages are handed back as they are read.
    private func apply(stream data: Data, caller: Caller, mapped: Bool = false) async throws -> SyncApplyResult {
        let stream: SyncDocumentStream
        do { stream = try SyncDocumentStream(bytes: data, explain: SyncHandler.explain) } catch {
            throw RPCError.invalidParams("the sync document was refused: \(error.description)", path: error.path)
        }
        if mapped { SyncUploadSpool.release(data, 0..<data.count) }
        let read: (@Sendable (Range<Int>) -> Void)? = mapped ? { @Sendable range in SyncUploadSpool.release(data, range) } : nil
        return try await record(caller: caller) { audit throws(StoreError) in
            try await store.apply(stream: stream, explain: SyncHandler.explain, audit: audit, autopayKiosk: kioskID, read: read)
        }
    }

    /// A decoding problem with its path, also when Foundation gave none: the header or one
    /// account, patched and decoded again (`UnnamedDecodingFailure`), paths from what was decoded.
    static let explain: SyncDocumentStream.Explain = { error, data, part in
        let problem = SyncDocumentError(decoding: error)
        guard ParamsDecodingProblem.isUnnamed(error) else { return problem }
        let suspect = UnnamedDecodingFailure.locate(in: data, root: nil, maximumTries: data.count > 1_000_000 ? 4 : 64) { patched in
            do {
                switch part {
                case .header: _ = try JSONDecoder().decode(SyncDocument.self, from: patched)
                case .account: _ = try JSONDecoder().decode(Account.self, from: patched)
                }
                return false
            } catch let again as DecodingError { return ParamsDecodingProblem.isUnnamed(again) } catch { return true }
        }
        return suspect.map { SyncDocumentError(path: $0.path, problem: $0.problem) } ?? problem
    }

    /// A control character in the document (paths from the document's root, as for its other problems).
    static func refusal(_ bad: ControlCharacterScreen.Violation, under root: String?) -> RPCError {
        var path = bad.path
        if let root { path = path == root ? "" : (path.hasPrefix(root + ".") ? String(path.dropFirst(root.count + 1)) : path) }
        let what = bad.inMemberName ? "a member name in \(path.isEmpty ? "the document" : path)" : (path.isEmpty ? "the document" : path)
        return RPCError.invalidParams("the sync document was refused: \(what) contains a control character (\(bad.codePoint))", path: path)
    }

    /// The decoding problem with its path, also when Foundation gave none (`UnnamedDecodingFailure`).
    static func problem(_ error: DecodingError, in data: Data, root: String?) -> SyncDocumentError {
        let problem = SyncDocumentError(decoding: error)
        guard ParamsDecodingProblem.isUnnamed(error) else { return problem }
        let suspect = UnnamedDecodingFailure.locate(in: data, root: root, maximumTries: data.count > 1_000_000 ? 4 : 64) { patched in
            do {
                if root == nil { _ = try JSONDecoder().decode(SyncDocument.self, from: patched) }
                else { _ = try JSONDecoder().decode(RPCParams<SyncDocument>.self, from: patched) }
                return false
            } catch let again as DecodingError { return ParamsDecodingProblem.isUnnamed(again) } catch { return true }
        }
        return suspect.map { SyncDocumentError(path: $0.path, problem: $0.problem) } ?? problem
    }

    /// Runs the store's apply with the caller's audit row and turns its refusals into replies.
    private func record(caller: Caller, _ body: (AuditEntry) async throws(StoreError) -> SyncOutcome) async throws -> SyncApplyResult {
        let audit = AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue,
                               action: "sync.apply", detail: "")
        let outcome: SyncOutcome
        do {
            outcome = try await body(audit)
        } catch {
            switch error {
            case .invalidDocument(let problem):
                throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
            case .olderDocument:
                throw RPCError.app(.conflict, error.description)
            default:
                throw RPCError.app(.storageUnavailable, error.description)
            }
        }
        logger.info("sync applied", metadata: [
            "as_of": "\(outcome.asOf.map(\.description) ?? "")", "accounts_inserted": "\(outcome.accounts.inserted)",
            "accounts_updated": "\(outcome.accounts.updated)", "accounts_unchanged": "\(outcome.accounts.unchanged)",
            "uid": "\(caller.peer.uid)",
        ])
        func counts(_ c: SyncOutcome.Counts) -> SyncApplyResult.Counts { .init(inserted: c.inserted, updated: c.updated, unchanged: c.unchanged) }
        return SyncApplyResult(asOf: outcome.asOf?.description ?? "", branches: counts(outcome.branches), users: counts(outcome.users),
                               profiles: counts(outcome.profiles), accounts: counts(outcome.accounts), rowsWritten: outcome.rowsWritten)
    }
}

import Logging
