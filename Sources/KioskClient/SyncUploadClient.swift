import Foundation
import KioskProtocol

extension KioskClient {
    /// Applies a sync document (compact JSON object bytes) and returns the raw `result`.
    ///
    /// A document that fits in one request line goes as `sync.apply`; a larger one (a whole
    /// store's 10,000 accounts is ~80 MiB) goes in chunks through `sync.upload.*` on this
    /// connection and is applied by the daemon exactly as `sync.apply` would.
    /// `sent` is told each range of `document` once the daemon acknowledged it (kioskctl hands
    /// the pages of its mapped file back then).
    public func applySyncDocument(_ document: Data, lineLimit: Int = Role.manager.maximumLineLength,
                                  sent: (Range<Int>) -> Void = { _ in }) async throws(ClientError) -> Data {
        let envelope = 128
        if document.count + envelope <= lineLimit {
            return try await callRaw(method: Methods.syncApply.name, paramsJSON: document)
        }
        let begin = try await call(Methods.syncUploadBegin, SyncUploadBeginParams(size: document.count))
        let chunkBytes = max(1, min(begin.chunkBytes, SyncUpload.maximumChunkBytes))
        var offset = 0
        while offset < document.count {
            let end = min(offset + chunkBytes, document.count)
            let chunk = SyncUploadChunkParams(upload: begin.upload, offset: offset,
                                              data: document.subdata(in: offset..<end).base64EncodedString())
            let reply = try await call(Methods.syncUploadChunk, chunk)
            guard reply.received == end else {
                throw .malformedReply("the daemon acknowledged \(reply.received) bytes of the upload, expected \(end)")
            }
            sent(offset..<end)
            offset = end
        }
        return try await callRaw(Methods.syncUploadCommit, SyncUploadCommitParams(upload: begin.upload))
    }
}
