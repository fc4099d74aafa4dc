import AddressRules
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

    @Test("Partner Center's country rules are authoritative where they are stricter")
    func countryRules() {
        let rules = CountryValidationRules(
            country: "US", isStateRequired: true, supportedStates: ["NY"], isPostalCodeRequired: true,
            postalCodeRegex: "^\\d{5}$", isCityRequired: true)
        let plan = planner.plan([.postalCode: .set("98052-1234")], current: current, rules: rules)
        guard case .invalid(let issues) = plan.verdict else {
            Issue.record("expected invalid")
            return
        }
        #expect(issues.map(\.code.rawValue) == ["postal-code-format"])
        var stateless = current
        stateless[.state] = nil
        guard
            case .invalid(let stateIssues) = planner.plan([.state: .set("WA")], current: stateless, rules: rules)
                .verdict
        else {
            Issue.record("expected invalid")
            return
        }
        #expect(stateIssues.map(\.code.rawValue) == ["state-unknown"])
        #expect(planner.plan([.state: .set("WA")], current: stateless, rules: nil).verdict == .change)
    }
}
