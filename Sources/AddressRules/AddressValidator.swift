/// Checks and normalizes billing addresses, in layers.
///
/// Two modes: a **partial** address is what one CSV row gives (a field given as `""` is being
/// cleared), and only what it gives is checked, including agreement among its fields; a
/// **complete** address is the merged one `plan` and `apply` will send, and the country's
/// required fields are checked too.
///
/// Which rules decide (SPEC §3), where Partner Center served rules for the country (`served`):
///
/// | rule | decided by | where Partner Center serves nothing |
/// |---|---|---|
/// | required city, state, postal code, phone | its `is…Required` flag | the offline flag |
/// | accepted states, and their written form | its `supportedStatesList`, exactly | offline subdivisions: an error without served rules, a warning (`state-unverified`) with them |
/// | postal code format | its `postalCodeRegex` (searched, as .NET's `IsMatch`) | offline pattern: an error without served rules, a warning (`postal-code-unverified`) with them |
/// | phone number format | its `phoneNumberRegex` | no check |
/// | postal code against state | offline only: an error where a postal database places the code elsewhere (US ZIPs, Canadian first letters); a warning (`postal-state-unverified`) where only a prefix rule disagrees | |
/// | region on a US address | offline (Partner Center answers 27002) | |
///
/// Normalization (country case, postal code form) runs on the values a row changes, with the
/// address's own country. A state is written the way Partner Center lists it, codes or names;
/// where it serves rules without a list, as written; only offline (no served rules) in the
/// offline data's code.
public struct AddressValidator: Sendable {
    /// How much of the address is at hand.
    public enum Mode: Sendable {
        case partial
        case complete
    }

    /// The outcome: the address with values normalized, what is wrong with it, and what is
    /// doubtful but not refused.
    public struct Result: Sendable, Equatable {
        public var address: AddressFields
        public var issues: [AddressIssue]
        public var warnings: [AddressIssue] = []
        public var isValid: Bool { issues.isEmpty }
    }

    /// The shipped offline table, decoded on its first use rather than when a validator is made:
    /// a run's first rows, which need it only once their profiles are read (unless they set a
    /// country), are sent without waiting for it.
    public var table: CountryTable { .shipped }
    /// The shipped US ZIP directory, likewise.
    public var directory: PostalStateDirectory { .shipped }

    public init() {}

    /// Decodes the shipped table and ZIP directory now. Each is decoded once, on first use, which
    /// takes some milliseconds: a caller with other work to do before its first check can start
    /// this on another thread.
    public static func loadShipped() {
        _ = CountryTable.shipped
        _ = PostalStateDirectory.shipped
    }

    /// Normalizes `address` and lists its issues, at most one per field, in field order.
    /// - Parameters:
    ///   - served: Partner Center's rules for the address's country, when it served them.
    ///   - asStored: fields to judge exactly as they stand, not normalized first (the profile's
    ///     own values, which `plan` and `apply` send back unchanged).
    public func check(
        _ address: AddressFields, mode: Mode, served: ServedRules? = nil, asStored: FieldSet = []
    ) -> Result {
        var check = Check(result: Result(address: address, issues: []), served: served, asStored: asStored)
        checkLengths(&check)
        guard let countryText = address[.country] else {
            if mode == .complete { check.error(requiredIssue(.country, country: nil)) }
            if address[.addressLine1] == "" { check.error(requiredIssue(.addressLine1, country: nil)) }
            return check.finish()
        }
        guard let country = resolveCountry(countryText, into: &check) else { return check.finish() }
        if let served, served.country != country.code { check.served = nil }
        checkRequired(&check, country: country, mode: mode)
        let subdivision = checkState(&check, country: country)
        checkPostalCode(&check, country: country, subdivision: subdivision)
        checkPhone(&check)
        if !country.regionAllowed, let region = check.result.address[.region], !region.isEmpty {
            check.error(
                AddressIssue(
                    .regionNotAllowed, field: .region,
                    "Partner Center rejects region on \(country.name) addresses; leave the cell empty or write <clear>."
                ))
        }
        return check.finish()
    }

    /// A check under way.
    private struct Check {
        var result: Result
        var served: ServedRules?
        let asStored: FieldSet

        mutating func error(_ issue: AddressIssue) { result.issues.append(issue) }
        mutating func warning(_ issue: AddressIssue) { result.warnings.append(issue) }

        /// Sets a normalized value, unless the field is judged as stored. Writes only a value that
        /// differs: a write copies the shared field map, and this runs for several fields per row.
        mutating func normalize(_ field: AddressField, to value: String) {
            if !asStored.contains(field), result.address[field] != value { result.address[field] = value }
        }

        func finish() -> Result {
            var result = result
            result.issues = Self.firstPerField(result.issues)
            result.warnings = Self.firstPerField(result.warnings)
            return result
        }

        private static func firstPerField(_ issues: [AddressIssue]) -> [AddressIssue] {
            guard issues.count > 1 else { return issues }
            var seen = FieldSet()
            return issues.filter { issue in
                defer { seen.insert(issue.field) }
                return !seen.contains(issue.field)
            }.sorted { $0.field < $1.field }
        }
    }

    private func checkLengths(_ check: inout Check) {
        for (field, value) in check.result.address {
            if VisibleText.hasForbiddenInAddress(value) {
                check.error(
                    AddressIssue(
                        .controlCharacter, field: field,
                        "\(field.rawValue) holds a control or text-direction character "
                            + "('\(VisibleText.escaped(value))'); these have no place in an address and would reach "
                            + "Partner Center and invoices. Remove it."))
            }
            guard let limit = field.maximumLength, value.utf8.count > limit else { continue }
            let length = value.count
            if length > limit {
                check.error(
                    AddressIssue(
                        .fieldTooLong, field: field,
                        "\(field.rawValue) has \(length) characters; Partner Center takes at most \(limit)."))
            }
        }
    }

    private func resolveCountry(_ text: String, into check: inout Check) -> CountryRules? {
        if text.isEmpty {
            check.error(
                AddressIssue(.requiredField, field: .country, "country cannot be cleared; every address needs one."))
            return nil
        }
        if let rules = table.rules(for: text) {
            if rules.code != text { check.normalize(.country, to: rules.code) }
            return rules
        }
        // A country's name, in English or in its own language (`United States`, `Deutschland`).
        switch CountryNames.shipped.lookup(text) {
        case .code(let code):
            if let rules = table.rules(for: code) {
                check.normalize(.country, to: rules.code)
                return rules
            }
        case .ambiguous(let codes):
            check.error(
                AddressIssue(
                    .countryUnknown, field: .country,
                    "'\(text)' names more than one country (\(codes.joined(separator: ", "))); write the two-letter "
                        + "code of the one meant."))
            return nil
        case .unknown:
            break
        }
        check.error(
            AddressIssue(
                .countryUnknown, field: .country,
                "'\(text)' is neither a country code nor a country's name; use a two-letter ISO 3166-1 code such as "
                    + "US, GB or DE."))
        return nil
    }

    private func checkRequired(_ check: inout Check, country: CountryRules, mode: Mode) {
        let served = check.served
        let rules: [(AddressField, Bool?, Bool)] = [
            (.addressLine1, nil, true),
            (.city, served?.cityRequired, country.cityRequired),
            (.state, served?.stateRequired, country.stateRequired && !country.subdivisions.isEmpty),
            (.postalCode, served?.postalRequired, country.postalRequired && country.postalPattern != nil),
            (.phoneNumber, served?.phoneRequired, country.phoneRequired),
        ]
        for (field, servedFlag, offlineFlag) in rules where servedFlag ?? offlineFlag {
            let value = check.result.address[field]
            let missing = mode == .complete ? (value ?? "").isEmpty : value == ""
            guard missing else { continue }
            if servedFlag != nil {
                check.error(
                    AddressIssue(
                        .requiredField, field: field,
                        "Partner Center's rules for \(country.code) require \(field.rawValue); it cannot be empty "
                            + "or cleared.", authority: .partnerCenter))
            } else {
                check.error(requiredIssue(field, country: country))
            }
        }
    }

    private func requiredIssue(_ field: AddressField, country: CountryRules?) -> AddressIssue {
        let place = country.map { " for \($0.name)" } ?? ""
        return AddressIssue(
            .requiredField, field: field, "\(field.rawValue) is required\(place); it cannot be empty or cleared.")
    }

    /// Normalizes the state to the form that decides; returns its offline subdivision when known.
    private func checkState(_ check: inout Check, country: CountryRules) -> Subdivision? {
        guard let state = check.result.address[.state], !state.isEmpty else { return nil }
        let subdivision = country.subdivision(named: state)
        if let served = check.served, !served.states.isEmpty {
            let listed =
                check.asStored.contains(.state)
                ? (served.states.contains(state) ? state : nil)
                : served.listedState(state, subdivision: subdivision)
            if let listed {
                check.normalize(.state, to: listed)
                return country.subdivision(named: listed) ?? subdivision
            }
            let message =
                "Partner Center's rules for \(country.code) do not list state '\(state)'; use one of: "
                + Self.list(served.states) + "."
            if served.stateRequired ?? country.stateRequired {
                check.error(AddressIssue(.stateUnknown, field: .state, message, authority: .partnerCenter))
            } else {
                check.warning(AddressIssue(.stateUnverified, field: .state, message, authority: .partnerCenter))
            }
            return subdivision
        }
        let known = "'\(state)' is not a state of \(country.name); use one of: "
        if check.served != nil {
            // Partner Center serves no list for the country: the state is kept as written (a name
            // stays a name, in the form the user or the profile gave it), since nothing says which
            // form it uses there.
            if subdivision == nil, !country.subdivisions.isEmpty {
                check.warning(
                    AddressIssue(
                        .stateUnverified, field: .state,
                        known + Self.list(country.subdivisions.map(\.code))
                            + " (the tool's offline data; Partner Center served no list, so the row goes ahead as "
                            + "written)."))
            }
            return subdivision
        }
        if let subdivision {
            check.normalize(.state, to: subdivision.code)
            return subdivision
        }
        guard country.stateRequired, !country.subdivisions.isEmpty else { return nil }
        check.error(
            AddressIssue(.stateUnknown, field: .state, known + Self.list(country.subdivisions.map(\.code)) + "."))
        return nil
    }

    private static func list(_ codes: [String]) -> String {
        codes.count <= 16
            ? codes.joined(separator: ", ")
            : codes.prefix(12).joined(separator: ", ") + " … (\(codes.count) in all)"
    }

    private func checkPostalCode(_ check: inout Check, country: CountryRules, subdivision: Subdivision?) {
        guard let postal = check.result.address[.postalCode], !postal.isEmpty else { return }
        let stored = check.asStored.contains(.postalCode)
        let offlineForm = stored ? nil : country.postalCodes?.normalize(postal)
        let final: String
        if let pattern = check.served?.postalPattern {
            let candidates = stored ? [postal] : [offlineForm, postal.uppercased(), postal].compactMap { $0 }
            guard let accepted = candidates.first(where: pattern.matches) else {
                let examples = country.postalExamples.prefix(2)
                let expected =
                    examples.isEmpty
                    ? "check it against the country's postal format"
                    : "it expects a form like \(examples.joined(separator: " or "))"
                check.error(
                    AddressIssue(
                        .postalCodeFormat, field: .postalCode,
                        "'\(postal)' is not a postal code Partner Center accepts for \(country.name) "
                            + "(\(country.code)); \(expected).", authority: .partnerCenter, pattern: pattern.source))
                return
            }
            final = accepted
        } else if let postalCodes = country.postalCodes {
            if let form = offlineForm ?? (postalCodes.pattern.matches(postal) ? postal : nil) {
                final = form
            } else {
                let examples = country.postalExamples.prefix(3).joined(separator: ", ")
                let message = "'\(postal)' is not a postal code of \(country.name); expected a form like \(examples)"
                if check.served == nil {
                    check.error(AddressIssue(.postalCodeFormat, field: .postalCode, message + "."))
                } else {
                    check.warning(
                        AddressIssue(
                            .postalCodeUnverified, field: .postalCode,
                            message + " (the tool's offline data; Partner Center serves no pattern for "
                                + "\(country.code), so the row goes ahead)."))
                }
                return
            }
        } else {
            return
        }
        check.normalize(.postalCode, to: final)
        if let subdivision { checkAgreement(&check, country: country, subdivision: subdivision, postal: final) }
    }

    /// Postal code against state: an error only where a postal database places the code in
    /// another state; a warning where only the address data's prefix rule disagrees.
    private func checkAgreement(_ check: inout Check, country: CountryRules, subdivision: Subdivision, postal: String) {
        switch directory.evidence(country: country.code, subdivision: subdivision.code, postalCode: postal) {
        case .agrees:
            return
        case .knownElsewhere(let places):
            check.error(
                AddressIssue(
                    .postalStateMismatch, field: .postalCode,
                    "postal code \(postal) is in \(places.joined(separator: " or ")), not in \(subdivision.code) "
                        + "(\(subdivision.name)). Check the state or the postal code."))
        case .unknown:
            guard let prefix = subdivision.postalPrefix, !prefix.matchesPrefix(postal) else { return }
            check.warning(
                AddressIssue(
                    .postalStateUnverified, field: .postalCode,
                    "postal code \(postal) is not one the tool's data places in \(subdivision.code) "
                        + "(\(subdivision.name)), where codes start with \(prefix.source); check it. The row goes "
                        + "ahead."))
        }
    }

    private func checkPhone(_ check: inout Check) {
        guard let pattern = check.served?.phonePattern, let phone = check.result.address[.phoneNumber],
            !phone.isEmpty, !pattern.matches(phone)
        else { return }
        check.error(
            AddressIssue(
                .phoneNumberFormat, field: .phoneNumber,
                "'\(phone)' is not a phone number Partner Center accepts for \(check.served?.country ?? ""); write "
                    + "the number as dialled within the country, digits with spaces or dashes (the JSON report has "
                    + "Partner Center's pattern).", authority: .partnerCenter, pattern: pattern.source))
    }
}
