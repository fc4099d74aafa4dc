import Testing

@testable import AddressRules

@Suite("CountryTable")
struct CountryTableTests {
    let table = CountryTable.shipped

    @Test("every ISO 3166-1 country is in the table and its patterns compile")
    func coverage() {
        #expect(table.countries.count == 249)
        #expect(table.rules(for: "US")?.name == "United States")
        #expect(table.rules(for: "de")?.code == "DE")
    }

    @Test("Partner Center's US state list replaces Google's 62 keys")
    func unitedStates() throws {
        let us = try #require(table.rules(for: "US"))
        #expect(us.subdivisions.count == 51)
        #expect(us.subdivision(named: "DC")?.code == "DC")
        #expect(us.subdivision(named: "PR") == nil)
        #expect(us.subdivision(named: "GU") == nil)
        #expect(us.postalPattern?.matches("98052 1234") == false)
        #expect(!us.regionAllowed)
    }

    @Test("Canada has its 13 provinces and territories")
    func canada() throws {
        #expect(try #require(table.rules(for: "CA")).subdivisions.count == 13)
    }

    @Test("every departure from Google's data names its Partner Center reason")
    func overridesHaveReasons() {
        let overridden = table.countries.values.filter { !$0.overrides.isEmpty }
        #expect(overridden.count >= 24)
        for country in overridden {
            for override in country.overrides {
                #expect(override.reason.contains("Partner Center"), "\(country.code) \(override.field)")
            }
        }
        #expect(table.rules(for: "RU")?.phoneRequired == true)
        #expect(table.rules(for: "RU")?.overrides.map(\.field) == ["phoneRequired"])
        #expect(table.rules(for: "FR")?.overrides.isEmpty == true)
        #expect(table.rules(for: "FR")?.phoneRequired == false)
    }

    @Test(
        "subdivisions are found by code, ISO code, name, local abbreviation or translation",
        arguments: [
            ("US", "wa", "WA"), ("US", "Washington", "WA"), ("US", "US-WA", "WA"), ("US", "new  york", "NY"),
            ("MX", "Ags.", "AGU"), ("MX", "ags", "AGU"), ("MX", "Aguascalientes", "AGU"), ("MX", "MX-AGU", "AGU"),
            ("CA", "Québec", "QC"), ("CA", "quebec", "QC"), ("CA", "qc", "QC"),
        ])
    func subdivisionLookup(country: String, text: String, code: String) throws {
        #expect(try #require(table.rules(for: country)).subdivision(named: text)?.code == code)
    }
}
