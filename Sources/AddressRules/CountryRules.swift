/// The offline address rules of one country: Google's i18n address data with Partner Center's
/// overrides (see `scripts/partner-center-overrides.json`).
public final class CountryRules: Sendable {
    /// ISO 3166-1 alpha-2 code, upper case.
    public let code: String
    /// The country's English name.
    public let name: String
    /// The full-match postal pattern, if the country has postal codes.
    public var postalPattern: PostalPattern? { postalCodes?.pattern }
    /// The pattern and the written forms of the examples.
    let postalCodes: PostalCodeNormalizer?
    /// Examples of well-formed postal codes, for messages and normalization.
    public let postalExamples: [String]
    public let postalRequired: Bool
    public let stateRequired: Bool
    public let cityRequired: Bool
    /// Partner Center requires a phone number for this country (error 600051).
    public let phoneRequired: Bool
    /// Whether `region` may be sent (Partner Center rejects it on US addresses).
    public let regionAllowed: Bool
    /// First-level subdivisions; empty where the data has none.
    public let subdivisions: [Subdivision]
    /// Where this entry departs from Google's data, and why.
    public let overrides: [Override]
    private let subdivisionIndex: [String: Int]

    /// One departure from Google's data.
    public struct Override: Sendable, Decodable {
        /// The table field it replaces (`subdivisions`, `postalPattern`, `phoneRequired`, …).
        public let field: String
        /// The Partner Center rule behind it.
        public let reason: String
    }

    init(_ entry: CountryTable.Entry) throws(PatternError) {
        code = entry.code
        name = entry.name
        postalCodes = try entry.postalPattern.map { pattern throws(PatternError) in
            PostalCodeNormalizer(pattern: try PostalPattern(pattern), examples: entry.postalExamples)
        }
        postalExamples = entry.postalExamples
        postalRequired = entry.postalRequired
        stateRequired = entry.stateRequired
        cityRequired = entry.cityRequired
        phoneRequired = entry.phoneRequired
        regionAllowed = entry.regionAllowed
        overrides = entry.overrides
        var subdivisions: [Subdivision] = []
        for sub in entry.subdivisions {
            subdivisions.append(try Subdivision(sub))
        }
        self.subdivisions = subdivisions
        subdivisionIndex = Self.index(subdivisions, country: entry.code)
    }

    /// The subdivision `text` names: its code, ISO 3166-2 code, key, name, or a local or translated
    /// name, in any case and with or without accents and dots.
    public func subdivision(named text: String) -> Subdivision? {
        if let index = subdivisionIndex[text] ?? subdivisionIndex[AddressText.foldedKey(text)] {
            return subdivisions[index]
        }
        return nil
    }

    /// Maps every folded alias to its subdivision. An alias two subdivisions share is left out,
    /// unless it is one's own code.
    private static func index(_ subdivisions: [Subdivision], country: String) -> [String: Int] {
        var index: [String: Int] = [:]
        var ambiguous: Set<String> = []
        for (position, sub) in subdivisions.enumerated() {
            for alias in sub.aliases + ["\(country)-\(sub.code)"] {
                let key = AddressText.foldedKey(alias)
                if let other = index[key], other != position { ambiguous.insert(key) } else { index[key] = position }
            }
        }
        for key in ambiguous { index[key] = nil }
        for (position, sub) in subdivisions.enumerated() {
            index[AddressText.foldedKey(sub.code)] = position
            index[sub.code] = position
        }
        return index
    }
}

/// A state, province or other first-level subdivision.
public struct Subdivision: Sendable {
    /// The code Partner Center takes: ISO 3166-2 without the country prefix, else Google's key.
    public let code: String
    public let name: String
    /// Every spelling that names it.
    public let aliases: [String]
    /// A pattern every postal code of this subdivision starts with, if the data has one.
    public let postalPrefix: PostalPattern?

    init(_ entry: CountryTable.Entry.SubdivisionEntry) throws(PatternError) {
        code = entry.code
        name = entry.name
        aliases = entry.aliases
        postalPrefix = try entry.postalPrefix.map { pattern throws(PatternError) in try PostalPattern(pattern) }
    }
}
