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
    private let logger: Logger?
    private var known: [String: ServedRules?] = [:]
    private var pending: [String: Task<Result<ServedRules?, PartnerCenterError>, Never>] = [:]

    init(service: any ProfileService, logger: Logger? = nil) {
        self.service = service
        self.logger = logger
    }

    func rules(for country: String, correlationId: String) async -> ServedRules? {
        let key = country.uppercased()
        if let cached = known[key] { return cached }
        return (try? await fetch(key, correlationId: correlationId).value.get()) ?? nil
    }

    /// Starts fetching `country`'s rules, unless they are known or on their way, without waiting
    /// for them: a row that sets the country asks while its profile is read.
    func prefetch(_ country: String, correlationId: String) {
        let key = country.uppercased()
        guard known[key] == nil else { return }
        _ = fetch(key, correlationId: correlationId)
    }

    /// The preflight call: `country`'s rules, asked as any row would ask them (a row that needs
    /// them meanwhile waits for this answer instead of asking again). Cancelling the calling
    /// task cancels the request.
    /// - Returns: why Partner Center did not answer with the rules; `nil` when it did, or when
    ///   they are already known.
    func preflight(_ country: String, correlationId: String) async -> PartnerCenterError? {
        let key = country.uppercased()
        if case .some(.some) = known[key] { return nil }
        let task = fetch(key, correlationId: correlationId)
        let answer = await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
        if case .failure(let error) = answer { return error }
        return nil
    }

    /// The request for `key`'s rules under way, started when there is none. A failure is kept as
    /// "no rules" (the country is then checked offline) and handed to whoever waits for it.
    private func fetch(_ key: String, correlationId: String) -> Task<Result<ServedRules?, PartnerCenterError>, Never> {
        if let task = pending[key] { return task }
        let service = self.service
        let task = Task {
            let answer: Result<ServedRules?, PartnerCenterError>
            do throws(PartnerCenterError) {
                answer = .success(
                    try await service.countryValidationRules(key, correlationId: correlationId).compiled())
            } catch {
                answer = .failure(error)
            }
            self.remember((try? answer.get()) ?? nil, for: key)
            return answer
        }
        pending[key] = task
        return task
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
