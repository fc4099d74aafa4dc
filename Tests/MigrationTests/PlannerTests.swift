import AddressRules
import Foundation
import PartnerCenter
import Testing

@testable import Migration

@Suite("Planner")
struct PlannerTests {
    let planner = Planner()
    let current: AddressFields = [
        .addressLine1: "1 Microsoft Way", .city: "Redmond", .state: "WA", .postalCode: "98052", .country: "US",
    ]

    @Test("the diff lists exactly the fields that change, set or cleared")
    func diff() {
        let plan = planner.plan(
            [.city: .set("Bellevue"), .addressLine2: .clear, .postalCode: .set("98004")], current: current, rules: nil)
        #expect(plan.verdict == .change)
        #expect(plan.fields == [.city, .postalCode])
        #expect(plan.diff.map(\.field) == ["city", "postalCode"])
        #expect(plan.changes[.city] == .set("Bellevue"))
    }

    @Test("a merged address equal to the current one is unchanged; case counts")
    func unchanged() {
        #expect(planner.plan([.city: .set("Redmond")], current: current, rules: nil).verdict == .unchanged)
        #expect(planner.plan([.city: .set("redmond")], current: current, rules: nil).verdict == .change)
    }

    @Test("a postal code alone is checked against the state already on file")
    func mergedValidation() {
        let plan = planner.plan([.postalCode: .set("10001")], current: current, rules: nil)
        guard case .invalid(let issues) = plan.verdict else {
            Issue.record("expected invalid")
            return
        }
        #expect(issues.map(\.code.rawValue) == ["postal-state-mismatch"])
    }

    @Test("a country change is refused unless allowed")
    func countryChange() {
        let changes: FieldMap<FieldChange> = [.country: .set("CA"), .state: .set("ON"), .postalCode: .set("K1A 0B1")]
        guard case .invalid(let issues) = planner.plan(changes, current: current, rules: nil).verdict else {
            Issue.record("expected invalid")
            return
        }
        #expect(issues.map(\.code.rawValue) == ["country-change"])
        #expect(Planner(allowCountryChange: true).plan(changes, current: current, rules: nil).verdict == .change)
    }

    static func servedUS(states: [String] = ["NY", "TX", "WA"], postal: String? = "^\\d{5}(-\\d{4})?$") -> ServedRules {
        CountryValidationRules(
            country: "US", isStateRequired: true, supportedStates: states, isPostalCodeRequired: true,
            postalCodeRegex: postal, isCityRequired: true
        ).compiled()
    }

    private func invalidCodes(_ plan: PlannedChange) -> [String] {
        guard case .invalid(let issues) = plan.verdict else { return [] }
        return issues.map { "\($0.field ?? ""):\($0.code.rawValue)" }
    }

    @Test("Partner Center's country rules are authoritative where they are stricter")
    func countryRules() {
        let rules = Self.servedUS(states: ["NY"], postal: "^\\d{5}$")
        let plan = planner.plan([.postalCode: .set("98052-1234")], current: current, rules: rules)
        #expect(invalidCodes(plan).contains("postalCode:postal-code-format"))
        var stateless = current
        stateless[.state] = nil
        #expect(
            invalidCodes(planner.plan([.state: .set("WA")], current: stateless, rules: rules)) == [
                "state:state-unknown"
            ])
        #expect(planner.plan([.state: .set("WA")], current: stateless, rules: nil).verdict == .change)
    }

    @Test("a row without a country cell is normalized with the profile's country (tx -> TX)")
    func normalizedOnMergedAddress() {
        let austin: AddressFields = [
            .addressLine1: "1 Congress Ave", .city: "Austin", .state: "TX", .postalCode: "73301", .country: "US",
        ]
        let plan = planner.plan(
            [.state: .set("tx"), .postalCode: .set("78701")], current: austin, rules: Self.servedUS())
        #expect(plan.verdict == .change)
        #expect(plan.after[.state] == "TX")
        #expect(plan.fields == [.postalCode])
    }

    @Test("the no-op comparison uses the normalized value")
    func unchangedAfterNormalizing() {
        #expect(planner.plan([.state: .set("wa")], current: current, rules: Self.servedUS()).verdict == .unchanged)
        #expect(planner.plan([.state: .set("Washington")], current: current, rules: nil).verdict == .unchanged)
    }

    @Test("a profile value Partner Center's rules refuse makes the row invalid, and the message says it is on file")
    func storedValueRefused() {
        var stored = current
        stored[.state] = "wa"
        let plan = planner.plan([.city: .set("Bellevue")], current: stored, rules: Self.servedUS())
        guard case .invalid(let issues) = plan.verdict else {
            Issue.record("expected invalid")
            return
        }
        #expect(issues.map(\.code.rawValue) == ["state-unknown"])
        #expect(issues.first?.message.contains("profile's current value") == true)
    }

    @Test("an offline-only prefix disagreement is a warning, a ZIP the database places elsewhere an error")
    func postalStateEvidence() {
        #expect(
            invalidCodes(planner.plan([.postalCode: .set("10001")], current: current, rules: Self.servedUS())) == [
                "postalCode:postal-state-mismatch"
            ])
        let newark: AddressFields = [
            .addressLine1: "1 Broad St", .city: "Newark", .state: "NJ", .postalCode: "07102", .country: "US",
        ]
        let unknownZIP = planner.plan(
            [.postalCode: .set("09901")], current: newark, rules: Self.servedUS(states: ["NJ"]))
        #expect(unknownZIP.verdict == .change)
        #expect(unknownZIP.warnings.map(\.code.rawValue) == ["postal-state-unverified"])
    }

    static func served(_ country: String, states: [String] = [], postal: String? = nil) -> ServedRules {
        CountryValidationRules(
            country: country, isStateRequired: false, supportedStates: states, isPostalCodeRequired: postal != nil,
            postalCodeRegex: postal, isCityRequired: true
        ).compiled()
    }

    /// Profiles as real tenants store them, each with the served rules of its country.
    static let messy: [(AddressFields, ServedRules)] = [
        (
            [.addressLine1: "Calle Mayor 1", .city: "Madrid", .state: "Madrid", .postalCode: "28013", .country: "ES"],
            served("ES", postal: "^\\d{5}$")
        ),
        (
            [.addressLine1: "Via Roma 1", .city: "Milano", .state: "Milano", .postalCode: "20121", .country: "IT"],
            served("IT", postal: "^\\d{5}$")
        ),
        (
            [.addressLine1: "丸の内1-1", .city: "千代田区", .state: "東京都", .postalCode: "100-0005", .country: "JP"],
            served("JP")
        ),
        (
            [.addressLine1: "10 Downing St", .city: "London", .postalCode: "sw1a 2aa", .country: "GB"],
            served("GB", postal: "^[A-Za-z0-9 ]{5,8}$")
        ),
        (
            [.addressLine1: "24 Sussex Dr", .city: "Ottawa", .state: "ON", .postalCode: "k1a0a2", .country: "CA"],
            served("CA", states: ["ON", "QC"])
        ),
        (
            [
                .addressLine1: "1 Microsoft Way ", .city: "Redmond", .state: "Washington", .postalCode: "98052 1234",
                .country: "us",
            ],
            servedUS()
        ),
    ]

    @Test("an unedited export plans no write: each cell equal to the stored value leaves it exactly as stored")
    func storedValuesAsCells() {
        for (stored, rules) in Self.messy {
            // The cells as an export writes them and a read gives them back (trimmed).
            var cells = FieldMap<FieldChange>()
            for (field, value) in stored {
                cells[field] = .set(value.trimmingCharacters(in: .whitespaces))
            }
            let plan = planner.plan(cells, current: stored, rules: rules)
            #expect(plan.verdict == .unchanged, "\(stored): \(plan.verdict) \(plan.diff)")
            #expect(plan.after == stored, "nothing normalized")
        }
    }

    @Test("a stored value with a trailing tab or line break equals its cell, which a read trims the same way")
    func storedValueTrimmedAsCells() {
        var stored = current
        stored[.addressLine2] = "Floor 2\t\n"
        let plan = planner.plan([.addressLine2: .set("Floor 2")], current: stored, rules: Self.servedUS())
        #expect(plan.verdict == .unchanged)
        #expect(plan.after[.addressLine2] == "Floor 2\t\n")
    }

    @Test("a stored value the served rules refuse, on a row that changes nothing, is a warning, not a write")
    func storedValueOnUnchangedRow() {
        let (stored, rules) = Self.messy[5]
        let plan = planner.plan([.state: .set("Washington")], current: stored, rules: rules)
        #expect(plan.verdict == .unchanged)
        #expect(plan.warnings.map(\.code.rawValue).contains("state-unknown"), "\(plan.warnings)")
        #expect(plan.warnings.first?.message.contains("writes nothing") == true)
    }

    @Test("a changed field is normalized, an unchanged one beside it is not")
    func onlyChangedValuesNormalized() {
        let (london, gb) = Self.messy[3]
        let moved = planner.plan([.postalCode: .set("sw1a 1aa")], current: london, rules: gb)
        #expect(moved.verdict == .change)
        #expect(moved.after[.postalCode] == "SW1A 1AA", "a changed postcode takes its usual form")
        let (ottawa, ca) = Self.messy[4]
        let renamed = planner.plan([.city: .set("Gatineau"), .postalCode: .set("k1a0a2")], current: ottawa, rules: ca)
        #expect(renamed.fields == [.city])
        #expect(renamed.after[.postalCode] == "k1a0a2", "the postcode on file stays as stored")
    }

    @Test(
        "where Partner Center serves no state list, a changed state is kept as written; unknown offline, it is unverified"
    )
    func stateWithoutServedList() {
        let (madrid, es) = Self.messy[0]
        var barcelona = madrid
        barcelona[.state] = "Barcelona"
        let plan = planner.plan([.state: .set("Madrid")], current: barcelona, rules: es)
        #expect(plan.verdict == .change)
        #expect(plan.after[.state] == "Madrid", "not the offline code M: Partner Center's form is not known")
        #expect(plan.warnings.isEmpty)
        let sydney: AddressFields = [
            .addressLine1: "1 George St", .city: "Sydney", .state: "NSW", .postalCode: "2000", .country: "AU",
        ]
        let unknown = planner.plan([.state: .set("XX")], current: sydney, rules: Self.served("AU"))
        #expect(unknown.verdict == .change)
        #expect(unknown.after[.state] == "XX")
        #expect(unknown.warnings.map(\.code.rawValue) == ["state-unverified"])
    }

    @Test("a cell that is the value on file as Excel damaged it is never written; the row's other changes are")
    func spreadsheetDamage() {
        let boston: AddressFields = [
            .addressLine1: "1 Boston Pl", .city: "Boston", .state: "MA", .postalCode: "02110", .country: "US",
        ]
        let plan = planner.plan(
            [.postalCode: .set("2110"), .city: .set("Cambridge"), .state: .set("MA")], current: boston,
            rules: Self.servedUS(states: ["MA"]))
        #expect(plan.verdict == .change)
        #expect(plan.fields == [.city])
        #expect(plan.after[.postalCode] == "02110")
        #expect(plan.warnings.map(\.code.rawValue) == ["spreadsheet-damage"])
        let (tokyo, jp) = Self.messy[2]
        let lost = planner.plan([.state: .set("???"), .city: .set("????")], current: tokyo, rules: jp)
        #expect(lost.verdict == .unchanged)
        #expect(lost.warnings.count == 2)
    }

    @Test(
        "a served pattern's refusal says the country's form in words, with examples; the pattern goes to the JSON report"
    )
    func plainWords() throws {
        let berlin: AddressFields = [
            .addressLine1: "Unter den Linden 1", .city: "Berlin", .postalCode: "10117", .country: "DE",
        ]
        let plan = planner.plan(
            [.postalCode: .set("1011")], current: berlin, rules: Self.served("DE", postal: "^\\d{5}$"))
        guard case .invalid(let issues) = plan.verdict, let issue = issues.first else {
            Issue.record("expected invalid")
            return
        }
        #expect(
            issue.message.hasPrefix(
                "'1011' is not a postal code Partner Center accepts for Germany (DE); it expects a form like "))
        #expect(!issue.message.contains("\\d"), "no regular expression in the message: \(issue.message)")
        #expect(issue.pattern == "^\\d{5}$")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let report = try JSONReportWriter(path: path, command: .plan, input: "in.csv")
        let row = RowResult(line: 2, customerId: "c", outcome: .invalid, errors: issues)
        try report.write(row)
        var summary = RunSummary(command: .plan)
        summary.add(row)
        try report.finish(summary)
        let json = try String(contentsOfFile: path, encoding: .utf8)
        #expect(json.contains(#""pattern":"^\\d{5}$""#), "\(json)")
    }
}
