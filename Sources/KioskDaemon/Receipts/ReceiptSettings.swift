import Foundation
import KioskDevices
import TOMLKit

/// `[receipt]` in kioskd.toml: the store's name and address printed at the top of every
/// receipt, the footer printed at the bottom, and the printer's code page when it cannot be told
/// from the printer itself (docs/CONFIGURATION.md).
public struct ReceiptSettings: Sendable, Equatable {
    /// nil: the branch's name from the sync.
    public var storeName: String?
    public var address: [String] = []
    public var footer: [String] = ["Thank you for your business."]
    /// nil: as the printer reports (its IEEE 1284 id), else CP858.
    public var codePage: PrinterCodePage?

    public init() {}

    static let lineLength = 1...48

    static func parse(_ table: TOMLTable, path: String, locate: KeyLocator) throws(ConfigurationError) -> ReceiptSettings {
        var settings = ReceiptSettings()
        func bad(_ key: String, _ expected: String) -> ConfigurationError {
            .badValue(path: path, line: locate.line(of: key, in: "receipt"), key: "receipt.\(key)", expected: expected)
        }
        // Printed text: one printable line each, short enough for a 58 mm roll's 32 columns to wrap sensibly.
        func line(_ value: TOMLValueConvertible?) -> String? {
            guard let text = value?.string, lineLength.contains(text.count),
                  !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
            return text
        }
        func lines(_ key: String, _ value: TOMLValueConvertible, max: Int) throws(ConfigurationError) -> [String] {
            guard let array = value.array, array.count <= max else { throw bad(key, "an array of at most \(max) lines of text") }
            var out: [String] = []
            for element in array {
                guard let text = line(element) else { throw bad(key, "lines of 1 to 48 characters without control characters") }
                out.append(text)
            }
            return out
        }
        for (key, value) in table {
            switch key {
            case "store_name":
                guard let text = line(value) else { throw bad(key, "1 to 48 characters without control characters") }
                settings.storeName = text
            case "address": settings.address = try lines(key, value, max: 4)
            case "footer": settings.footer = try lines(key, value, max: 6)
            case "code_page":
                switch value.string {
                case "auto": settings.codePage = nil
                case "cp858": settings.codePage = .cp858
                case "cp1252": settings.codePage = .cp1252
                default: throw bad(key, "one of auto, cp858, cp1252")
                }
            default:
                throw .unknownKey(path: path, line: locate.line(of: key, in: "receipt"), key: "receipt.\(key)",
                                  known: ["store_name", "address", "footer", "code_page"])
            }
        }
        return settings
    }
}
