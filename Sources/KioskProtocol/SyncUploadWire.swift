import Foundation

/// A sync document too large for one 16 MiB line travels in chunks on one connection:
/// `sync.upload.begin` → `sync.upload.chunk`… → `sync.upload.commit`, which applies it
/// exactly as `sync.apply` would (whole-document validation, one transaction).
public enum SyncUpload {
    /// The most decoded bytes one chunk may carry (its base64 text stays well under 16 MiB).
    public static let maximumChunkBytes = 8 * 1024 * 1024
    /// The largest document the daemon accepts in one upload.
    public static let maximumDocumentBytes = 512 * 1024 * 1024
}

/// `sync.upload.begin` params: the document's exact size in bytes.
public struct SyncUploadBeginParams: Codable, Sendable, Equatable {
    public var size: Int
    public init(size: Int) { self.size = size }
}

/// `sync.upload.begin` result.
public struct SyncUploadBeginResult: Codable, Sendable, Equatable {
    public var upload: String
    public var chunkBytes: Int
    enum CodingKeys: String, CodingKey { case upload, chunkBytes = "chunk_bytes" }
    public init(upload: String, chunkBytes: Int) { self.upload = upload; self.chunkBytes = chunkBytes }
}

/// `sync.upload.chunk` params: bytes `[offset, offset + decoded length)` of the document, base64.
public struct SyncUploadChunkParams: Codable, Sendable, Equatable {
    public var upload: String
    public var offset: Int
    public var data: String
    public init(upload: String, offset: Int, data: String) { self.upload = upload; self.offset = offset; self.data = data }
}

/// `sync.upload.chunk` result: bytes received so far.
public struct SyncUploadChunkResult: Codable, Sendable, Equatable {
    public var received: Int
    public init(received: Int) { self.received = received }
}

/// `sync.upload.commit` params (result: `SyncApplyResult`).
public struct SyncUploadCommitParams: Codable, Sendable, Equatable {
    public var upload: String
    public init(upload: String) { self.upload = upload }
}
