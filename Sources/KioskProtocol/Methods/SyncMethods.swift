import Foundation

/// Account data in: a sync document applied whole, or uploaded in chunks (PROTOCOL.md "Sync").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let sync: [any RPCMethod] = [
        syncApply, syncUploadBegin, syncUploadChunk, syncUploadCommit,
    ]

    /// `params` is the sync document itself (SYNC.md), read by the store's validator rather
    /// than a Codable type: the client sends its bytes as they are (`KioskClient.syncApply`).
    public static let syncApply = MethodDeclaration<SyncDocumentText, SyncApplyResult>("sync.apply", .staff, lineBreaks: ["params.branches[].terms"])
    /// `sync.upload.commit` screens the assembled document with these (paths from its root).
    public static let syncDocumentLineBreaks: Set<String> = ["branches[].terms"]
    public static let syncUploadBegin = MethodDeclaration<SyncUploadBeginParams, SyncUploadBeginResult>("sync.upload.begin", .staff)
    public static let syncUploadChunk = MethodDeclaration<SyncUploadChunkParams, SyncUploadChunkResult>("sync.upload.chunk", .staff)
    public static let syncUploadCommit = MethodDeclaration<SyncUploadCommitParams, SyncApplyResult>("sync.upload.commit", .staff)
}

/// A sync document as the bytes of one JSON object. It is never decoded into this type: the
/// daemon validates the document itself (with paths a manager can act on), and the client
/// sends the bytes unchanged. Encoding it is refused so it cannot be sent by accident as `{}`.
public struct SyncDocumentText: Codable, Sendable {
    public var json: Data
    public init(json: Data) { self.json = json }
    public init(from decoder: Decoder) throws {
        throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
            debugDescription: "a sync document is read by the sync validator, not decoded as a value"))
    }
    public func encode(to encoder: Encoder) throws {
        throw EncodingError.invalidValue(self, .init(codingPath: encoder.codingPath,
            debugDescription: "send a sync document with KioskClient.syncApply(documentJSON:)"))
    }
}
