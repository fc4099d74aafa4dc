import JSONDocument

/// The form in which the service keeps what a PUT sends: replacing or merging into the stored
/// profile, without null members, member names in camelCase (Partner Center binds them without
/// regard to case and answers camelCase, though its documented PUT example sends PascalCase), and
/// standardized when the configuration says so.
enum StoredForm {
    /// What a PUT of `document` would store over `stored` (`nil` for a customer not found).
    static func written(_ document: JSONObject, over stored: JSONObject?, configuration: SimulatorConfiguration)
        -> JSONObject
    {
        var result = document
        if configuration.mergePuts, let stored {
            result = merging(document, into: stored)
            let address = document[anyCase: "defaultAddress"]?.objectValue
            if let address, let storedAddress = stored[anyCase: "defaultAddress"]?.objectValue {
                result[anyCase: "defaultAddress"] = .object(merging(address, into: storedAddress))
            }
        }
        result = camelCased(withoutNulls(result))
        if configuration.normalizeStoredValues { result = normalized(result) }
        return result
    }

    /// `stored` with each member of `changes` applied: `null` removes it, any other value replaces
    /// it (kept under the stored member's spelling); members `changes` lacks stay as they are.
    private static func merging(_ changes: JSONObject, into stored: JSONObject) -> JSONObject {
        var result = stored
        for member in changes.members { result[anyCase: member.key] = member.value == .null ? nil : member.value }
        return result
    }

    /// `object` with every member name, at any depth, starting in lower case (`AddressLine1` ->
    /// `addressLine1`).
    private static func camelCased(_ object: JSONObject) -> JSONObject {
        JSONObject(
            object.members.map { member in
                JSONObject.Member(
                    key: member.key.prefix(1).lowercased() + member.key.dropFirst(), value: camelCased(member.value))
            })
    }

    private static func camelCased(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): .object(camelCased(object))
        case .array(let elements): .array(elements.map(camelCased))
        default: value
        }
    }

    /// `object` without its null members, at any depth.
    private static func withoutNulls(_ object: JSONObject) -> JSONObject {
        JSONObject(
            object.members.compactMap { member in
                member.value == .null ? nil : JSONObject.Member(key: member.key, value: withoutNulls(member.value))
            })
    }

    private static func withoutNulls(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object): .object(withoutNulls(object))
        case .array(let elements): .array(elements.map(withoutNulls))
        default: value
        }
    }

    /// `document` with its address's `city`, `state` and `postalCode` upper-cased and their runs
    /// of spaces collapsed to one.
    private static func normalized(_ document: JSONObject) -> JSONObject {
        guard var address = document[anyCase: "defaultAddress"]?.objectValue else { return document }
        for field in ["city", "state", "postalCode"] {
            guard let text = address[anyCase: field]?.stringValue else { continue }
            var collapsed = ""
            for character in text where character != " " || collapsed.last != " " { collapsed.append(character) }
            address[anyCase: field] = .string(collapsed.uppercased())
        }
        var result = document
        result[anyCase: "defaultAddress"] = .object(address)
        return result
    }
}
