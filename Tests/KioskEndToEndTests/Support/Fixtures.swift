import Foundation

/// Test fixtures on disk (Tests/Fixtures).
enum FixtureFiles {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures")
    }
    static func data(_ relative: String) throws -> Data { try Data(contentsOf: root.appendingPathComponent(relative)) }
    static func json(_ relative: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(relative)) as! [String: Any]
    }
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}
