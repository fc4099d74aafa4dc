import Foundation

/// Text normalization shared by the lookups.
public enum AddressText {
    /// The form under which names are compared: upper case, accents removed, dots dropped,
    /// runs of white space made one space (`"Ags."` -> `"AGS"`, `"Québec"` -> `"QUEBEC"`).
    public static func foldedKey(_ text: String) -> String {
        if let ascii = asciiFoldedKey(text) { return ascii }
        let plain = text.allSatisfy(\.isASCII) ? text : text.folding(options: .diacriticInsensitive, locale: nil)
        var result = ""
        result.reserveCapacity(plain.utf8.count)
        var pendingSpace = false
        for scalar in plain.unicodeScalars {
            if scalar == "." { continue }
            if scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace {
                result.unicodeScalars.append(" ")
                pendingSpace = false
            }
            result.unicodeScalars.append(contentsOf: scalar.properties.uppercaseMapping.unicodeScalars)
        }
        return result
    }

    /// ``foldedKey(_:)`` for ASCII text, byte by byte; `nil` for other text.
    private static func asciiFoldedKey(_ text: String) -> String? {
        var result: [UInt8] = []
        result.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            guard byte < 0x80 else { return nil }
            switch byte {
            case UInt8(ascii: "."): continue
            case 0x20, 0x09...0x0D:
                pendingSpace = !result.isEmpty
                continue
            default: break
            }
            if pendingSpace {
                result.append(0x20)
                pendingSpace = false
            }
            result.append(byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") ? byte - 0x20 : byte)
        }
        return String(decoding: result, as: UTF8.self)
    }
}
