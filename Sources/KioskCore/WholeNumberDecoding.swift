import Foundation

extension KeyedDecodingContainer {
    /// Decodes a whole number (minor units, job numbers). Foundation's decoder reports a
    /// fractional number for an `Int` as "not valid JSON" with no path (an internal error type); this names the field.
    func decodeWhole(forKey key: Key) throws -> Int {
        do {
            return try decode(Int.self, forKey: key)
        } catch {
            // Foundation throws an internal, pathless error here ("number is not representable").
            if (try? decode(Double.self, forKey: key)) != nil {
                throw DecodingError.dataCorruptedError(forKey: key, in: self,
                    debugDescription: "expected a whole number, not a fraction or a number this large")
            }
            throw error
        }
    }

    /// As `decodeWhole`, for an optional field (absent or null gives nil).
    func decodeWholeIfPresent(forKey key: Key) throws -> Int? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        return try decodeWhole(forKey: key)
    }
}
