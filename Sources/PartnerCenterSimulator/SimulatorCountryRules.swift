import Foundation
import JSONDocument

/// Partner Center's country rules as the simulator plays them: its own data
/// (`Rules/partner-center-country-rules.json`, written from Partner Center's documents and the
/// postal operators' formats, see `Rules/README.md`), served as they are and enforced on PUTs the
/// way Partner Center checks an address. Never the tool's offline table or validator: the two are
/// meant to disagree where Partner Center and the offline data do.
public struct SimulatorCountryRules: Sendable {
    /// The rules shipped with the simulator.
    public static let builtIn: SimulatorCountryRules = {
        do {
            return try SimulatorCountryRules(json: PackageResources.partner_center_country_rules_json)
        } catch {
            fatalError("the simulator's country rules do not load: \(error)")
        }
    }()

    /// One country's rules: the document as served, and its patterns compiled.
    struct Country: @unchecked Sendable {
        // @unchecked: NSRegularExpression is immutable once made and safe to share between threads.
        let document: JSONObject
        let states: [String]
        let stateRequired: Bool
        let postalRequired: Bool
        let cityRequired: Bool
        let phoneRequired: Bool
        let postalPattern: NSRegularExpression?
        let phonePattern: NSRegularExpression?
    }

    /// A rules file that cannot be used.
    public struct LoadError: Error, CustomStringConvertible {
        public let description: String
    }

    private let countries: [String: Country]

    /// Reads a JSON array of `countryvalidationrules` documents (one per country, `iso2Code` set).
    /// - Throws: ``LoadError`` naming the country and member at fault.
    public init(json: [UInt8]) throws {
        guard let array = (try? JSONValue(parsing: json))?.arrayValue else {
            throw LoadError(description: "expected a JSON array of country rules documents")
        }
        var countries: [String: Country] = [:]
        for (index, element) in array.enumerated() {
            guard let document = element.objectValue, let code = document[anyCase: "iso2Code"]?.stringValue else {
                throw LoadError(description: "entry \(index + 1) is not an object with an iso2Code")
            }
            func pattern(_ member: String) throws -> NSRegularExpression? {
                guard let source = document[anyCase: member]?.stringValue, !source.isEmpty else { return nil }
                do {
                    return try NSRegularExpression(pattern: source)
                } catch {
                    throw LoadError(description: "\(code): \(member) '\(source)' is not a regular expression")
                }
            }
            func flag(_ member: String) -> Bool { document[anyCase: member]?.boolValue ?? false }
            countries[code.uppercased()] = Country(
                document: document,
                states: (document[anyCase: "supportedStatesList"]?.arrayValue ?? []).compactMap(\.stringValue),
                stateRequired: flag("isStateRequired"), postalRequired: flag("isPostalCodeRequired"),
                cityRequired: flag("isCityRequired"), phoneRequired: flag("customerOrganizationPhoneNumberRequired"),
                postalPattern: try pattern("postalCodeRegex"), phonePattern: try pattern("phoneNumberRegex"))
        }
        self.countries = countries
    }

    /// The document served for `iso2`, or `nil` when there are no rules for it.
    public func document(for iso2: String) -> JSONObject? {
        countries[iso2.uppercased()]?.document
    }

    /// Why Partner Center would refuse `address` (a `defaultAddress` object), or `nil` when it takes
    /// it: the property at fault, Partner Center's reason word, and a detail. `withPhone: false` for
    /// the address-validation call, which checks the postal address only.
    public func refusal(of address: JSONObject, withPhone: Bool = true) -> (
        property: String, reason: String, detail: String
    )? {
        func value(_ member: String) -> String {
            (address[anyCase: member]?.stringValue ?? "").trimmingCharacters(in: .whitespaces)
        }
        let code = value("country")
        guard let rules = countries[code.uppercased()] else {
            return ("Country", "Invalid", "No validation rules were found for the country/region \(code)")
        }
        var required = [("AddressLine1", "addressLine1")]
        if rules.cityRequired { required.append(("City", "city")) }
        if rules.stateRequired { required.append(("State", "state")) }
        if rules.postalRequired { required.append(("PostalCode", "postalCode")) }
        if withPhone, rules.phoneRequired { required.append(("PhoneNumber", "phoneNumber")) }
        for (property, member) in required where value(member).isEmpty {
            return (property, "Required", "\(member) is required for \(code)")
        }
        let state = value("state")
        if rules.stateRequired, !rules.states.isEmpty, !rules.states.contains(state) {
            return ("State", "StateInvalid", "'\(state)' is not a supported state of \(code)")
        }
        if code.uppercased() == "US", !value("region").isEmpty {
            return ("Region", "StateInvalid", "region is not accepted on US addresses")
        }
        let postal = value("postalCode")
        if let pattern = rules.postalPattern, !postal.isEmpty, !Self.isMatch(pattern, postal) {
            return ("PostalCode", "PostalCodeInvalid", "'\(postal)' does not match \(pattern.pattern)")
        }
        let phone = value("phoneNumber")
        if let pattern = rules.phonePattern, !phone.isEmpty, !Self.isMatch(pattern, phone) {
            return ("PhoneNumber", "PhoneNumberInvalid", "'\(phone)' does not match \(pattern.pattern)")
        }
        return nil
    }

    /// .NET's `Regex.IsMatch`: a match anywhere.
    private static func isMatch(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..<text.endIndex, in: text)) != nil
    }
}
