/// Text as it may be shown on a terminal or in a report: control characters (C0 but tab, DEL, C1)
/// and bidirectional controls, which could move the cursor, recolour the screen, forge a line or
/// reorder what a reader sees, written as escapes (`\x1b`, `\n`, `\u{202E}`) instead.
public enum VisibleText {
    /// Whether `scalar` must not reach a terminal or a report raw.
    public static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0x00...0x1F, 0x7F...0x9F: true
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Whether `text` holds a character no address field may hold: a hidden one other than a line
    /// break (a quoted cell may hold one, as in "Attn: Billing" over "Floor 2").
    public static func hasForbiddenInAddress(_ text: String) -> Bool {
        scan(text, allowingLineBreaks: true)
    }

    /// Whether `text` holds a character ``isHidden(_:)`` names.
    public static func hasHidden(_ text: String) -> Bool {
        scan(text, allowingLineBreaks: false)
    }

    /// Looks for a hidden character in the UTF-8 bytes: C0 and DEL directly, C1 as `C2 80…9F`, and
    /// the direction controls by their three-byte forms (`D8 9C`, `E2 80 8E…8F`, `E2 80 AA…AE`,
    /// `E2 81 A6…A9`). Runs once per field per row, so it does not decode scalars.
    private static func scan(_ text: String, allowingLineBreaks: Bool) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 {
                    if byte != 0x09, !(allowingLineBreaks && (byte == 0x0A || byte == 0x0D)) { return true }
                } else if byte == 0x7F {
                    return true
                } else if byte >= 0xC2, index + 1 < bytes.count {
                    let next = bytes[index + 1]
                    switch byte {
                    case 0xC2 where (0x80...0x9F).contains(next): return true
                    case 0xD8 where next == 0x9C: return true
                    case 0xE2 where index + 2 < bytes.count:
                        let third = bytes[index + 2]
                        if next == 0x80, third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third) { return true }
                        if next == 0x81, (0xA6...0xA9).contains(third) { return true }
                    default: break
                    }
                }
                index += 1
            }
            return false
        }
    }

    /// `text` with every hidden character written as an escape; a line break too, so that the
    /// result is always one line.
    public static func escaped(_ text: String) -> String {
        guard hasHidden(text) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            guard isHidden(scalar) else {
                result.unicodeScalars.append(scalar)
                continue
            }
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            default:
                let hex = String(scalar.value, radix: 16)
                result += scalar.value < 0x100 ? "\\x" + (hex.count < 2 ? "0" : "") + hex : "\\u{\(hex.uppercased())}"
            }
        }
        return result
    }
}
