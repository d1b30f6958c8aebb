/// Types text as a US-layout keyboard-wedge reader would: boot keyboard reports, a press and
/// a release per character, then Enter. The emulated reader feeds these to the same
/// `KeyboardWedgeDecoder` a real reader's reports go through, so emulation exercises the
/// real decoding path.
public enum WedgeKeystrokes {
    private static let leftShift: UInt8 = 0x02
    private static let enter: UInt8 = 0x28

    /// (usage, shift) for every character the decoder's US table can produce.
    private static let keys: [UInt8: (usage: UInt8, shift: Bool)] = {
        var map = [UInt8: (usage: UInt8, shift: Bool)]()
        for shift in [false, true] {
            for usage in UInt8(0x04)...UInt8(0x38) {
                if let character = KeyboardWedgeDecoder.character(usage: usage, shift: shift), map[character] == nil {
                    map[character] = (usage, shift)
                }
            }
        }
        return map
    }()

    /// The reports for `text` followed by Enter, or nil when a character cannot be typed.
    public static func reports(typing text: [UInt8]) -> [[UInt8]]? {
        var reports = [[UInt8]]()
        reports.reserveCapacity(text.count * 2 + 2)
        let release: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0]
        for character in text {
            guard let key = keys[character] else { return nil }
            reports.append([key.shift ? leftShift : 0, 0, key.usage, 0, 0, 0, 0, 0])
            reports.append(release)
        }
        reports.append([0, 0, enter, 0, 0, 0, 0, 0])
        reports.append(release)
        return reports
    }
}
