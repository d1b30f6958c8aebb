import NIOCore

/// One framed unit from a client: a complete line, or the news that a line was too long.
enum Frame: Sendable {
    case line(ByteBuffer)
    /// The line exceeded the limit; its bytes were discarded up to and including its newline.
    case tooLong
}

/// Splits the byte stream on `\n` with a per-connection length cap.
///
/// Unlike a decoder that throws on an over-long line (and so ends the connection), this one
/// reports `.tooLong` once, skips to the next newline and carries on, so one bad line gets
/// one error reply and the connection stays usable, as PROTOCOL.md requires. Memory stays
/// bounded by the limit: discarded bytes are never buffered.
struct LineFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = Frame
    let maximumLength: Int
    private var discarding = false
    private var scanned = 0

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let start = view.startIndex + scanned
        if let newline = view[start...].firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - view.startIndex
            scanned = 0
            if discarding {
                buffer.moveReaderIndex(forwardBy: length + 1)
                discarding = false
                return .continue
            }
            if length > maximumLength {
                buffer.moveReaderIndex(forwardBy: length + 1)
                context.fireChannelRead(wrapInboundOut(.tooLong))
                return .continue
            }
            var line = buffer.readSlice(length: length)!
            buffer.moveReaderIndex(forwardBy: 1)
            if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == UInt8(ascii: "\r") {
                line.moveWriterIndex(to: line.writerIndex - 1)
            }
            context.fireChannelRead(wrapInboundOut(.line(line)))
            return .continue
        }
        // No newline yet: past the limit, report once and drop what we hold.
        if buffer.readableBytes > maximumLength {
            if !discarding {
                discarding = true
                context.fireChannelRead(wrapInboundOut(.tooLong))
            }
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            scanned = 0
            return .needMoreData
        }
        scanned = buffer.readableBytes
        return .needMoreData
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A client that disconnects mid-line: the partial line is dropped, nothing is executed.
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
