/// The text encoding of a CSV file. UTF-8 is read as it is; the others are transcoded to UTF-8 as
/// the file is read, a chunk at a time, so memory stays flat whatever the file's size.
public enum TextEncoding: String, Sendable, CaseIterable {
    /// UTF-8, with or without a byte order mark: Excel's "CSV UTF-8".
    case utf8 = "utf-8"
    /// UTF-16, little-endian unless a byte order mark says otherwise: Excel's "Unicode Text".
    case utf16 = "utf-16"
    /// Windows-1252: Excel's "CSV (Comma delimited)" on a Western-European Windows.
    case windows1252 = "windows-1252"
    /// ISO 8859-1 (Latin-1).
    case latin1 = "iso-8859-1"
}

/// Turns bytes of one encoding into UTF-8, across chunk boundaries.
struct Transcoder {
    enum Source {
        case windows1252, latin1
        case utf16(bigEndian: Bool)
    }

    let source: Source
    /// A UTF-16 code unit's first byte, or a high surrogate, left at the end of the last chunk.
    private var pendingByte: UInt8?
    private var pendingHigh: UInt16?

    init(_ source: Source) { self.source = source }

    /// Appends the UTF-8 of `input` to `output`.
    mutating func transcode(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        switch source {
        case .latin1:
            for byte in input { Self.append(UInt32(byte), to: &output) }
        case .windows1252:
            for byte in input {
                Self.append(
                    byte >= 0x80 && byte < 0xA0 ? Self.windows1252High[Int(byte - 0x80)] : UInt32(byte), to: &output)
            }
        case .utf16(let bigEndian):
            for byte in input {
                guard let first = pendingByte else {
                    pendingByte = byte
                    continue
                }
                pendingByte = nil
                let unit = bigEndian ? UInt16(first) << 8 | UInt16(byte) : UInt16(byte) << 8 | UInt16(first)
                add(unit, to: &output)
            }
        }
    }

    /// Ends the input: a unit or surrogate left half-way is a replacement character.
    mutating func finish(into output: inout [UInt8]) {
        if pendingByte != nil || pendingHigh != nil { Self.append(0xFFFD, to: &output) }
        pendingByte = nil
        pendingHigh = nil
    }

    private mutating func add(_ unit: UInt16, to output: inout [UInt8]) {
        if let high = pendingHigh {
            pendingHigh = nil
            if (0xDC00...0xDFFF).contains(unit) {
                Self.append(0x10000 + (UInt32(high - 0xD800) << 10 | UInt32(unit - 0xDC00)), to: &output)
                return
            }
            Self.append(0xFFFD, to: &output)
        }
        switch unit {
        case 0xD800...0xDBFF: pendingHigh = unit
        case 0xDC00...0xDFFF: Self.append(0xFFFD, to: &output)
        default: Self.append(UInt32(unit), to: &output)
        }
    }

    /// Appends the UTF-8 of the scalar `value`.
    static func append(_ value: UInt32, to output: inout [UInt8]) {
        switch value {
        case 0..<0x80:
            output.append(UInt8(value))
        case 0x80..<0x800:
            output.append(0xC0 | UInt8(value >> 6))
            output.append(0x80 | UInt8(value & 0x3F))
        case 0x800..<0x10000:
            output.append(0xE0 | UInt8(value >> 12))
            output.append(0x80 | UInt8(value >> 6 & 0x3F))
            output.append(0x80 | UInt8(value & 0x3F))
        default:
            output.append(0xF0 | UInt8(value >> 18))
            output.append(0x80 | UInt8(value >> 12 & 0x3F))
            output.append(0x80 | UInt8(value >> 6 & 0x3F))
            output.append(0x80 | UInt8(value & 0x3F))
        }
    }

    /// Windows-1252's 0x80–0x9F (WHATWG's table: the five bytes it leaves undefined are their C1
    /// control characters, which the address checks refuse).
    static let windows1252High: [UInt32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,
        0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A,
        0x0153, 0x9D, 0x017E, 0x0178,
    ]
}

extension TextEncoding {
    /// The character `byte` stands for in Windows-1252; `nil` for an ASCII byte or one it leaves
    /// undefined.
    public static func windows1252Character(_ byte: UInt8) -> Character? {
        guard byte >= 0x80 else { return nil }
        let value = byte < 0xA0 ? Transcoder.windows1252High[Int(byte - 0x80)] : UInt32(byte)
        guard value >= 0xA0, let scalar = Unicode.Scalar(value) else { return nil }
        return Character(scalar)
    }
}

/// Finds what is not UTF-8 in bytes.
public enum UTF8Check {
    /// The first byte of `bytes` that does not begin or continue a well-formed UTF-8 sequence
    /// (the lead byte of a sequence that breaks off, is overlong or encodes a surrogate).
    public static func firstInvalidByte(in bytes: UnsafeBufferPointer<UInt8>) -> UInt8? {
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length =
                switch lead {
                case 0..<0x80: 1
                case 0xC2...0xDF: 2
                case 0xE0...0xEF: 3
                case 0xF0...0xF4: 4
                default: 0
                }
            guard length > 0, index + length <= bytes.count,
                String(validating: bytes[index..<(index + length)], as: UTF8.self) != nil
            else { return lead }
            index += length
        }
        return nil
    }
}
