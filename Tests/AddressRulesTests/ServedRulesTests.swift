import Testing

@testable import AddressRules

/// The layering: Partner Center's served rules decide; the offline table fills in what they leave out.
@Suite("Served rules over the offline table")
struct ServedRulesTests {
    let validator = AddressValidator()

    private func served(
        _ country: String, stateRequired: Bool? = nil, postalRequired: Bool? = nil, cityRequired: Bool? = nil,
        states: [String] = [], postal: String? = nil, phone: String? = nil
    ) -> ServedRules {
        ServedRules(
            country: country, stateRequired: stateRequired, postalRequired: postalRequired, cityRequired: cityRequired,
            phoneRequired: nil, states: states, postalRegex: postal, phoneRegex: phone)
    }

    private func complete(_ address: AddressFields, _ rules: ServedRules?) -> AddressValidator.Result {
        validator.check(address, mode: .complete, served: rules)
    }

    private func codes(_ issues: [AddressIssue]) -> [String] {
        issues.map { "\($0.field.rawValue):\($0.code.rawValue)" }
    }

    let edinburgh: AddressFields = [
        .addressLine1: "1 High St", .city: "Edinburgh", .postalCode: "EH1 1YZ", .country: "GB",
    ]

    @Test("an empty, null, blank or absent pattern is no constraint", arguments: ["", "   ", nil] as [String?])
    func emptyPattern(pattern: String?) {
        guard case .none = RulePattern.compile(pattern) else {
            Issue.record("'\(pattern ?? "nil")' compiled to a constraint")
            return
        }
        let result = complete(edinburgh, served("GB", postal: pattern))
        #expect(result.issues.isEmpty)
        #expect(result.warnings.isEmpty)
    }

    @Test("with an empty served pattern the offline pattern only warns")
    func offlinePatternWarnsUnderServedRules() {
        var address = edinburgh
        address[.postalCode] = "EH1-1YZ-X"
        let servedResult = complete(address, served("GB", postal: ""))
        #expect(servedResult.issues.isEmpty)
        #expect(codes(servedResult.warnings) == ["postalCode:postal-code-unverified"])
        #expect(codes(complete(address, nil).issues) == ["postalCode:postal-code-format"])
    }

    @Test("Partner Center's required flags decide; a flag it leaves out falls back to the offline one")
    func requiredFlags() {
        let noState: AddressFields = [
            .addressLine1: "1-1 Chiyoda", .city: "Chiyoda-ku", .postalCode: "100-0001", .country: "JP",
        ]
        #expect(codes(complete(noState, nil).issues) == ["state:required-field"])
        #expect(complete(noState, served("JP", stateRequired: false)).issues.isEmpty)
        #expect(codes(complete(noState, served("JP")).issues) == ["state:required-field"])
        var noCity = edinburgh
        noCity[.city] = nil
        #expect(codes(complete(noCity, nil).issues) == ["city:required-field"])
        #expect(complete(noCity, served("GB", cityRequired: false)).issues.isEmpty)
        let refusal = complete(noCity, served("GB", cityRequired: true)).issues
        #expect(refusal.map(\.authority) == [.partnerCenter])
    }

    @Test("a state is written the way Partner Center lists it: codes or names")
    func listedForm() {
        let japan = served("JP", stateRequired: true, states: ["Hokkaido", "Osaka", "Tokyo"])
        for given in ["13", "tokyo", "Tokyo", "JP-13", "東京都"] {
            let result = complete(
                [.addressLine1: "1-1", .city: "Chiyoda-ku", .state: given, .postalCode: "100-0001", .country: "JP"],
                japan)
            #expect(result.issues.isEmpty, "\(given)")
            #expect(result.address[.state] == "Tokyo", "\(given)")
        }
        let us = served("US", stateRequired: true, states: ["TX", "WA"])
        let texas = complete(
            [.addressLine1: "1 Congress Ave", .city: "Austin", .state: "tx", .postalCode: "78701", .country: "US"], us)
        #expect(texas.issues.isEmpty)
        #expect(texas.address[.state] == "TX")
    }

    @Test("a state Partner Center does not list is refused where it requires one, a warning where it does not")
    func unlistedState() {
        let address: AddressFields = [
            .addressLine1: "1 Main St", .city: "Austin", .state: "TX", .postalCode: "78701", .country: "US",
        ]
        let refused = complete(address, served("US", stateRequired: true, states: ["WA"])).issues
        #expect(codes(refused) == ["state:state-unknown"])
        #expect(refused.first?.authority == .partnerCenter)
        let warned = complete(address, served("US", stateRequired: false, states: ["WA"]))
        #expect(warned.issues.isEmpty)
        #expect(codes(warned.warnings) == ["state:state-unverified"])
    }

    @Test("Partner Center's postal pattern decides over the offline one, in both directions")
    func servedPostalPattern() {
        let address: AddressFields = [
            .addressLine1: "1 Microsoft Way", .city: "Redmond", .state: "WA", .postalCode: "98052-1234",
            .country: "US",
        ]
        #expect(complete(address, nil).issues.isEmpty)
        #expect(codes(complete(address, served("US", postal: "^\\d{5}$")).issues) == ["postalCode:postal-code-format"])
        var odd = edinburgh
        odd[.postalCode] = "EDINBURGH 1"
        #expect(complete(odd, served("GB", postal: "^[A-Z0-9 ]+$")).issues.isEmpty)
    }

    @Test("an unanchored pattern is searched for, as .NET's Regex.IsMatch does")
    func unanchoredPattern() throws {
        guard case .pattern(let pattern) = RulePattern.compile("\\d{5}") else {
            Issue.record("did not compile")
            return
        }
        #expect(pattern.matches("x12345y"))
        #expect(!pattern.matches("1234"))
    }

    @Test("a pattern no engine compiles is reported as unusable and skipped, never 'reject everything'")
    func unusablePattern() {
        let rules = served("GB", postal: "([unclosed")
        #expect(rules.postalPattern == nil)
        #expect(rules.unusablePatterns.map(\.member) == ["postalCodeRegex"])
        #expect(complete(edinburgh, rules).issues.isEmpty)
    }

    @Test("a pattern outside the postal machine's subset runs on NSRegularExpression")
    func foundationFallback() {
        guard case .pattern(let pattern) = RulePattern.compile("^(?i)[a-z]{2}\\d$") else {
            Issue.record("did not compile")
            return
        }
        #expect(pattern.matches("Ab1"))
        #expect(!pattern.matches("Ab12"))
    }

    @Test("Partner Center's phone pattern decides the phone number")
    func phonePattern() {
        var address = edinburgh
        address[.phoneNumber] = "+44 131 496 0000"
        #expect(complete(address, nil).issues.isEmpty)
        let refused = complete(address, served("GB", phone: "^\\d{3} ?\\d{3} ?\\d{4}$")).issues
        #expect(codes(refused) == ["phoneNumber:phone-number-format"])
    }

    @Test("fields judged as stored are compared exactly, not normalized first")
    func asStored() {
        let address: AddressFields = [
            .addressLine1: "1 Main St", .city: "Austin", .state: "tx", .postalCode: "78701", .country: "US",
        ]
        let rules = served("US", stateRequired: true, states: ["TX"])
        #expect(validator.check(address, mode: .complete, served: rules).issues.isEmpty)
        let stored = validator.check(address, mode: .complete, served: rules, asStored: [.state])
        #expect(codes(stored.issues) == ["state:state-unknown"])
        #expect(stored.address[.state] == "tx")
    }
}
