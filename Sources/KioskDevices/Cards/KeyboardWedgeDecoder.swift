import Foundation

/// Decoder for keyboard-emulation ("wedge") card readers: 8-byte boot-protocol keyboard reports
/// (modifier byte, reserved byte, six key slots) → key presses → US-layout characters → tracks.
///
/// * A key counts when it appears in a report and was not down in the previous one, so key-up
///   reports, repeated identical reports and rollover are all handled; a report with a 0x01–0x03
///   slot (ErrorRollOver/POSTFail/ErrorUndefined) is ignored whole.
/// * Usage IDs are translated with a fixed US table, never through an OS keymap.
/// * ALT-ASCII mode (Alt held + keypad digits, character emitted when Alt is released) is supported.
/// * A swipe ends on Enter (main or keypad) or when the transport calls `flush()` after an idle gap.
/// * Tracks are found by their start sentinels (`%` track 1; `;` track 2 then track 3; `+`, `#`,
///   `&`, `!` track 3; `@` 7-bit track 2), each up to its `?`, plus an LRC character when the reader
///   forwards one. Characters outside tracks (pre/post-card strings) are ignored. The `E` error
///   markers are left to the parser.
///
/// The characters of a swipe in progress live in a zero-on-release buffer and are wiped when the
/// swipe ends, on `reset()`, and when the decoder is released.
public struct KeyboardWedgeDecoder: CardReaderDecoder, CustomStringConvertible, CustomReflectable {
    public static let driverName = "keyboard-wedge"

    /// Characters kept per swipe: three full tracks with LRCs plus room for pre/post strings.
    public static let maxSwipeCharacters = 512

    private var buffer = CardScratchBuffer(capacity: KeyboardWedgeDecoder.maxSwipeCharacters)
    private var overflowed = false
    /// Usages down in the last accepted report (at most six).
    private var down: [UInt8] = []
    private var altHeld = false
    private var altValue = 0
    private var altDigits = 0

    public init() {}

    public var description: String { "KeyboardWedgeDecoder(\(buffer.count) characters pending)" }
    public var customMirror: Mirror { Mirror(self, children: ["pending": buffer.count], displayStyle: .struct) }

    public mutating func reset() {
        uniqueBuffer().wipe()
        overflowed = false
        clearKeys()
    }

    public mutating func flush() -> CardReaderEvent? {
        clearKeys()
        guard buffer.count > 0 || overflowed else { return nil }
        return endSwipe()
    }

    public mutating func consume(report: [UInt8]) -> CardReaderEvent? {
        guard report.count == 8 else { return nil }
        let modifiers = report[0]
        var current: [UInt8] = []
        current.reserveCapacity(6)
        for k in report[2..<8] {
            if (0x01...0x03).contains(k) { return nil }            // rollover / error report
            if k >= 0x04 && !current.contains(k) { current.append(k) }
        }
        defer {
            for i in down.indices { down[i] = 0 }
            down = current
        }

        var event: CardReaderEvent?
        let alt = modifiers & 0x44 != 0
        if altHeld && !alt, altDigits > 0 {
            // Alt released: the accumulated decimal code is one character.
            let value = altValue
            altValue = 0; altDigits = 0
            if value == 0x0D { event = endSwipe() } else if (0x20...0x7E).contains(value) { append(UInt8(value)) }
        }
        if !alt { altValue = 0; altDigits = 0 }
        altHeld = alt

        let shift = modifiers & 0x22 != 0
        let control = modifiers & 0x99 != 0
        for k in current where !down.contains(k) {
            if alt {
                if let d = Self.keypadDigit(k), altDigits < 3 {
                    altValue = altValue * 10 + d
                    altDigits += 1
                }
                continue
            }
            if control { continue }
            if k == 0x28 || k == 0x58 {                             // Enter, keypad Enter
                let e = endSwipe()
                if event == nil { event = e }
            } else if let c = Self.character(usage: k, shift: shift) {
                append(c)
            }
        }
        return event
    }

    // MARK: - Characters

    /// US-layout character for a keyboard usage ID, nil for keys that type nothing relevant.
    public static func character(usage: UInt8, shift: Bool) -> UInt8? {
        switch usage {
        case 0x04...0x1D: return (shift ? 0x41 : 0x61) + (usage - 0x04)
        case 0x1E...0x26:
            return shift ? Array("!@#$%^&*(".utf8)[Int(usage - 0x1E)] : 0x31 + (usage - 0x1E)
        case 0x27: return shift ? 0x29 : 0x30                       // 0 )
        case 0x2C: return 0x20
        case 0x2D...0x38:
            let plain = Array("-=[]\\#;'`,./".utf8), shifted = Array("_+{}|~:\"~<>?".utf8)
            return (shift ? shifted : plain)[Int(usage - 0x2D)]
        case 0x54: return 0x2F
        case 0x55: return 0x2A
        case 0x56: return 0x2D
        case 0x57: return 0x2B
        case 0x59...0x62: return keypadDigit(usage).map { UInt8(0x30 + $0) }
        case 0x63: return 0x2E
        default: return nil
        }
    }

    static func keypadDigit(_ usage: UInt8) -> Int? {
        switch usage {
        case 0x59...0x61: return Int(usage - 0x58)
        case 0x62: return 0
        default: return nil
        }
    }

    private mutating func uniqueBuffer() -> CardScratchBuffer {
        if !isKnownUniquelyReferenced(&buffer) { buffer = buffer.copy() }
        return buffer
    }

    private mutating func append(_ c: UInt8) {
        if overflowed { return }
        if !uniqueBuffer().append(c) { overflowed = true }
    }

    private mutating func clearKeys() {
        for i in down.indices { down[i] = 0 }
        down = []
        altHeld = false; altValue = 0; altDigits = 0
    }

    /// Test hook: the characters collected for the swipe in progress.
    func withPendingCharacters<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        buffer.withUnsafeBytes(body)
    }

    // MARK: - Tracks

    private mutating func endSwipe() -> CardReaderEvent {
        let buf = uniqueBuffer()
        defer { buf.wipe(); overflowed = false }
        if overflowed { return .failed(.unreadable) }
        let tracks = buf.withUnsafeBytes { Self.splitTracks($0) }
        guard let tracks, !tracks.isEmpty else { return .failed(.unreadable) }
        return CardSwipe.assemble(track1: tracks[.one] ?? .absent, track2: tracks[.two] ?? .absent,
                                  track3: tracks[.three] ?? .absent, driverName: Self.driverName)
    }

    /// Splits a swipe's characters into tracks; nil when a track appears twice (interleaved or
    /// doubled data).
    static func splitTracks(_ b: UnsafeRawBufferPointer) -> [TrackNumber: TrackInput]? {
        var tracks: [TrackNumber: TrackInput] = [:]
        var i = 0
        while i < b.count {
            let number: TrackNumber
            switch b[i] {
            case 0x25: number = .one                                  // %
            case 0x3B: number = tracks[.two] == nil ? .two : .three   // ;
            case 0x40: number = .two                                  // @
            case 0x2B, 0x23, 0x26, 0x21: number = .three              // + # & !
            default: i += 1; continue
            }
            let start = i
            var end = b.count
            if let es = (start + 1..<b.count).first(where: { b[$0] == 0x3F }) {
                end = es + 1
                if es + 1 < b.count, isLRCCandidate(b, start: start, endSentinel: es, track: number) {
                    end = es + 2
                }
            }
            if tracks[number] != nil { return nil }
            tracks[number] = .data(SensitiveBytes(copying: b, range: start..<end))
            i = end
        }
        return tracks
    }

    /// Whether the character after a track's `?` is its LRC rather than the next track's start
    /// sentinel or filler: a start sentinel counts only when it is the correct LRC.
    private static func isLRCCandidate(_ b: UnsafeRawBufferPointer, start: Int, endSentinel es: Int,
                                       track: TrackNumber) -> Bool {
        let c = b[es + 1]
        let ss = b[start]
        let sixBit = ss == 0x25 || ss == 0x40 || ss == 0x23 || ss == 0x26 || ss == 0x21
        let inSet = sixBit ? (0x20...0x5F).contains(c) : (0x30...0x3F).contains(c)
        guard inSet else { return false }
        guard [0x25, 0x3B, 0x40, 0x2B, 0x23, 0x26, 0x21].contains(c) else { return true }
        // A sentinel character: accept it only if it is the right LRC.
        var x: UInt8 = 0
        for i in start...es {
            var v = i == start ? (sixBit ? 0x25 : 0x3B) : b[i]
            if sixBit, v >= 0x61 && v <= 0x7A { v -= 0x20 }
            x ^= sixBit ? (v &- 0x20) & 0x3F : (v &- 0x30) & 0x0F
        }
        return (sixBit ? x + 0x20 : x + 0x30) == c
    }
}

extension KeyboardWedgeDecoder: DeviceDriver {
    public static let kind = SupportedDevice.Kind.cardReader
    public static let models = [DeviceModel(vendorID: 0x0801, productID: 0x0001, name: "MagTek keyboard-emulation reader")]
    /// Boot-keyboard reports of 8 bytes; a swipe is many reports and ends when the typing stops.
    public static let setup = DriverSetup.cardReader(reportLength: 8, idleFlush: true, decoder: { KeyboardWedgeDecoder() })
    public static let emulation = DriverEmulation.typedTracks
}
