import NIOCore
import NIOEmbedded
import Testing
@testable import KioskDaemon

/// The framer is where an attacker's bytes first land: bounded memory, one error per bad line.
@Suite("Line framing")
struct LineFrameDecoderTests {
    func frames(_ chunks: [String], limit: Int = 10) throws -> [String] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLength: limit)))
        for chunk in chunks { try channel.writeInbound(ByteBuffer(string: chunk)) }
        var out = [String]()
        while let frame = try channel.readInbound(as: Frame.self) {
            switch frame {
            case .line(let buffer): out.append(String(buffer: buffer))
            case .tooLong: out.append("<too long>")
            }
        }
        _ = try? channel.finish()
        return out
    }

    @Test("lines split on newline, across chunks, with CR tolerated")
    func splits() throws {
        #expect(try frames(["ab\ncd", "e\r\n", "\n"]) == ["ab", "cde", ""])
    }

    @Test("a line at the limit passes; one byte more is refused once and skipped")
    func limit() throws {
        #expect(try frames(["0123456789\n"]) == ["0123456789"])
        #expect(try frames(["0123456789X\nok\n"]) == ["<too long>", "ok"])
    }

    @Test("a huge line arriving in pieces is reported once and never buffered whole")
    func hugeInPieces() throws {
        let piece = String(repeating: "x", count: 7)
        #expect(try frames([piece, piece, piece, piece, "tail\nnext\n"]) == ["<too long>", "next"])
    }

    @Test("a half line at disconnect is dropped, not executed")
    func partialAtEOF() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(LineFrameDecoder(maximumLength: 100)))
        try channel.writeInbound(ByteBuffer(string: "done\nhalf a req"))
        _ = try channel.finish()
        var lines = [String]()
        while let frame = try channel.readInbound(as: Frame.self) { if case .line(let b) = frame { lines.append(String(buffer: b)) } }
        #expect(lines == ["done"])
    }
}
