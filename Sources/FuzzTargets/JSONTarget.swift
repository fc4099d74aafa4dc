import JSONDocument

extension FuzzTargets {
    /// `JSONValue(parsing:)` over the bytes. A document that parses must hold only numbers that
    /// RFC 8259 allows (the tool writes them back as read), and write back as JSON that parses to
    /// the same value and writes back to the same bytes; one that does not must name a byte offset
    /// inside the input.
    static func checkJSON(_ bytes: [UInt8]) throws(InvariantViolation) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes)
        } catch {
            try require(
                (0...bytes.count).contains(error.offset), "\(error) names an offset outside \(bytes.count) bytes")
            return
        }
        try checkNumbers(value)
        let written = value.serialized
        let again: JSONValue
        do {
            again = try JSONValue(parsing: written)
        } catch {
            throw InvariantViolation(message: "\(value) writes as \(value.text), which does not parse: \(error)")
        }
        try require(again == value, "\(value) writes as \(value.text), which parses as \(again)")
        try require(again.serialized == written, "\(value.text) writes back as \(again.text)")
        // White space around it, in a slice (as the journal reader passes its lines), changes nothing.
        let padded = [UInt8(ascii: "{"), UInt8(ascii: " ")] + bytes + [UInt8(ascii: "\n")]
        try require((try? JSONValue(parsing: padded[1...])) == value, "\(value.text) parses differently padded")
    }

    /// Checks that every number literal in `value` is one RFC 8259 allows.
    private static func checkNumbers(_ value: JSONValue) throws(InvariantViolation) {
        switch value {
        case .number(let literal):
            try require(isJSONNumber(literal), "the number \(literal) is not JSON, yet it parses")
        case .array(let values):
            for element in values { try checkNumbers(element) }
        case .object(let object):
            for member in object.members { try checkNumbers(member.value) }
        case .null, .bool, .string:
            break
        }
    }

    /// Whether `literal` matches RFC 8259's `number`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ literal: String) -> Bool {
        var rest = Substring(literal).utf8[...]
        func take(_ accepted: ClosedRange<UInt8>) -> Bool {
            guard let byte = rest.first, accepted.contains(byte) else { return false }
            rest.removeFirst()
            return true
        }
        func digits() -> Int {
            var count = 0
            while take(UInt8(ascii: "0")...UInt8(ascii: "9")) { count += 1 }
            return count
        }
        _ = take(UInt8(ascii: "-")...UInt8(ascii: "-"))
        if !take(UInt8(ascii: "0")...UInt8(ascii: "0")) {
            guard take(UInt8(ascii: "1")...UInt8(ascii: "9")) else { return false }
            _ = digits()
        }
        if take(UInt8(ascii: ".")...UInt8(ascii: ".")) {
            guard digits() > 0 else { return false }
        }
        if take(UInt8(ascii: "E")...UInt8(ascii: "E")) || take(UInt8(ascii: "e")...UInt8(ascii: "e")) {
            _ = take(UInt8(ascii: "+")...UInt8(ascii: "+")) || take(UInt8(ascii: "-")...UInt8(ascii: "-"))
            guard digits() > 0 else { return false }
        }
        return rest.isEmpty
    }
}
