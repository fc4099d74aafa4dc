/// Partner Center's own rules for one country, as its `GET /v1/countryvalidationrules/{iso2}`
/// served them, compiled once per country per run: the layer that decides in `plan` and `apply`.
///
/// Each member is `nil` (or empty) where Partner Center left it out; the offline table fills in
/// there. An empty, null or absent pattern is no constraint.
public struct ServedRules: Sendable {
    /// ISO 3166-1 alpha-2, upper case.
    public let country: String
    public let stateRequired: Bool?
    public let postalRequired: Bool?
    public let cityRequired: Bool?
    public let phoneRequired: Bool?
    /// The accepted states exactly as Partner Center lists them (codes or names); empty when it
    /// lists none.
    public let states: [String]
    public let postalPattern: RulePattern?
    public let phonePattern: RulePattern?
    /// Served patterns that neither engine compiles, by member name: skipped, and logged once.
    public let unusablePatterns: [(member: String, source: String, reason: String)]
    /// The listed entry for each offline subdivision code it names, and for each folded spelling.
    private let listedBySubdivision: [String: String]
    private let listedByKey: [String: String]

    /// Compiles what Partner Center served for `country`; `table` maps its states list onto the
    /// offline subdivisions, so any spelling the offline data knows finds the listed form.
    public init(
        country: String, stateRequired: Bool?, postalRequired: Bool?, cityRequired: Bool?, phoneRequired: Bool?,
        states: [String], postalRegex: String?, phoneRegex: String?, table: CountryTable = .shipped
    ) {
        self.country = country.uppercased()
        self.stateRequired = stateRequired
        self.postalRequired = postalRequired
        self.cityRequired = cityRequired
        self.phoneRequired = phoneRequired
        self.states = states
        var unusable: [(member: String, source: String, reason: String)] = []
        func compile(_ member: String, _ source: String?) -> RulePattern? {
            switch RulePattern.compile(source) {
            case .none: return nil
            case .pattern(let pattern): return pattern
            case .unusable(let source, let reason):
                unusable.append((member, source, reason))
                return nil
            }
        }
        postalPattern = compile("postalCodeRegex", postalRegex)
        phonePattern = compile("phoneNumberRegex", phoneRegex)
        unusablePatterns = unusable
        let offline = table.rules(for: country)
        var bySubdivision: [String: String] = [:]
        var byKey: [String: String] = [:]
        for entry in states {
            if let code = offline?.subdivision(named: entry)?.code, bySubdivision[code] == nil {
                bySubdivision[code] = entry
            }
            let key = AddressText.foldedKey(entry)
            if byKey[key] == nil { byKey[key] = entry }
        }
        listedBySubdivision = bySubdivision
        listedByKey = byKey
    }

    /// `text` in the form Partner Center lists it (`tx` -> `TX`, `13` or `東京都` -> `Tokyo`), or
    /// `nil` when its list names no such state.
    public func listedState(_ text: String, subdivision: Subdivision?) -> String? {
        if states.contains(text) { return text }
        if let entry = listedByKey[AddressText.foldedKey(text)] { return entry }
        return subdivision.flatMap { listedBySubdivision[$0.code] }
    }
}
