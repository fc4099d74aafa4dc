import Testing

@testable import AddressRules

@Suite("Postal code against state")
struct PostalStateDirectoryTests {
    let validator = AddressValidator()

    private func check(_ state: String, _ postal: String, country: String = "US") -> AddressValidator.Result {
        validator.check([.country: country, .state: state, .postalCode: postal], mode: .partial)
    }

    @Test("no ZIP code of the postal database is refused with any of its own states")
    func everyRealZIPAccepted() {
        let known = PostalStateDirectory.shipped.knownZIPs
        var pairs = 0
        var refused: [String] = []
        for (zip, states) in known {
            for state in states {
                pairs += 1
                if check(state, zip).issues.contains(where: { $0.code == .postalStateMismatch }) {
                    refused.append("\(zip) \(state)")
                }
            }
        }
        #expect(known.count > 40_000)
        #expect(pairs >= known.count)
        #expect(refused.isEmpty, "refused: \(refused.prefix(20))")
    }

    @Test(
        "the pairs an independent check found refused are accepted",
        arguments: [
            ("88888", "DC"), ("20598", "VA"), ("72643", "MO"), ("72643", "AR"), ("06390", "NY"), ("73960", "TX"),
        ])
    func reportedPairs(zip: String, state: String) {
        #expect(check(state, zip).issues.isEmpty)
    }

    @Test("a ZIP the database places in another state is refused")
    func realMismatch() {
        let result = check("WA", "10001")
        #expect(result.issues.map(\.code) == [.postalStateMismatch])
        #expect(result.issues.first?.message.contains("NY") == true)
        #expect(check("WA", "10001-1234").issues.map(\.code) == [.postalStateMismatch])
    }

    @Test("a ZIP the database does not know, outside the state's prefixes, is a warning, not an error")
    func unknownZIP() {
        #expect(PostalStateDirectory.shipped.zipStates("09901") == nil)
        let military = check("NJ", "09901")
        #expect(military.issues.isEmpty)
        #expect(military.warnings.map(\.code) == [.postalStateUnverified])
        #expect(check("WA", "98052").warnings.isEmpty)
    }

    @Test("Canada: the first letter decides the province; a finer prefix only warns")
    func canada() {
        #expect(check("ON", "K1A 0B1", country: "CA").issues.isEmpty)
        #expect(check("QC", "K1A 0B1", country: "CA").issues.isEmpty)
        #expect(check("BC", "K1A 0B1", country: "CA").issues.map(\.code) == [.postalStateMismatch])
        #expect(check("NU", "X1A 2P7", country: "CA").issues.isEmpty)
    }

    @Test("elsewhere a prefix rule alone never refuses")
    func prefixOnlyCountries() {
        let result = check("NSW", "3000", country: "AU")
        #expect(result.issues.isEmpty)
        #expect(result.warnings.map(\.code) == [.postalStateUnverified])
    }
}

@Suite("Visible text")
struct VisibleTextTests {
    @Test("the byte scan finds exactly the scalars isHidden names")
    func scanAgreesWithScalars() {
        let samples =
            (0..<0x300).compactMap(Unicode.Scalar.init) + [
                "\u{061C}", "\u{200E}", "\u{200F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}", "\u{2028}",
                "\u{20AC}",
                "\u{1F600}",
            ]
        for scalar in samples {
            let text = "a" + String(Character(scalar)) + "b"
            #expect(VisibleText.hasHidden(text) == VisibleText.isHidden(scalar), "U+\(String(scalar.value, radix: 16))")
        }
        #expect(!VisibleText.hasForbiddenInAddress("Attn: Billing\r\nFloor 2"))
        #expect(VisibleText.hasHidden("Attn: Billing\r\nFloor 2"))
        #expect(VisibleText.escaped("a\u{1B}[31mb\u{202E}c\nd") == "a\\x1b[31mb\\u{202E}c\\nd")
    }
}
