/// What ``CountryNames/lookup(_:)`` found for a name.
public enum CountryNameLookup: Sendable, Equatable {
    /// The name is one country's: its ISO 3166-1 alpha-2 code, upper case.
    case code(String)
    /// The name is several countries': their codes, sorted.
    case ambiguous([String])
    /// No country has the name.
    case unknown
}

/// Country names in English and in each country's official languages, with the ISO 3166-1
/// alpha-2 code each stands for, from the generated table (`Generated/CountryNames+Data.swift`,
/// written by `scripts/generate-country-names.sh` from CLDR and ISO 3166-1).
///
/// Names are compared under ``key(_:)``, so case, accents, spaces and punctuation do not count:
/// `"Österreich"`, `"osterreich"` and `"OSTERREICH"` are all Austria. A code is not a name: callers
/// that accept codes check for one first.
public struct CountryNames: Sendable {
    /// The table shipped with the tool, read once on first use.
    public static let shipped = CountryNames(table: generatedTable)

    /// The codes of the countries that have a name, sorted, by the name's ``key(_:)``.
    let codesByKey: [String: [String]]

    /// Reads a table in the generator's form: a line per country, its code and then its names,
    /// separated by `"|"`.
    init(table: String) {
        var codes: [String: Set<String>] = [:]
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: "|")
            guard let code = fields.first else { continue }
            for name in fields.dropFirst() {
                let key = Self.key(String(name))
                if !key.isEmpty { codes[key, default: []].insert(String(code)) }
            }
        }
        codesByKey = codes.mapValues { $0.sorted() }
    }

    /// The country named `text`: its code, the codes of all the countries that have the name
    /// when several do, or ``CountryNameLookup/unknown`` (also for empty text).
    public func lookup(_ text: String) -> CountryNameLookup {
        guard let codes = codesByKey[Self.key(text)] else { return .unknown }
        return codes.count == 1 ? .code(codes[0]) : .ambiguous(codes)
    }

    /// The form under which names are compared: ``AddressText/foldedKey(_:)`` (upper case, accents
    /// removed), then the Latin letters it keeps whole spelled plainly (`Ø` as `O`, `Æ` as `AE`,
    /// `Ł` as `L`...), and only letters, marks and digits kept (`"Côte d’Ivoire"` -> `"COTEDIVOIRE"`).
    static func key(_ text: String) -> String {
        var result = ""
        for scalar in AddressText.foldedKey(text).unicodeScalars {
            if let plain = plainLatin[scalar] {
                result += plain
                continue
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber, .otherNumber:
                result.unicodeScalars.append(scalar)
            default:
                continue
            }
        }
        return result
    }

    /// Upper-case Latin letters that have no decomposition, so that removing accents leaves them.
    private static let plainLatin: [Unicode.Scalar: String] = [
        "Ø": "O", "Æ": "AE", "Œ": "OE", "Ł": "L", "Đ": "D", "Ð": "D", "Þ": "TH",
    ]
}
