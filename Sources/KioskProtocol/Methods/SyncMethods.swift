import Foundation

/// Account data in: a sync document applied whole, or uploaded in chunks (PROTOCOL.md "Sync").
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let sync: [any RPCMethod.Type] = [
        SyncApply.self, SyncUploadBegin.self, SyncUploadChunk.self, SyncUploadCommit.self,
    ]

    /// `params` is the sync document itself (SYNC.md), read by the store's validator rather
    /// than a Codable type: the client sends its bytes as they are (`KioskClient.syncApply`).
    public enum SyncApply: RPCMethod {
        public typealias Params = SyncDocumentText
        public typealias Result = SyncApplyResult
        public static let name = "sync.apply"
        public static let access = MethodAccess.staff
        public static let lineBreakParams: Set<String> = ["params.branches[].terms"]
        /// `sync.upload.commit` screens the assembled document with these (paths from its root).
        public static let documentLineBreaks: Set<String> = ["branches[].terms"]
    }
    public enum SyncUploadBegin: RPCMethod {
        public typealias Params = SyncUploadBeginParams
        public typealias Result = SyncUploadBeginResult
        public static let name = "sync.upload.begin"
        public static let access = MethodAccess.staff
    }
    public enum SyncUploadChunk: RPCMethod {
        public typealias Params = SyncUploadChunkParams
        public typealias Result = SyncUploadChunkResult
        public static let name = "sync.upload.chunk"
        public static let access = MethodAccess.staff
    }
    public enum SyncUploadCommit: RPCMethod {
        public typealias Params = SyncUploadCommitParams
        public typealias Result = SyncApplyResult
        public static let name = "sync.upload.commit"
        public static let access = MethodAccess.staff
    }
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
