/// A customer's tenant ID: a GUID, kept as 128 bits and written in lower case with hyphens.
public struct CustomerID: Sendable, Hashable, CustomStringConvertible {
    /// The GUID's 128 bits.
    public let bits: UInt128

    /// Parses 8-4-4-4-12 hex digits, in any case, optionally in braces. Returns `nil` otherwise.
    public init?(_ text: String) {
        var text = text
        guard let id = text.withUTF8(CustomerID.init(utf8:)) else { return nil }
        self = id
    }

    /// Parses UTF-8 bytes as ``init(_:)`` parses text.
    public init?(utf8: UnsafeBufferPointer<UInt8>) {
        guard let bits = Self.parse(utf8) else { return nil }
        self.bits = bits
    }

    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>) -> UInt128? {
        var utf8 = utf8[...]
        if utf8.first == UInt8(ascii: "{") {
            guard utf8.last == UInt8(ascii: "}") else { return nil }
            utf8 = utf8.dropFirst().dropLast()
        }
        guard utf8.count == 36 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var offset = 0
        for byte in utf8 {
            defer { offset += 1 }
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            high = high << 4 | low >> 60
            low = low << 4 | UInt64(digit)
        }
        return UInt128(high) << 64 | UInt128(low)
    }

    /// The GUID with these bits.
    init(unchecked bits: UInt128) {
        self.bits = bits
    }

    /// Lower case, 8-4-4-4-12.
    public var description: String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(36)
        for index in 0..<32 {
            if index == 8 || index == 12 || index == 16 || index == 20 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(hex[Int((bits >> UInt128(124 - index * 4)) & 0xF)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
