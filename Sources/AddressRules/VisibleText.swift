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
        text.unicodeScalars.contains { isHidden($0) && $0 != "\n" && $0 != "\r" }
    }

    /// Whether `text` holds a character ``isHidden(_:)`` names.
    public static func hasHidden(_ text: String) -> Bool {
        text.unicodeScalars.contains(where: isHidden)
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
