import Foundation
import KioskProtocol

/// `sync.upload.begin` / `.chunk`: collects a large document in order, within fixed bounds.
struct SyncUploadHandler: Sendable {
    func begin(_ params: SyncUploadBeginParams, state: inout ConnectionState) throws -> SyncUploadBeginResult {
        guard params.size > 0, params.size <= SyncUpload.maximumDocumentBytes else {
            throw RPCError.invalidParams("invalid params: params.size must be from 1 to \(SyncUpload.maximumDocumentBytes) bytes", path: "params.size")
        }
        let id = "U" + UUID().uuidString.prefix(8).lowercased()
        var bytes = Data()
        bytes.reserveCapacity(params.size)
        state.upload = PendingUpload(id: id, size: params.size, bytes: bytes)
        return SyncUploadBeginResult(upload: id, chunkBytes: SyncUpload.maximumChunkBytes)
    }

    func chunk(_ params: SyncUploadChunkParams, state: inout ConnectionState) throws -> SyncUploadChunkResult {
        guard var upload = state.upload, upload.id == params.upload else {
            throw RPCError.app(.notFound, "no upload with that id is open on this connection; start one with sync.upload.begin")
        }
        guard params.offset == upload.bytes.count else {
            throw RPCError.app(.conflict, "the chunk is out of order: \(upload.bytes.count) bytes received so far; send the chunk at offset \(upload.bytes.count)")
        }
        guard let chunk = Data(base64Encoded: params.data), !chunk.isEmpty else {
            throw RPCError.invalidParams("invalid params: params.data must be non-empty standard base64", path: "params.data")
        }
        guard chunk.count <= SyncUpload.maximumChunkBytes else {
            throw RPCError.invalidParams("invalid params: a chunk carries at most \(SyncUpload.maximumChunkBytes) bytes", path: "params.data")
        }
        guard upload.bytes.count + chunk.count <= upload.size else {
            state.upload = nil
            throw RPCError.invalidParams("invalid params: the chunks exceed the announced size of \(upload.size) bytes; the upload was discarded", path: "params.data")
        }
        state.upload = nil  // keep one copy of the bytes while appending
        upload.bytes.append(chunk)
        let received = upload.bytes.count
        state.upload = upload
        return SyncUploadChunkResult(received: received)
    }

    /// The complete document, removed from the connection; or an error saying what is missing.
    func take(_ params: SyncUploadCommitParams, state: inout ConnectionState) throws -> Data {
        guard let upload = state.upload, upload.id == params.upload else {
            throw RPCError.app(.notFound, "no upload with that id is open on this connection; start one with sync.upload.begin")
        }
        guard upload.bytes.count == upload.size else {
            throw RPCError.app(.conflict, "the upload is incomplete: \(upload.bytes.count) of \(upload.size) bytes received")
        }
        state.upload = nil
        return upload.bytes
    }
}
