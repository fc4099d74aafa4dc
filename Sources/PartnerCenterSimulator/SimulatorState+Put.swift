import AddressRules
import JSONDocument

extension SimulatorState {
    /// What became of a PUT.
    enum PutResult {
        case notFound
        case stale
        case countryChanged(from: String, to: String)
        case stored(JSONObject)
    }

    /// Compare-and-swap: stores `document` only when `ifMatch` (and the body's own ETag, if any)
    /// is the current ETag and the country is unchanged. Counts the PUT, and whether it left out
    /// a field the stored profile had.
    func put(customerId: String, document: JSONObject, ifMatch: String?) -> PutResult {
        guard let stored = profile(customerId) else { return .notFound }
        let current = Self.etag(of: stored.document)
        let bodyETag = Self.etag(of: document)
        let stale = ifMatch != current || (bodyETag != nil && bodyETag != current)
        countPut(customerId: customerId, stale: stale, droppedField: Self.dropsField(stored.document, document))
        if stale { return .stale }
        let before = Self.country(of: stored.document)
        let after = Self.country(of: document)
        if let before, before.uppercased() != (after ?? "").uppercased() {
            return .countryChanged(from: before, to: after ?? "")
        }
        return .stored(store(document, customerId: customerId))
    }

    static func etag(of document: JSONObject) -> String? {
        document[anyCase: "attributes"]?.objectValue?[anyCase: "etag"]?.scalarText
    }

    static func country(of document: JSONObject) -> String? {
        document[anyCase: "defaultAddress"]?.objectValue?[anyCase: "country"]?.stringValue
    }

    /// Whether `incoming` lacks a member `stored` has: at the top level, or inside `defaultAddress`
    /// other than the address fields a correction may clear.
    static func dropsField(_ stored: JSONObject, _ incoming: JSONObject) -> Bool {
        for key in stored.keys where incoming.index(anyCase: key) == nil { return true }
        guard let storedAddress = stored[anyCase: "defaultAddress"]?.objectValue else { return false }
        let incomingAddress = incoming[anyCase: "defaultAddress"]?.objectValue ?? JSONObject()
        let clearable = Set(AddressField.allCases.map { $0.rawValue.lowercased() })
        return storedAddress.keys.contains { key in
            !clearable.contains(key.lowercased()) && incomingAddress.index(anyCase: key) == nil
        }
    }
}
