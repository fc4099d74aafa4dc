/// A customer's tenant ID: a GUID, kept as 128 bits and written in lower case with hyphens.
public struct CustomerID: Sendable, Hashable, CustomStringConvertible {
    /// The GUID's 128 bits.
    public let bits: UInt128

    /// Parses 8-4-4-4-12 hex digits, in any case, optionally in braces. Returns `nil` otherwise.
    public init?(_ text: String) {
        var utf8 = Substring(text).utf8
        if utf8.first == UInt8(ascii: "{") {
            guard utf8.last == UInt8(ascii: "}") else { return nil }
            utf8 = utf8.dropFirst().dropLast()
        }
        guard utf8.count == 36 else { return nil }
        var bits: UInt128 = 0
        for (offset, byte) in utf8.enumerated() {
            if offset == 8 || offset == 13 || offset == 18 || offset == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            bits = bits << 4 | UInt128(digit)
        }
        self.bits = bits
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
