import JSONDocument

/// Partner Center's address validation (`POST /v1/validations/address`) as the simulator answers
/// it: `{"originalAddress": …, "suggestedAddresses": […], "status": …, "validationMessage": …}`,
/// the message left out when there is none.
enum AddressValidation {
    /// The answer for `address`: with the status `forced` when given, else the simulator's own
    /// judgement under `rules`.
    static func answer(
        to address: JSONObject, rules: SimulatorCountryRules,
        forcing forced: SimulatorConfiguration.AddressValidationStatus?
    ) -> JSONObject {
        let (status, suggestions, message) = forced.map { forcedVerdict($0, address) } ?? verdict(address, rules)
        var answer = JSONObject()
        answer["originalAddress"] = .object(address)
        answer["suggestedAddresses"] = .array(suggestions.map(JSONValue.object))
        answer["status"] = .string(status)
        if let message { answer["validationMessage"] = .string(message) }
        return answer
    }

    private typealias Verdict = (status: String, suggestions: [JSONObject], message: String?)

    /// The simulator's own judgement: `Verified` with the address as its suggestion when the rules
    /// take it, `None` when they refuse it, and `StreetPartial` without suggestions for a street
    /// line without a house number (as Partner Center says of an incomplete street).
    private static func verdict(_ address: JSONObject, _ rules: SimulatorCountryRules) -> Verdict {
        if let refusal = rules.refusal(of: address, withPhone: false) {
            return ("None", [], message(refusal.property))
        }
        let street = address[anyCase: "addressLine1"]?.stringValue ?? ""
        if !street.contains(where: \.isNumber) { return ("StreetPartial", [], message("AddressLine1")) }
        return ("Verified", [address], nil)
    }

    /// A forced status with the documented number of suggestions: the address itself when there is
    /// one, three suites of it for the partial statuses. Only the verified statuses have no message.
    private static func forcedVerdict(_ status: SimulatorConfiguration.AddressValidationStatus, _ address: JSONObject)
        -> Verdict
    {
        let suggestions =
            status.suggestionCount == 1
            ? [address]
            : (0..<status.suggestionCount).map { index in
                var suggestion = address
                suggestion[anyCase: "addressLine2"] = .string("Suite \(index + 1)00")
                return suggestion
            }
        let validationMessage: String? =
            switch status {
            case .verifiedShippable, .verified: nil
            case .interactionRequired: message("PostalCode")
            case .streetPartial: message("AddressLine1")
            case .premisesPartial: message("AddressLine2")
            case .multiple, .wrongAddress: message("AddressLine1", "City", "PostalCode")
            case .notValidated: "Address could not be validated"
            }
        return (status.rawValue, suggestions, validationMessage)
    }

    /// Partner Center's message naming the properties at fault:
    /// `Address field invalid for property: 'Region', 'PostalCode'`.
    private static func message(_ properties: String...) -> String {
        "Address field invalid for property: " + properties.map { "'\($0)'" }.joined(separator: ", ")
    }
}
