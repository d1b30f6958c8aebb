import Foundation
import KioskJSON
import KioskBackOfficeContract

/// The schemas of docs/backoffice-api.yaml and a check of a JSON value against one of them:
/// `type` (one or a list), `required`, `properties` (an object's keys must be ones the schema
/// names, when it names any), `items`, `enum`, `$ref`. Formats and patterns are not checked.
struct APISchemas {
    let schemas: [String: YAMLNode]

    static func load() throws -> APISchemas {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/backoffice-api.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let section = try YAMLSubset.section(text, path: ["components", "schemas"])
        return APISchemas(schemas: Dictionary(section.pairs, uniquingKeysWith: { a, _ in a }), text: text)
    }

    let text: String
    init(schemas: [String: YAMLNode], text: String) { self.schemas = schemas; self.text = text }

    func schema(_ name: String) throws -> YAMLNode {
        guard let s = schemas[name] else { throw YAMLSubsetError(description: "no schema \(name) in docs/backoffice-api.yaml") }
        return s
    }

    func resolve(_ node: YAMLNode) throws -> YAMLNode {
        guard let ref = node["$ref"]?.text else { return node }
        let prefix = "#/components/schemas/"
        guard ref.hasPrefix(prefix) else { throw YAMLSubsetError(description: "unsupported $ref \(ref)") }
        return try resolve(try schema(String(ref.dropFirst(prefix.count))))
    }

    /// Every way `value` breaks `schema`, as `path: sentence`; empty when it fits.
    func problems(_ value: JSONValue, _ schema: YAMLNode, at path: String = "$") throws -> [String] {
        let schema = try resolve(schema)
        var out: [String] = []
        if let type = schema["type"] {
            let allowed = type.text.map { [$0] } ?? type.items.compactMap(\.text)
            let actual = Self.jsonType(value)
            if !(allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))) {
                out.append("\(path): is \(actual), the schema says \(allowed.joined(separator: " or "))")
            }
        }
        if let values = schema["enum"]?.items.compactMap(\.text), case .string(let s) = value, !values.contains(s) {
            out.append("\(path): \(s) is not one of \(values)")
        }
        switch value {
        case .object(let members):
            for key in schema["required"]?.items.compactMap(\.text) ?? [] where members[key] == nil {
                out.append("\(path): required \(key) is missing")
            }
            let properties = schema["properties"]?.pairs ?? []
            if !properties.isEmpty {
                let named = Dictionary(properties, uniquingKeysWith: { a, _ in a })
                for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                    guard let property = named[key] else { out.append("\(path): \(key) is not named by the schema"); continue }
                    out += try problems(member, property, at: "\(path).\(key)")
                }
            }
        case .array(let elements):
            if let items = schema["items"] {
                for (i, element) in elements.enumerated() { out += try problems(element, items, at: "\(path)[\(i)]") }
            }
        default: break
        }
        return out
    }

    /// The property names a schema declares (after `$ref`).
    func propertyNames(_ name: String) throws -> Set<String> {
        Set(try resolve(try schema(name))["properties"]?.pairs.map(\.0) ?? [])
    }

    static func jsonType(_ value: JSONValue) -> String {
        switch value {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
