/// A JSON value exactly as read: object members keep their order and spelling, numbers keep
/// their literal text. Writing a value back yields the same data, so a document can pass
/// through the tool with only the fields it changes touched.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number as its literal text (`-4242348048554929329`, `1.50`), never rounded through `Double`.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when this is one.
    public var stringValue: String? {
        if case .string(let value) = self { value } else { nil }
    }

    /// The object, when this is one.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { value } else { nil }
    }

    /// The array, when this is one.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { value } else { nil }
    }

    /// The boolean, when this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { value } else { nil }
    }

    /// A string, or a number's text: for fields that arrive as either (`"code": 27002`).
    public var scalarText: String? {
        switch self {
        case .string(let value), .number(let value): value
        default: nil
        }
    }
}

/// A JSON object: members in document order.
public struct JSONObject: Sendable, Equatable {
    /// One `"key": value` pair.
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public var members: [Member]

    public init(_ members: [Member] = []) {
        self.members = members
    }

    /// The value under `key`, matched exactly. Setting `nil` removes the member; setting a new key
    /// appends it.
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set { set(newValue, at: members.firstIndex { $0.key == key }, key: key) }
    }

    /// The value under `key`, matched without regard to case (Partner Center reads and writes
    /// `addressLine1` and `AddressLine1` alike). Setting keeps an existing member's spelling.
    public subscript(anyCase key: String) -> JSONValue? {
        get { index(anyCase: key).map { members[$0].value } }
        set { set(newValue, at: index(anyCase: key), key: key) }
    }

    /// The position of the member whose key equals `key` without regard to case.
    public func index(anyCase key: String) -> Int? {
        members.firstIndex { $0.key == key } ?? members.firstIndex { $0.key.lowercased() == key.lowercased() }
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    private mutating func set(_ value: JSONValue?, at index: Int?, key: String) {
        switch (value, index) {
        case (let value?, let index?): members[index].value = value
        case (let value?, nil): members.append(Member(key: key, value: value))
        case (nil, let index?): members.remove(at: index)
        case (nil, nil): break
        }
    }
}
