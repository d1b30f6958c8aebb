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
        let uploads = SyncUploadHandler()
        table.on(Methods.syncUploadBegin) { params, _, state in try uploads.begin(params, state: &state) }
        table.on(Methods.syncUploadChunk) { params, _, state in try uploads.chunk(params, state: &state) }
        table.on(Methods.syncUploadCommit) { params, call, state in
            try await apply(document: try uploads.take(params, state: &state), caller: call.caller)
        }
    }

    /// `sync.apply`: the document is the request's params; paths are named from the document's root.
    func apply(request data: Data, caller: Caller) async throws -> SyncApplyResult {
        let document: SyncDocument
        do {
            document = try JSONDecoder().decode(RPCParams<SyncDocument>.self, from: data).params
        } catch let error as DecodingError {
            var problem = SyncHandler.problem(error, in: data, root: "params")
            if problem.path == "params" { problem.path = "" }
            else if problem.path.hasPrefix("params.") { problem.path.removeFirst("params.".count) }
            throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
        }
        return try await apply(document, caller: caller)
    }

    /// `sync.upload.commit`: the document's own bytes.
    func apply(document data: Data, caller: Caller) async throws -> SyncApplyResult {
        let document: SyncDocument
        if let bad = ControlCharacterScreen.firstViolation(in: data, root: nil, lineBreaks: Methods.syncDocumentLineBreaks) {
            throw SyncHandler.refusal(bad, under: nil)
        }
        do {
            document = try JSONDecoder().decode(SyncDocument.self, from: data)
        } catch {
            let problem = (error as? DecodingError).map { SyncHandler.problem($0, in: data, root: nil) }
                ?? SyncDocumentError(path: "", problem: "not valid JSON")
            throw RPCError.invalidParams("the sync document was refused: \(problem.description)", path: problem.path)
        }
        return try await apply(document, caller: caller)
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

    private func apply(_ document: SyncDocument, caller: Caller) async throws -> SyncApplyResult {
        let audit = AuditEntry(uid: caller.peer.uid, userName: caller.peer.userName, role: caller.role.rawValue,
                               action: "sync.apply", detail: "")
        let outcome: SyncOutcome
        do {
            outcome = try await store.apply(document, audit: audit, autopayKiosk: kioskID)
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
            "as_of": "\(document.asOf)", "accounts_inserted": "\(outcome.accounts.inserted)",
            "accounts_updated": "\(outcome.accounts.updated)", "accounts_unchanged": "\(outcome.accounts.unchanged)",
            "uid": "\(caller.peer.uid)",
        ])
        func counts(_ c: SyncOutcome.Counts) -> SyncApplyResult.Counts { .init(inserted: c.inserted, updated: c.updated, unchanged: c.unchanged) }
        return SyncApplyResult(asOf: document.asOf.description, branches: counts(outcome.branches), users: counts(outcome.users),
                               profiles: counts(outcome.profiles), accounts: counts(outcome.accounts), rowsWritten: outcome.rowsWritten)
    }
}

import Logging
