import ArgumentParser
import Foundation
import KioskClient
import KioskProtocol

/// Technician diagnostics: what a device's descriptor says, what a driver makes of reports.
extension DeviceCommand {
    /// Prints a result as indented JSON (a technician reads the fields, scripts parse them).
    static func printPretty(_ raw: Data, json: Bool = false) {
        if json { Output.raw(raw); return }
        if let object = try? JSONSerialization.jsonObject(with: raw),
           let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) {
            Output.raw(pretty)
        } else {
            Output.raw(raw)
        }
    }

    /// One declared method's result as the daemon wrote it.
    static func rawCall<M: RPCMethod>(_ connection: ConnectionOptions, _ method: M, _ params: M.Params) async throws -> Data {
        try await KioskClient.withConnection(socketPath: connection.socketPath) { client in
            try await client.callRaw(method, params)
        }
    }

    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a device's HID report descriptor: reports, fields, the pen it carries.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id.") var id: String
        @Flag(help: "Print the protocol's JSON object on one line, as kioskd wrote it (else indented).") var json = false
        func run() async throws {
            try await reportingFailures {
                DeviceCommand.printPretty(try await DeviceCommand.rawCall(connection, Methods.deviceDescribe, DeviceIDParams(id: id)), json: json)
            }
        }
    }

    struct ParseDescriptor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "parse-descriptor",
                                                        abstract: "Parse a HID report descriptor given in hex.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The descriptor bytes in hex (spaces and colons allowed).") var hex: String
        @Flag(help: "Print the protocol's JSON object on one line, as kioskd wrote it (else indented).") var json = false
        func run() async throws {
            try await reportingFailures {
                DeviceCommand.printPretty(try await DeviceCommand.rawCall(connection, Methods.deviceParseDescriptor, ParseDescriptorParams(hex: hex)), json: json)
            }
        }
    }

    struct Decode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a driver over reports given in hex; card data is shown masked.",
            discussion: "Drivers: keyboard-wedge (one long hex string is split into 8-byte reports), magtek-hid, hid-digitizer (needs --descriptor).")
        @OptionGroup var connection: ConnectionOptions
        @Option(help: "keyboard-wedge, magtek-hid or hid-digitizer.") var driver: String
        @Option(help: "The pad's report descriptor in hex (hid-digitizer).") var descriptor: String?
        @Argument(help: "One or more reports in hex.") var reports: [String]
        @Flag(help: "Print the protocol's JSON object on one line, as kioskd wrote it (else indented).") var json = false
        func run() async throws {
            try await reportingFailures {
                DeviceCommand.printPretty(try await DeviceCommand.rawCall(connection, Methods.deviceDecode,
                                                                          DecodeParams(driver: driver, reports: reports, descriptor: descriptor)), json: json)
            }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Check a device: allowed, reports arriving, decoding cleanly.")
        @OptionGroup var connection: ConnectionOptions
        @Argument(help: "The device id.") var id: String
        @Flag(help: "Print the protocol's JSON object instead of text.") var json = false
        func run() async throws {
            try await connection.show(Methods.deviceTest, DeviceIDParams(id: id), json: json) { result in
                ["\(result.device.id) (\(result.device.driver), \(result.device.state.rawValue)): \(result.verdict)"]
            }
        }
    }
}
