/// Checks and normalizes billing addresses against the offline country rules.
///
/// Two modes: a **partial** address is what one CSV row gives (a field given as `""` is being
/// cleared), and only what it gives is checked, including agreement among its fields; a
/// **complete** address is the merged one `plan` and `apply` will send, and the country's
/// required fields are checked too.
public struct AddressValidator: Sendable {
    /// How much of the address is at hand.
    public enum Mode: Sendable {
        case partial
        case complete
    }

    /// The outcome: the address with values normalized, and what is wrong with it.
    public struct Result: Sendable, Equatable {
        public var address: AddressFields
        public var issues: [AddressIssue]
        public var isValid: Bool { issues.isEmpty }
    }

    public let table: CountryTable

    public init(table: CountryTable = .shipped) {
        self.table = table
    }

    /// Normalizes `address` and lists its issues, at most one per field, in field order.
    public func check(_ address: AddressFields, mode: Mode) -> Result {
        var result = Result(address: address, issues: [])
        checkLengths(&result)
        guard let countryText = address[.country] else {
            if mode == .complete { result.issues.append(requiredIssue(.country, country: nil)) }
            if address[.addressLine1] == "" { result.issues.append(requiredIssue(.addressLine1, country: nil)) }
            return finish(result)
        }
        guard let country = resolveCountry(countryText, into: &result) else { return finish(result) }
        checkRequired(&result, country: country, mode: mode)
        let subdivision = checkState(&result, country: country)
        checkPostalCode(&result, country: country, subdivision: subdivision)
        if !country.regionAllowed, let region = result.address[.region], !region.isEmpty {
            result.issues.append(
                AddressIssue(
                    .regionNotAllowed, field: .region,
                    "Partner Center rejects region on \(country.name) addresses; leave the cell empty or write <clear>."
                ))
        }
        return finish(result)
    }

    private func finish(_ result: Result) -> Result {
        var result = result
        var seen: Set<AddressField> = []
        result.issues = result.issues.filter { seen.insert($0.field).inserted }.sorted { $0.field < $1.field }
        return result
    }

    private func checkLengths(_ result: inout Result) {
        for (field, value) in result.address {
            guard let limit = field.maximumLength, value.utf8.count > limit else { continue }
            let length = value.count
            if length > limit {
                result.issues.append(
                    AddressIssue(
                        .fieldTooLong, field: field,
                        "\(field.rawValue) has \(length) characters; Partner Center takes at most \(limit)."))
            }
        }
    }

    private func resolveCountry(_ text: String, into result: inout Result) -> CountryRules? {
        if text.isEmpty {
            result.issues.append(
                AddressIssue(.requiredField, field: .country, "country cannot be cleared; every address needs one."))
            return nil
        }
        if let rules = table.rules(for: text) {
            if rules.code != text { result.address[.country] = rules.code }
            return rules
        }
        let hint: String
        if text.uppercased() == "UK" {
            hint = "use GB for the United Kingdom (ISO 3166-1); Partner Center has no rules for UK."
        } else if let code = table.code(forName: text) {
            hint = "use the two-letter code \(code) for \(text)."
        } else {
            hint = "use a two-letter ISO 3166-1 code such as US, GB or DE."
        }
        result.issues.append(AddressIssue(.countryUnknown, field: .country, "'\(text)' is not a country code; \(hint)"))
        return nil
    }

    private func checkRequired(_ result: inout Result, country: CountryRules, mode: Mode) {
        var required: [AddressField] = [.addressLine1]
        if country.cityRequired { required.append(.city) }
        if country.stateRequired, !country.subdivisions.isEmpty { required.append(.state) }
        if country.postalRequired, country.postalPattern != nil { required.append(.postalCode) }
        if country.phoneRequired { required.append(.phoneNumber) }
        for field in required {
            let value = result.address[field]
            let missing = mode == .complete ? (value ?? "").isEmpty : value == ""
            if missing { result.issues.append(requiredIssue(field, country: country)) }
        }
    }

    private func requiredIssue(_ field: AddressField, country: CountryRules?) -> AddressIssue {
        let place = country.map { " for \($0.name)" } ?? ""
        return AddressIssue(
            .requiredField, field: field, "\(field.rawValue) is required\(place); it cannot be empty or cleared.")
    }

    /// Normalizes the state to its code; returns its subdivision when known.
    private func checkState(_ result: inout Result, country: CountryRules) -> Subdivision? {
        guard let state = result.address[.state], !state.isEmpty else { return nil }
        if let subdivision = country.subdivision(named: state) {
            if subdivision.code != state { result.address[.state] = subdivision.code }
            return subdivision
        }
        if country.stateRequired, !country.subdivisions.isEmpty {
            result.issues.append(
                AddressIssue(
                    .stateUnknown, field: .state,
                    "'\(state)' is not a state of \(country.name); use one of: \(codeList(country.subdivisions))."))
        }
        return nil
    }

    private func codeList(_ subdivisions: [Subdivision]) -> String {
        let codes = subdivisions.map(\.code)
        return codes.count <= 16
            ? codes.joined(separator: ", ")
            : codes.prefix(12).joined(separator: ", ")
                + " … (\(codes.count) codes)"
    }

    private func checkPostalCode(_ result: inout Result, country: CountryRules, subdivision: Subdivision?) {
        guard let postal = result.address[.postalCode], !postal.isEmpty, let postalCodes = country.postalCodes else {
            return
        }
        guard let normalized = postalCodes.normalize(postal) else {
            let examples = country.postalExamples.prefix(3).joined(separator: ", ")
            result.issues.append(
                AddressIssue(
                    .postalCodeFormat, field: .postalCode,
                    "'\(postal)' is not a postal code of \(country.name); expected a form like \(examples)."))
            return
        }
        if normalized != postal { result.address[.postalCode] = normalized }
        if let subdivision, let prefix = subdivision.postalPrefix, !prefix.matchesPrefix(normalized) {
            result.issues.append(
                AddressIssue(
                    .postalStateMismatch, field: .postalCode,
                    "postal code \(normalized) is not in \(subdivision.code) (\(subdivision.name)); postal codes there "
                        + "start with \(prefix.source). Check the state or the postal code."))
        }
    }
}
