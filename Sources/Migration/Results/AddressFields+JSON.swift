import AddressRules
import JSONDocument

extension FieldMap where Value == String {
    /// The fields as a JSON object keyed by field name, in field order; absent fields are left out.
    var jsonValue: JSONValue {
        .object(JSONObject(map { .init(key: $0.field.rawValue, value: .string($0.value)) }))
    }

    /// Reads the fields of a JSON object written by ``jsonValue``; other members are ignored.
    init(json value: JSONValue?) {
        self.init()
        for member in value?.objectValue?.members ?? [] {
            if let field = AddressField(rawValue: member.key), let text = member.value.stringValue {
                self[field] = text
            }
        }
    }
}
