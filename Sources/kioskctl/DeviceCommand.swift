import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol
import KioskSystem

/// `kioskctl device …`: readers and pads, for technicians (list is for managers too).
struct DeviceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "device",
        abstract: "Card readers and signature pads.",
        subcommands: [List.self, Allow.self, Forget.self, Emulate.self, Describe.self, ParseDescriptor.self, Decode.self, Test.self])

    @OptionGroup var connection: ConnectionOptions

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the devices kioskd sees, and whether each is allowed.")
        @OptionGroup var connection: ConnectionOptions
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.deviceList, EmptyParams(), json: json) { [Self.table($0.devices)] }
        }

        static func table(_ devices: [DeviceInfo]) -> String {
            guard !devices.isEmpty else { return "No card reader or signature pad is connected." }
            // Ids are serial numbers or port paths a technician copies into `device allow`: never cut.
            var table = TextTable([.whole("ID"), .whole("KIND"), .whole("DRIVER"), .whole("VID:PID"), .whole("STATE"), .whole("ALLOWED")])
            for d in devices {
                table.append([d.id, d.kind == .cardReader ? "card reader" : "signature pad", d.driver,
                              String(format: "%04x:%04x", d.vendorID, d.productID), d.state.rawValue, d.allowed ? "yes" : "present, not allowed"])
            }
            return table.render()
        }
    }

    struct Allow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Allow a device, so captures may use it (technicians).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id from `kioskctl device list`.") var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.deviceAllow, DeviceIDParams(id: id), json: json) { _ in ["Allowed \(id)."] }
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop using a device (it stays listed as present, not allowed).")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id.") var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

        func run() async throws {
            try await connection.show(Methods.deviceForget, DeviceIDParams(id: id), json: json) { _ in ["Forgot \(id)."] }
        }
    }

    struct Emulate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drive the emulated reader and pad (kioskd with emulated_devices = true, or --demo).",
            subcommands: [Swipe.self, Sign.self])
        @OptionGroup var connection: ConnectionOptions

        struct Swipe: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Swipe a card on the emulated reader; give --track1, --track2 or both.")
            @OptionGroup var connection: ConnectionOptions
            @Option(help: ArgumentHelp("Track 1, with or without its % and ? sentinels.", valueName: "T1")) var track1: String?
            @Option(help: ArgumentHelp("Track 2, with or without its ; and ? sentinels.", valueName: "T2")) var track2: String?
            @Option(help: "The emulated reader's id (default: the first).") var device: String?
            @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

            func validate() throws {
                if track1 == nil && track2 == nil { throw ValidationError("give --track1, --track2 or both") }
            }

            func run() async throws {
                try await connection.show(Methods.deviceEmulateSwipe, EmulateSwipeParams(device: device, track1: track1, track2: track2),
                                          json: json) { _ in ["Swiped."] }
            }
        }

        struct Sign: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Sign on the emulated pad: FILE is a JSON list of strokes of [x, y, pressure] points, each 0…1.")
            @OptionGroup var connection: ConnectionOptions
            @Argument(help: ArgumentHelp("The strokes file ('-' reads standard input).", valueName: "file")) var file: String
            @Option(help: "The emulated pad's id (default: the first).") var device: String?
            @Flag(help: "Print the protocol's JSON object instead of text.") var json = false

            func run() async throws {
                try await reportingFailures {
                    let data: Data
                    if file == "-" { data = FileHandle.standardInput.readDataToEndOfFile() } else {
                        guard let read = FileManager.default.contents(atPath: file) else {
                            throw CommandFailure("cannot read \(file): no such file or permission denied", status: .noInput)
                        }
                        data = read
                    }
                    guard let strokes = try? JSONDecoder().decode([[[Double]]].self, from: data) else {
                        throw CommandFailure("\(file == "-" ? "standard input" : file) is not a JSON list of strokes of [x, y, pressure] points")
                    }
                    try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
                        let params = EmulateSignParams(device: device, strokes: strokes)
                        if json { Output.raw(try await client.callRaw(Methods.deviceEmulateSign, params)); return }
                        _ = try await client.call(Methods.deviceEmulateSign, params)
                        Output.line("Signed \(strokes.count) stroke\(strokes.count == 1 ? "" : "s").")
                    }
                }
            }
        }
    }
}
