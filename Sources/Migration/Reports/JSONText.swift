import JSONDocument

/// Appends JSON values to a byte buffer: the report writer's hot path, without an encoder per row.
struct JSONText {
    private(set) var bytes: [UInt8] = []

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func number(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func string(_ value: String?) {
        guard let value else {
            raw("null")
            return
        }
        JSONValue.writeString(value, into: &bytes)
    }

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }
}
