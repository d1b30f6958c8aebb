import Foundation
import Testing
@testable import KioskDevices

/// A pad behind a recording feature-report channel: GETs are answered from `replies` (Status
/// from `statuses` first, while any are left), every SET is recorded in order.
actor FakeSTUChannel: WacomSTUChannel {
    var replies: [UInt8: [UInt8]]
    var statuses: [[UInt8]]
    private(set) var sets: [[UInt8]] = []
    private(set) var gets: [UInt8] = []
    /// After this SET's report ID, Status reports this result code once.
    var failAfter: (id: UInt8, code: UInt8)?
    private var pendingFailure: UInt8?

    init(replies: [UInt8: [UInt8]], statuses: [[UInt8]] = []) {
        self.replies = replies
        self.statuses = statuses
    }

    func failing(after id: UInt8, code: UInt8) { failAfter = (id, code) }

    func getFeature(_ request: WacomSTUGetRequest) async throws(WacomSTUHostError) -> [UInt8] {
        gets.append(request.reportID)
        if request.reportID == WacomSTUReportID.status {
            if let code = pendingFailure { pendingFailure = nil; return [0x03, 0x00, code, 0x00, 0x00] }
            if !statuses.isEmpty { return statuses.removeFirst() }
        }
        guard let reply = replies[request.reportID] else { throw .transport("report \(request.reportID) stalled") }
        return Array(reply.prefix(request.length))
    }

    func setFeature(_ report: [UInt8]) async throws(WacomSTUHostError) {
        sets.append(report)
        if let failAfter, report.first == failAfter.id { pendingFailure = failAfter.code }
    }

    var setIDs: [UInt8] { sets.compactMap(\.first) }
}

@Suite("Wacom STU host session")
struct WacomSTUHostTests {
    static let ready = hexBytes("03 00 00 00 00")
    static let information430 = hexBytes("08 53 54 55 2D 34 33 30 00 00 01 02 00 00 00 00 00")
    static let capability430 = hexBytes("09 25 80 17 70 03 FF 01 40 00 C8 C8 09 EC 03 00 00")
    /// STU-540 ranges with encoding flag 0, so the model's encodings (24-bit first) apply.
    static let capability540 = hexBytes("09 2A 30 19 50 03 FF 03 20 01 E0 C8 09 EC 00 00 00")
    /// The vendor-defined descriptor of the test scenario (Tests/Fixtures/usb/stu-sign.json).
    static let descriptor = hexBytes("""
        0600ff0901a101150026ff007508 8501090195068102 85340934950a8102 850309039504b102 850409049501b102
        850809089510b102 850909099510b102 852009209501b102 852109219501b102 85230923950ab102 85240924950ab102
        852509259501b102 8526092696ff00b102 852709279501b102 852a092a9508b102 853209329501b102 c0
        """)

    static func pad(_ capability: [UInt8] = capability430, statuses: [[UInt8]] = []) -> FakeSTUChannel {
        FakeSTUChannel(replies: [0x03: ready, 0x08: information430, 0x09: capability], statuses: statuses)
    }

    @Test func connectReadsIdentityAndRangesAndAsksForTimedReports() async throws {
        let channel = Self.pad()
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: Self.descriptor, pollInterval: .zero)
        #expect(host.information?.modelName == "STU-430")
        #expect(host.information?.firmwareVersion == "1.2")
        #expect(host.capability.tabletMaxX == 9600 && host.capability.screenWidth == 320)
        #expect(host.timedPenData)
        #expect(host.blockReportLength == 256)  // 0x26 declared as 255 bytes + ID
        #expect(await channel.sets == [[0x21, 0x00], [0x20, 0x00], [0x32, 0x03]])
        let sample = try #require(host.decoder.sample(from: hexBytes("34 92 64 14 DB 0D C8 0D B9 00 01")))
        #expect(abs(sample.x - 5339.0 / 9600) < 1e-9 && sample.tipDown)
    }

    @Test func connectWithoutDescriptorOrInformationUsesDefaults() async throws {
        let channel = FakeSTUChannel(replies: [0x03: Self.ready, 0x09: Self.capability430])
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu500, descriptor: nil, pollInterval: .zero)
        #expect(host.information == nil)
        #expect(host.blockReportLength == 256)
        #expect(!host.timedPenData)
        #expect(await channel.sets == [[0x21, 0x00], [0x20, 0x00]])
    }

    @Test func connectAbandonsALeftoverUploadAndResetsAStuckPad() async throws {
        let image = hexBytes("03 01 00 00 00")
        let leftover = Self.pad(statuses: [image, image, Self.ready])
        _ = try await WacomSTUHost.connect(channel: leftover, model: .stu430, descriptor: nil, pollInterval: .zero)
        #expect(await leftover.setIDs == [0x27, 0x21, 0x20, 0x32])
        #expect(await leftover.sets.first == [0x27, 0x01])  // abandon, not commit

        let capture = hexBytes("03 02 00 00 00")
        let stuck = Self.pad(statuses: Array(repeating: capture, count: 1 + WacomSTUHost.readyPolls) + [Self.ready])
        _ = try await WacomSTUHost.connect(channel: stuck, model: .stu430, descriptor: nil, pollInterval: .zero)
        #expect(await stuck.sets.prefix(2) == [[0x16, 0x00], [0x04, 0x00]])  // EndCapture, then a soft reset

        let dead = Self.pad(statuses: Array(repeating: capture, count: 1 + 2 * WacomSTUHost.readyPolls))
        await #expect(throws: WacomSTUHostError.notReady(.capture)) {
            _ = try await WacomSTUHost.connect(channel: dead, model: .stu430, descriptor: nil, pollInterval: .zero)
        }
    }

    @Test func connectRefusesAnUnusableCapability() async {
        let channel = FakeSTUChannel(replies: [0x03: Self.ready, 0x09: hexBytes("09 00 00 17 70 03 FF 01 40 00 C8")])
        await #expect(throws: WacomSTUHostError.reply(.invalidCapability("the maximum X is 0"))) {
            _ = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: nil, pollInterval: .zero)
        }
    }

    @Test func captureOnA430ClearsUploadsAMonochromeBandThenInks() async throws {
        let channel = Self.pad()
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: Self.descriptor, pollInterval: .zero)
        try await host.prepareCapture(prompt: "Sign for $123.45")
        let sets = Array(await channel.sets.dropFirst(3))  // after connect's clean-up and option mode
        #expect(sets.first == [0x20, 0x00])
        #expect(sets.last == [0x21, 0x01])
        let start = sets[1]
        #expect(start.count == 11 && start[0] == 0x24 && start[1] == 0x00 && start[2] == 0x01)  // 1-bit, area
        let x1 = Int(start[3]) | Int(start[4]) << 8, y1 = Int(start[5]) | Int(start[6]) << 8
        let x2 = Int(start[7]) | Int(start[8]) << 8, y2 = Int(start[9]) | Int(start[10]) << 8
        #expect(x1 % 8 == 0 && (x2 - x1 + 1) % 8 == 0 && x2 < 320 && y2 < 200 && y1 > 0)
        let blocks = sets.filter { $0.first == 0x26 }
        let bytes = (x2 - x1 + 1) / 8 * (y2 - y1 + 1)
        #expect(blocks.count == (bytes + 252) / 253)
        #expect(blocks.allSatisfy { $0.count == 256 })
        #expect(sets[sets.count - 2] == [0x27, 0x00])  // commit
        #expect(sets.count == 1 + 1 + blocks.count + 1 + 1)
        // Some ink (a 0 bit) and some background (1 bits) actually reach the pad.
        let data = blocks.flatMap { Array($0[3..<(3 + (Int($0[1]) | Int($0[2]) << 8))]) }
        #expect(data.count == bytes && data.contains { $0 != 0xFF } && data.contains(0xFF))

        try await host.finishCapture()
        #expect(await channel.sets.suffix(2) == [[0x21, 0x00], [0x20, 0x00]])
    }

    @Test func captureOnA540UploadsTwentyFourBitBGR() async throws {
        let channel = Self.pad(Self.capability540)
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu540, descriptor: nil, pollInterval: .zero)
        try await host.prepareCapture(prompt: "Sign for $9.99")
        let sets = await channel.sets
        let start = try #require(sets.first { $0.first == 0x24 })
        #expect(start[1] == 0x04)  // 24-bit
        let width = (Int(start[7]) | Int(start[8]) << 8) - (Int(start[3]) | Int(start[4]) << 8) + 1
        let height = (Int(start[9]) | Int(start[10]) << 8) - (Int(start[5]) | Int(start[6]) << 8) + 1
        let data = sets.filter { $0.first == 0x26 }.flatMap { Array($0[3..<(3 + (Int($0[1]) | Int($0[2]) << 8))]) }
        #expect(data.count == width * height * 3)
        let pixels = stride(from: 0, to: data.count, by: 3).map { Array(data[$0..<$0 + 3]) }
        #expect(pixels.contains([0, 0, 0]) && pixels.contains([0xFF, 0xFF, 0xFF]))
        #expect(pixels.allSatisfy { $0 == [0, 0, 0] || $0 == [0xFF, 0xFF, 0xFF] })
        #expect(sets.last == [0x21, 0x01])
    }

    @Test func captureWithoutPromptOnlyClearsAndInks() async throws {
        let channel = Self.pad()
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: nil, pollInterval: .zero)
        try await host.prepareCapture(prompt: nil)
        #expect(await channel.sets.dropFirst(3) == [[0x20, 0x00], [0x21, 0x01]])
    }

    @Test func aRefusedCommandNamesItsReportAndResultCode() async throws {
        let channel = Self.pad()
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: nil, pollInterval: .zero)
        await channel.failing(after: 0x20, code: 0x02)
        await #expect(throws: WacomSTUHostError.refused(reportID: 0x20, resultCode: 0x02)) {
            try await host.prepareCapture(prompt: nil)
        }
        #expect(WacomSTUHostError.refused(reportID: 0x20, resultCode: 0x02).description.contains("0x20"))
    }

    @Test func aPromptTheFontCannotDrawIsRefusedBeforeAnyUpload() async throws {
        let channel = Self.pad()
        let host = try await WacomSTUHost.connect(channel: channel, model: .stu430, descriptor: nil, pollInterval: .zero)
        await #expect(throws: WacomSTUHostError.command(.prompt(.unsupportedCharacter("€")))) {
            try await host.prepareCapture(prompt: "Sign for €5")
        }
        #expect(await !channel.setIDs.contains(0x24))
    }

    @Test func blockLengthFollowsTheDescriptor() {
        // Feature 0x26 declared with 2,559 data bytes (the 540's large block): 2,560 with the ID.
        let big = hexBytes("0600ff0901a101150026ff0075088526092696ff09b102c0")
        #expect(WacomSTUHost.reportSizes(big)[0x26] == 2560)
        #expect(WacomSTUHost.reportSizes(Self.descriptor)[0x03] == 5)
        #expect(WacomSTUHost.reportSizes(nil).isEmpty)
    }
}
