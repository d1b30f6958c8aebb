/// The one-line prompt ("Sign for $123.45") an STU shows above the signing area, laid out for
/// the pad's screen and encoded in the pad's own pixel format.
///
/// * Models with StartImageDataArea (430/530/540) get only a band around the text, near the
///   top of the screen: every ImageDataBlock is one control transfer of 253 data bytes, so a
///   band instead of the whole screen is the difference between a few transfers and hundreds
///   (a full 24-bit STU-540 screen would be ~4,550).
/// * Older models (300/500/520A) get a full-screen image with the text at the top.
/// * Pixel format: whatever the capability (or, without a flag, the model) says the pad takes,
///   best first — 24-bit B,G,R on the 530/540, RGB565 on the 520A, 1-bit on the 430/300/500 —
///   through `WacomSTUImage.fromRGB`. Text is black on white.
public struct WacomSTUPrompt: Sendable, Equatable {
    /// Where the image goes; nil means the whole screen (StartImageData).
    public let area: WacomSTURect?
    public let image: WacomSTUImage
    /// The font scale chosen (each font pixel is scale × scale screen pixels).
    public let scale: Int

    public init(text: String, capability: WacomSTUCapability, model: WacomSTUModel?) throws(WacomSTUError) {
        let screenWidth = Int(capability.screenWidth), screenHeight = Int(capability.screenHeight)
        guard screenWidth > 0, screenHeight > 0 else { throw .parameterOutOfRange("the pad reports no screen") }
        let margin = max(2, screenHeight / 40)
        // About an eighth of the screen height for a line: 3 on a 430 (200 px), 7 on a 540 (480 px).
        let limit = max(1, screenHeight / 64)
        let bitmap: PromptBitmap
        do {
            let scale = try PromptBitmap.scale(toFit: text.count, maximumWidth: screenWidth - 2 * margin, limit: limit)
            bitmap = try PromptBitmap(text: text, scale: scale)
            self.scale = scale
        } catch {
            throw .prompt(error)
        }
        let pad = scale
        let width: Int, height: Int, left: Int, top: Int
        if model?.supportsImageArea == true {
            // Whole bytes per 1-bit row and a byte-aligned left edge, so the band packs the same
            // way whichever encoding the pad takes.
            width = min(screenWidth, (bitmap.width + 2 * pad + 7) / 8 * 8)
            height = min(screenHeight, bitmap.height + 2 * pad)
            let x1 = (screenWidth - width) / 2 / 8 * 8
            area = try WacomSTURect(x1: UInt16(x1), y1: UInt16(margin),
                                    x2: UInt16(x1 + width - 1), y2: UInt16(margin + height - 1))
            left = (width - bitmap.width) / 2
            top = pad
        } else {
            area = nil
            width = screenWidth
            height = screenHeight
            left = (screenWidth - bitmap.width) / 2
            top = margin + pad
        }
        var rgb = [UInt32](repeating: 0xFF_FFFF, count: width * height)
        for y in 0..<bitmap.height where top + y < height {
            for x in 0..<bitmap.width where bitmap.ink[y * bitmap.width + x] && left + x < width {
                rgb[(top + y) * width + left + x] = 0x00_0000
            }
        }
        image = try WacomSTUImage.fromRGB(width: width, height: height, rgb: rgb, accepting: capability.encodings(model: model))
    }

    /// The SET reports that upload the prompt: StartImageData(Area), ImageDataBlocks, EndImageData.
    public func uploadReports(capability: WacomSTUCapability, model: WacomSTUModel?,
                              blockReportLength: Int = WacomSTUImageUpload.hidBlockReportLength) throws(WacomSTUError) -> [[UInt8]] {
        try WacomSTUImageUpload.reports(for: image, capability: capability, model: model, area: area,
                                        blockReportLength: blockReportLength)
    }
}
