import Foundation

/// Text normalization shared by the lookups.
public enum AddressText {
    /// The form under which names are compared: upper case, accents removed, dots dropped,
    /// runs of white space made one space (`"Ags."` -> `"AGS"`, `"Québec"` -> `"QUEBEC"`).
    public static func foldedKey(_ text: String) -> String {
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
}
