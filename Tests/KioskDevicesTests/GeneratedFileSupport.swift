import Foundation
import Testing

/// A file the build generates and the repository carries (udev rules, the supported-devices
/// table): the checked-in copy must equal `expected` byte for byte. With `variable`=1 in the
/// environment the test writes it first (what the Makefile target `target` does).
func expectGenerated(_ expected: String, path: String, variable: String, target: String, suite: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent(path)
    if ProcessInfo.processInfo.environment[variable] == "1" {
        try Data(expected.utf8).write(to: url)
    }
    let actual = (try? Data(contentsOf: url)) ?? Data()
    #expect(actual == Data(expected.utf8), """
        \(path) differs from what the driver declarations generate. Regenerate it with
          make \(target)
        (or \(variable)=1 swift test --skip-build --filter \(suite)). Expected text:
        \(expected)
        """, sourceLocation: sourceLocation)
}
