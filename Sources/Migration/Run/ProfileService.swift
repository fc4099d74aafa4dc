import AddressRules
import PartnerCenter

/// What `plan` and `apply` need from Partner Center. ``PartnerCenterClient`` is the live one;
/// tests script answers behind it.
public protocol ProfileService: Sendable {
    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile
    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile
    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
}

extension PartnerCenterClient: ProfileService {}

/// Partner Center's country rules, fetched once per country per run (concurrent rows for the same
/// country share one request). A country whose rules cannot be had is checked offline only.
actor CountryRulesCache {
    private let service: any ProfileService
    private var known: [String: CountryValidationRules?] = [:]
    private var pending: [String: Task<CountryValidationRules?, Never>] = [:]

    init(service: any ProfileService) {
        self.service = service
    }

    func rules(for country: String, correlationId: String) async -> CountryValidationRules? {
        let key = country.uppercased()
        if let cached = known[key] { return cached }
        if let task = pending[key] { return await task.value }
        let service = self.service
        let task = Task { try? await service.countryValidationRules(key, correlationId: correlationId) }
        pending[key] = task
        let rules = await task.value
        known[key] = rules
        pending[key] = nil
        return rules
    }
}
