import Testing

@testable import AddressRules

@Suite("AddressValidator")
struct AddressValidatorTests {
    let validator = AddressValidator()

    private func partial(_ address: AddressFields) -> AddressValidator.Result {
        validator.check(address, mode: .partial)
    }

    private func codes(_ result: AddressValidator.Result) -> [String] {
        result.issues.map { "\($0.field.rawValue):\($0.code.rawValue)" }
    }

    static let normalizationCases: [(AddressFields, AddressFields)] = [
        (
            [.country: "gb", .postalCode: "ec1y8sy"],
            [.country: "GB", .postalCode: "EC1Y 8SY"]
        ),
        (
            [.country: "us", .state: "wa", .postalCode: "98052"],
            [.country: "US", .state: "WA", .postalCode: "98052"]
        ),
        (
            [.country: "US", .state: "Washington", .postalCode: "980521234"],
            [.country: "US", .state: "WA", .postalCode: "98052-1234"]
        ),
        ([.country: "US", .postalCode: "98052 1234"], [.country: "US", .postalCode: "98052-1234"]),
        (
            [.country: "CA", .state: "on", .postalCode: "k1a0b1"],
            [.country: "CA", .state: "ON", .postalCode: "K1A 0B1"]
        ),
        ([.country: "GB", .postalCode: "EH1 1YZ"], [.country: "GB", .postalCode: "EH1 1YZ"]),
        ([.country: "GB", .postalCode: "eh11yz"], [.country: "GB", .postalCode: "EH1 1YZ"]),
        (
            [.country: "MX", .state: "Ags.", .postalCode: "20000"],
            [.country: "MX", .state: "AGU", .postalCode: "20000"]
        ),
    ]

    @Test("normalizes country, state and postal code", arguments: normalizationCases)
    func normalization(input: AddressFields, expected: AddressFields) {
        let result = partial(input)
        #expect(result.issues.isEmpty)
        #expect(result.address == expected)
    }

    @Test(
        "a country's name, in English or its own language, becomes its ISO code",
        arguments: [
            ("United States", "US"), ("Deutschland", "DE"), ("España", "ES"), ("Österreich", "AT"),
            ("Germany", "DE"), ("UK", "GB"), ("united-kingdom", "GB"), ("日本", "JP"), ("Côte d'Ivoire", "CI"),
        ])
    func countryName(name: String, code: String) {
        let result = partial([.country: name])
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(result.address[.country] == code)
    }

    @Test("a text that is neither a code nor a country's name is refused, with the codes to use")
    func unknownCountry() {
        let result = partial([.country: "Atlantis"])
        #expect(codes(result) == ["country:country-unknown"])
        #expect(result.issues[0].message.contains("two-letter ISO 3166-1 code"))
    }

    @Test("a stored country name is judged as stored: its rules apply, its text is kept")
    func storedCountryName() {
        let result = validator.check(
            [.country: "Deutschland", .city: "Berlin", .addressLine1: "Unter den Linden 1", .postalCode: "10117"],
            mode: .complete, asStored: [.country])
        #expect(result.issues.isEmpty, "\(result.issues)")
        #expect(result.address[.country] == "Deutschland")
    }

    @Test("a state with a postal code of another state is a mismatch")
    func postalStateMismatch() {
        let result = partial([.country: "US", .state: "WA", .postalCode: "10001"])
        #expect(codes(result) == ["postalCode:postal-state-mismatch"])
        #expect(partial([.country: "US", .state: "NY", .postalCode: "10001"]).isValid)
    }

    @Test("a state outside the country's list is unknown; PR is not a Partner Center US state")
    func unknownState() {
        #expect(codes(partial([.country: "US", .state: "PR"])) == ["state:state-unknown"])
        #expect(codes(partial([.country: "US", .state: "Atlantis"])) == ["state:state-unknown"])
        #expect(partial([.country: "US", .state: "DC"]).isValid)
    }

    @Test(
        "postal codes must fit the country's pattern",
        arguments: [
            ("US", "98052 12345", false), ("US", "9805", false), ("US", "98052-1234", true),
            ("CA", "123456", false), ("DE", "10115", true), ("DE", "1011", false), ("NL", "1012 ab", true),
        ])
    func postalFormat(country: String, postal: String, valid: Bool) {
        let result = partial([.country: country, .postalCode: postal])
        #expect(result.isValid == valid, "\(result.issues)")
        if !valid { #expect(codes(result) == ["postalCode:postal-code-format"]) }
    }

    @Test("fields over Partner Center's length limits are too long")
    func lengths() {
        #expect(codes(partial([.addressLine1: String(repeating: "a", count: 201)])) == ["addressLine1:field-too-long"])
        #expect(partial([.addressLine1: String(repeating: "a", count: 200)]).isValid)
        #expect(codes(partial([.firstName: String(repeating: "é", count: 51)])) == ["firstName:field-too-long"])
        #expect(partial([.lastName: String(repeating: "é", count: 50)]).isValid)
    }

    @Test("clearing a field the country requires is refused in a partial address")
    func clearingRequired() {
        #expect(codes(partial([.country: "US", .state: ""])) == ["state:required-field"])
        #expect(codes(partial([.country: "US", .addressLine1: ""])) == ["addressLine1:required-field"])
        #expect(codes(partial([.country: ""])) == ["country:required-field"])
        #expect(codes(partial([.addressLine1: ""])) == ["addressLine1:required-field"])
        #expect(partial([.country: "US", .addressLine2: ""]).isValid)
        #expect(partial([.country: "GB", .state: ""]).isValid)
    }

    @Test("a complete address needs every field its country requires")
    func completeAddress() {
        let complete: AddressFields = [
            .addressLine1: "1 Microsoft Way", .city: "Redmond", .state: "WA",
            .postalCode: "98052", .country: "US",
        ]
        #expect(validator.check(complete, mode: .complete).isValid)
        var missing = complete
        missing[.city] = nil
        #expect(codes(validator.check(missing, mode: .complete)) == ["city:required-field"])
        #expect(codes(validator.check(missing, mode: .partial)) == [])
        let russia: AddressFields = [
            .addressLine1: "Tverskaya 1", .city: "Moscow", .state: "Moskva",
            .postalCode: "125009", .country: "RU",
        ]
        #expect(codes(validator.check(russia, mode: .complete)) == ["phoneNumber:required-field"])
    }

    @Test("region is refused on US addresses only")
    func region() {
        #expect(codes(partial([.country: "US", .region: "West"])) == ["region:region-not-allowed"])
        #expect(partial([.country: "FR", .region: "Ouest"]).isValid)
    }

    @Test("without a country only the lengths can be checked offline")
    func noCountry() {
        #expect(partial([.state: "Atlantis", .postalCode: "x"]).isValid)
    }
}
