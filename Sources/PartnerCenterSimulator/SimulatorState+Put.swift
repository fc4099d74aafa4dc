import AddressRules
import JSONDocument

extension SimulatorState {
    /// What became of a PUT.
    enum PutResult {
        /// The country rules refuse the address the PUT would store.
        case invalidAddress(property: String, reason: String, detail: String)
        case notFound
        case stale
        case countryChanged(from: String, to: String)
        case stored(JSONObject)
    }

    /// Compare-and-swap: stores what `document` makes of the profile (``StoredForm``) when the
    /// country rules take its address, the ETag ``SimulatorConfiguration/etagIn`` names is the
    /// current one, and the country is unchanged. Counts the PUT, whether it was stale, and whether
    /// it left out a field the stored profile had.
    func put(customerId: String, document: JSONObject, ifMatch: String?) -> PutResult {
        let stored = profile(customerId)
        let written = StoredForm.written(document, over: stored?.document, configuration: configuration)
        let address = written[anyCase: "defaultAddress"]?.objectValue ?? JSONObject()
        if let refusal = configuration.countryRules.refusal(of: address) {
            return .invalidAddress(property: refusal.property, reason: refusal.reason, detail: refusal.detail)
        }
        guard let stored else { return .notFound }
        let stale = Self.isStale(
            ifMatch: ifMatch, bodyETag: Self.etag(of: document), current: Self.etag(of: stored.document),
            enforcing: configuration.etagIn)
        countPut(customerId: customerId, stale: stale, droppedField: Self.dropsField(stored.document, document))
        if stale { return .stale }
        let before = Self.country(of: stored.document)
        let after = Self.country(of: written)
        if let before, before.uppercased() != (after ?? "").uppercased() {
            return .countryChanged(from: before, to: after ?? "")
        }
        return .stored(store(written, customerId: customerId))
    }

    /// Whether the ETag `source` names is not `current`: a missing one is stale too.
    static func isStale(
        ifMatch: String?, bodyETag: String?, current: String?, enforcing source: SimulatorConfiguration.ETagSource
    ) -> Bool {
        switch source {
        case .header: ifMatch != current
        case .body: bodyETag != current
        case .both: ifMatch != current || (bodyETag != nil && bodyETag != current)
        case .ignored: false
        }
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
