import AddressRules
import JSONDocument

/// A customer's billing profile as Partner Center returned it: the whole JSON document, kept as
/// read, so that a PUT sends back every field, known or not, with only the changed address
/// fields replaced.
public struct BillingProfile: Sendable, Equatable {
    /// The document, exactly as read (member order, spelling and number literals kept).
    public private(set) var document: JSONObject
    /// The HTTP status of the answer the profile came in; `nil` for one not received from Partner
    /// Center (built here, or by a test). Not part of equality.
    public var httpStatus: Int?

    public static func == (left: BillingProfile, right: BillingProfile) -> Bool { left.document == right.document }

    /// Reads a profile from a response body.
    /// - Throws: ``JSONParseError``, or ``ProfileShapeError`` when the body is not an object.
    public init(json: some Collection<UInt8>) throws {
        guard case .object(let object) = try JSONValue(parsing: json) else { throw ProfileShapeError.notAnObject }
        document = object
    }

    public init(document: JSONObject) {
        self.document = document
    }

    /// The concurrency token, from `attributes.etag`.
    public var etag: String? {
        document[anyCase: "attributes"]?.objectValue?[anyCase: "etag"]?.scalarText
    }

    /// The company's name on the profile (`companyName`), when it has one.
    public var companyName: String? {
        document[anyCase: "companyName"]?.stringValue
    }

    /// The address fields the tool knows, from `defaultAddress` (absent or null fields are absent).
    public var address: AddressFields {
        var fields = AddressFields()
        guard let address = document[anyCase: "defaultAddress"]?.objectValue else { return fields }
        for field in AddressField.allCases {
            if let value = address[anyCase: field.rawValue]?.stringValue { fields[field] = value }
        }
        return fields
    }

    /// The profile with `changes` applied to `defaultAddress`: a set field replaces the value
    /// under its existing key (whatever its case) or is added; a cleared field is sent as an
    /// explicit `null` under its existing key, or under its camelCase name (as in Partner Center's
    /// documented PUT example), so that a service that merges rather than replaces still clears
    /// it. Every other member, at every level, stays as it was.
    public func applying(_ changes: FieldMap<FieldChange>) -> BillingProfile {
        var copy = self
        var address = document[anyCase: "defaultAddress"]?.objectValue ?? JSONObject()
        for (field, change) in changes {
            switch change {
            case .set(let value), .exactly(let value): address[anyCase: field.rawValue] = .string(value)
            case .clear: address[anyCase: field.rawValue] = .null
            }
        }
        copy.document[anyCase: "defaultAddress"] = .object(address)
        return copy
    }

    /// The body to PUT: the document as compact JSON.
    public var body: [UInt8] { JSONValue.object(document).serialized }
}

/// A profile response that is JSON but not an object.
public enum ProfileShapeError: Error, Sendable {
    case notAnObject
}
