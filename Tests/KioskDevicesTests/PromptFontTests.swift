import Testing
@testable import KioskDevices

@Suite("Prompt font and STU prompt layout")
struct PromptFontTests {
    /// The bitmap as text rows ("#" ink, "." background), for readable expectations.
    static func rows(_ bitmap: PromptBitmap) -> [String] {
        (0..<bitmap.height).map { y in
            String((0..<bitmap.width).map { bitmap.ink[y * bitmap.width + $0] ? "#" : "." })
        }
    }

    @Test func coversWhatAPromptNeeds() {
        let needed = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz$.,: "
        #expect(PromptFont.unsupportedCharacter(in: needed) == nil)
        #expect(PromptFont.unsupportedCharacter(in: "Total: €5") == "€")
        // Every glyph is 8 rows of 5 bits, and only the space is blank.
        for character in PromptFont.characters {
            let rows = PromptFont.glyph(character) ?? []
            #expect(rows.count == 8 && rows.allSatisfy { $0 < 0x20 }, "\(character)")
            #expect(rows.contains { $0 != 0 } == (character != " "), "\(character)")
        }
        // No two characters share a glyph (a typo in the table would make two look alike).
        let glyphs = PromptFont.characters.compactMap(PromptFont.glyph)
        #expect(Set(glyphs.map { $0.map(String.init).joined(separator: ",") }).count == glyphs.count)
    }

    @Test func rendersCellsSideBySideWithOneColumnApart() throws {
        let bitmap = try PromptBitmap(text: "$1", scale: 1)
        #expect(bitmap.width == 11 && bitmap.height == 8)
        #expect(Self.rows(bitmap) == [
            "..#.....#..",
            ".####..##..",
            "#.#.....#..",
            ".###....#..",
            "..#.#...#..",
            "####....#..",
            "..#....###.",
            "...........",
        ])
    }

    @Test func scalesEveryFontPixelToASquare() throws {
        let one = try PromptBitmap(text: "Sign for $123.45", scale: 1)
        let three = try PromptBitmap(text: "Sign for $123.45", scale: 3)
        #expect(one.width == 95 && three.width == 285 && three.height == 24)
        for y in 0..<three.height {
            for x in 0..<three.width {
                #expect(three.ink[y * three.width + x] == one.ink[(y / 3) * one.width + x / 3])
            }
        }
    }

    @Test func refusesWhatCannotBeDrawn() throws {
        #expect(throws: PromptBitmap.Failure.unsupportedCharacter("é")) { try PromptBitmap(text: "Signé", scale: 1) }
        #expect(throws: PromptBitmap.Failure.empty) { try PromptBitmap(text: "", scale: 1) }
        #expect(throws: PromptBitmap.Failure.tooWide(characters: 60, maximumWidth: 300)) {
            try PromptBitmap.scale(toFit: 60, maximumWidth: 300, limit: 3)
        }
        #expect(try PromptBitmap.scale(toFit: 16, maximumWidth: 310, limit: 3) == 3)
        #expect(try PromptBitmap.scale(toFit: 16, maximumWidth: 200, limit: 3) == 2)
    }

    @Test func layoutOnA430IsAByteAlignedMonochromeBandNearTheTop() throws {
        let capability = try WacomSTUCapability(report: WacomSTUHostTests.capability430)
        let prompt = try WacomSTUPrompt(text: "Sign for $123.45", capability: capability, model: .stu430)
        let area = try #require(prompt.area)
        #expect(prompt.scale == 3)
        #expect(prompt.image.encoding == .monochrome)
        #expect(area.x1 % 8 == 0 && area.width % 8 == 0 && Int(area.x2) < 320 && area.y1 == 5)
        #expect(prompt.image.width == area.width && prompt.image.height == area.height)
        // The band's first row is background (the text has a margin of one scale step).
        #expect(prompt.image.data.prefix(area.width / 8).allSatisfy { $0 == 0xFF })
    }

    @Test func olderModelsGetAFullScreenImage() throws {
        let capability = try WacomSTUCapability(tabletMaxX: 9600, tabletMaxY: 6000, tabletMaxPressure: 511,
                                                screenWidth: 396, screenHeight: 100)
        let prompt = try WacomSTUPrompt(text: "Sign here", capability: capability, model: .stu300)
        #expect(prompt.area == nil)
        #expect(prompt.image.width == 396 && prompt.image.height == 100)
        let reports = try prompt.uploadReports(capability: capability, model: .stu300)
        #expect(reports.first == [0x25, 0x00])
    }

    @Test func aPromptTooLongForTheScreenIsAPromptError() throws {
        let capability = try WacomSTUCapability(report: WacomSTUHostTests.capability430)
        let long = String(repeating: "W", count: 60)
        #expect(throws: WacomSTUError.prompt(.tooWide(characters: 60, maximumWidth: 310))) {
            try WacomSTUPrompt(text: long, capability: capability, model: .stu430)
        }
    }
}
