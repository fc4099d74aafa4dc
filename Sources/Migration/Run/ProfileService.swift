import AddressRules
import Logging
import PartnerCenter

/// What `plan`, `apply` and `export` need from Partner Center. ``PartnerCenterClient`` is the
/// live one; tests script answers behind it.
public protocol ProfileService: Sendable {
    /// `GET /v1/customers/{id}` (`export`).
    func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer
    /// A page of `GET /v1/customers` (`export --all`): the first when `continuation` is `nil`.
    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile
    /// - Returns: the profile as stored, or `nil` when the success answer had no readable body.
    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
}

extension PartnerCenterClient: ProfileService {}

/// Partner Center's country rules, fetched and compiled once per country per run (concurrent rows
/// for the same country share one request). A country whose rules cannot be had is checked
/// offline only; a served pattern neither engine compiles is logged once, then skipped.
actor CountryRulesCache {
    private let service: any ProfileService
    private let table: CountryTable
    private let logger: Logger?
    private var known: [String: ServedRules?] = [:]
    private var pending: [String: Task<ServedRules?, Never>] = [:]

    init(service: any ProfileService, table: CountryTable = .shipped, logger: Logger? = nil) {
        self.service = service
        self.table = table
        self.logger = logger
    }

    func rules(for country: String, correlationId: String) async -> ServedRules? {
        let key = country.uppercased()
        if let cached = known[key] { return cached }
        return await fetch(key, correlationId: correlationId).value
    }

    /// Starts fetching `country`'s rules, unless they are known or on their way, without waiting
    /// for them: a row that sets the country asks while its profile is read.
    func prefetch(_ country: String, correlationId: String) {
        let key = country.uppercased()
        guard known[key] == nil else { return }
        _ = fetch(key, correlationId: correlationId)
    }

    /// The request for `key`'s rules under way, started when there is none.
    private func fetch(_ key: String, correlationId: String) -> Task<ServedRules?, Never> {
        if let task = pending[key] { return task }
        let (service, table) = (self.service, self.table)
        let task = Task {
            let rules = (try? await service.countryValidationRules(key, correlationId: correlationId))?
                .compiled(table: table)
            await self.remember(rules, for: key)
            return rules
        }
        pending[key] = task
        return task
    }

    /// Keeps rules the run already has (the preflight's answer), so that no row asks for them again.
    func keep(_ answer: CountryValidationRules, for country: String) {
        let key = country.uppercased()
        guard known[key] == nil, pending[key] == nil else { return }
        remember(answer.compiled(table: table), for: key)
    }

    private func remember(_ rules: ServedRules?, for key: String) {
        for unusable in rules?.unusablePatterns ?? [] {
            let message = "Partner Center's \(unusable.member) for \(key) does not compile (\(unusable.reason)); "
            logger?.warning(
                "\(message)that check is skipped for \(key) in this run", metadata: ["pattern": "\(unusable.source)"])
        }
        known[key] = rules
        pending[key] = nil
    }
}
