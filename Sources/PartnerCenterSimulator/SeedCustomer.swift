import JSONDocument

/// One customer the simulator serves: the tenant ID and its billing profile document.
public struct SeedCustomer: Sendable, Equatable {
    /// The customer's tenant ID, lower case.
    public var customerId: String
    /// The billing profile as Partner Center would return it (its `attributes.etag` is replaced).
    public var profile: JSONObject

    public init(customerId: String, profile: JSONObject) {
        self.customerId = customerId.lowercased()
        self.profile = profile
    }

    /// Reads a seed file: `{"customers": [{"customerId": "…", "profile": {…}}, …]}`.
    /// - Throws: ``SeedFileError`` naming the entry at fault.
    public static func load(json: [UInt8]) throws -> [SeedCustomer] {
        try load(document: try JSONValue(parsing: json))
    }

    /// Reads the `customers` of a parsed seed file.
    static func load(document: JSONValue) throws -> [SeedCustomer] {
        guard let entries = document.objectValue?["customers"]?.arrayValue else {
            throw SeedFileError(message: "expected an object with a \"customers\" array")
        }
        return try entries.enumerated().map { index, entry in
            guard let object = entry.objectValue, let id = object["customerId"]?.stringValue,
                let profile = object["profile"]?.objectValue
            else {
                throw SeedFileError(
                    message: "customers[\(index)] needs a \"customerId\" string and a \"profile\" object")
            }
            return SeedCustomer(customerId: id, profile: profile)
        }
    }
}

/// A seed file the simulator cannot use.
public struct SeedFileError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { "seed file: \(message)" }
}
