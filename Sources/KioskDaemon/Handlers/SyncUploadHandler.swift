import Logging
import Foundation
import KioskProtocol

/// `sync.upload.begin` / `.chunk`: collects a large document in order, within fixed bounds,
/// into a spool file in the data directory (SyncUploadSpool), never into RAM.
struct SyncUploadHandler: Sendable {
    /// The data directory, where uploads are spooled.
    let directory: String

    func begin(_ params: SyncUploadBeginParams, state: inout ConnectionState) throws -> SyncUploadBeginResult {
        guard params.size > 0, params.size <= SyncUpload.maximumDocumentBytes else {
            throw RPCError.invalidParams("invalid params: params.size must be from 1 to \(SyncUpload.maximumDocumentBytes) bytes", path: "params.size")
        }
        state.upload = nil  // a new begin replaces (and closes) the previous upload first
        let spool: SyncUploadSpool
        do { spool = try SyncUploadSpool(directory: directory) } catch {
            throw RPCError.app(.storageUnavailable, error.description)
        }
        let id = "U" + UUID().uuidString.prefix(8).lowercased()
        state.upload = PendingUpload(id: id, size: params.size, received: 0, spool: spool)
        return SyncUploadBeginResult(upload: id, chunkBytes: SyncUpload.maximumChunkBytes)
    }

    func chunk(_ params: SyncUploadChunkParams, state: inout ConnectionState) throws -> SyncUploadChunkResult {
        guard var upload = state.upload, upload.id == params.upload else {
            throw RPCError.app(.notFound, "no upload with that id is open on this connection; start one with sync.upload.begin")
        }
        guard params.offset == upload.received else {
            throw RPCError.app(.conflict, "the chunk is out of order: \(upload.received) bytes received so far; send the chunk at offset \(upload.received)")
        }
        guard let chunk = Data(base64Encoded: params.data), !chunk.isEmpty else {
            throw RPCError.invalidParams("invalid params: params.data must be non-empty standard base64", path: "params.data")
        }
        guard chunk.count <= SyncUpload.maximumChunkBytes else {
            throw RPCError.invalidParams("invalid params: a chunk carries at most \(SyncUpload.maximumChunkBytes) bytes", path: "params.data")
        }
        guard upload.received + chunk.count <= upload.size else {
            state.upload = nil
            throw RPCError.invalidParams("invalid params: the chunks exceed the announced size of \(upload.size) bytes; the upload was discarded", path: "params.data")
        }
        do { try upload.spool.write(chunk, at: upload.received) } catch {
            state.upload = nil
            throw RPCError.app(.storageUnavailable, "\(error.description); the upload was discarded")
        }
        upload.received += chunk.count
        state.upload = upload
        return SyncUploadChunkResult(received: upload.received)
    }

    /// The complete document (mapped from its spool file), removed from the connection; or an
    /// error saying what is missing.
    func take(_ params: SyncUploadCommitParams, state: inout ConnectionState) throws -> Data {
        guard let upload = state.upload, upload.id == params.upload else {
            throw RPCError.app(.notFound, "no upload with that id is open on this connection; start one with sync.upload.begin")
        }
        guard upload.received == upload.size else {
            throw RPCError.app(.conflict, "the upload is incomplete: \(upload.received) of \(upload.size) bytes received")
        }
        state.upload = nil
        do { return try upload.spool.mapped(size: upload.size) } catch {
            throw RPCError.app(.storageUnavailable, error.description)
        }
    }
}
