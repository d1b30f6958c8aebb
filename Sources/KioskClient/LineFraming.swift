import NIOCore

/// Splits the daemon's byte stream into lines (one JSON text each, `\n`-terminated).
struct LineDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    struct LineTooLong: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "a reply line was longer than \(limit) bytes" }
    }

    /// The longest line accepted, without its newline.
    let maximumLength: Int
    /// Bytes of the pending line already searched for a newline. Each read appends a few KiB;
    /// searching from the line's start every time made an 11 MB reply (a backup chunk) cost
    /// ~30 s of CPU and kioskd closed the connection as not reading.
    private var searched = 0

    init(maximumLength: Int) { self.maximumLength = maximumLength }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        let from = view.index(view.startIndex, offsetBy: min(searched, view.count))
        guard let newline = view[from...].firstIndex(of: UInt8(ascii: "\n")) else {
            searched = view.count
            if buffer.readableBytes > maximumLength { throw LineTooLong(limit: maximumLength) }
            return .needMoreData
        }
        searched = 0
        let length = newline - view.startIndex
        guard length <= maximumLength else { throw LineTooLong(limit: maximumLength) }
        var line = buffer.readSlice(length: length)!
        buffer.moveReaderIndex(forwardBy: 1)
        // Tolerate CRLF from hand-written peers.
        if line.readableBytesView.last == UInt8(ascii: "\r") { line.moveWriterIndex(to: line.writerIndex - 1) }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        // A last line without its newline is still a line.
        if buffer.readableBytes > 0, let rest = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(Self.wrapInboundOut(rest))
        }
        return .needMoreData
    }
}
