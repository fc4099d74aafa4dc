import Foundation

/// Every ISO 3166-1 country's offline address rules, from the generated table
/// (`Generated/CountryTable+Data.swift`, written by `scripts/generate-address-rules.sh`).
public struct CountryTable: Sendable {
    /// The table shipped with the tool, decoded once on first use.
    public static let shipped: CountryTable = {
        do {
            return try CountryTable(json: Data(generatedJSON.utf8))
        } catch {
            fatalError("the generated address table does not load: \(error); rerun scripts/generate-address-rules.sh")
        }
    }()

    /// Countries by upper-case alpha-2 code.
    public let countries: [String: CountryRules]

    /// Decodes a table in the generator's JSON form.
    public init(json: Data) throws {
        let document = try JSONDecoder().decode(Document.self, from: json)
        var countries: [String: CountryRules] = [:]
        for entry in document.countries { countries[entry.code] = try CountryRules(entry) }
        self.countries = countries
    }

    /// The rules for an alpha-2 code, in any case.
    public func rules(for code: String) -> CountryRules? {
        countries[code] ?? countries[code.uppercased()]
    }

    struct Document: Decodable {
        let countries: [Entry]
    }

    /// One country as the generator writes it.
    struct Entry: Decodable {
        let code: String
        let name: String
        let postalPattern: String?
        let postalExamples: [String]
        let postalRequired: Bool
        let stateRequired: Bool
        let cityRequired: Bool
        let phoneRequired: Bool
        let regionAllowed: Bool
        let subdivisions: [SubdivisionEntry]
        let overrides: [CountryRules.Override]

        struct SubdivisionEntry: Decodable {
            let code: String
            let name: String
            let aliases: [String]
            let postalPrefix: String?
        }
    }
}
