import AddressRules
import Foundation
import JSONDocument
import Logging
import Synchronization

/// The calls the tool makes to Partner Center: read and write a customer's billing profile, the
/// country rules, address validation. Each is one logical call with one `MS-RequestId`, kept across
/// its retries; every attempt goes through the run's shared ``AdaptiveRateLimiter`` and retry
/// budget, and carries a fresh token.
public final class PartnerCenterClient: Sendable {
    let configuration: PartnerCenterConfiguration
    let transport: any HTTPTransport
    /// Where tokens come from (`doctor` describes it).
    public let tokens: any TokenProvider
    let limiter: AdaptiveRateLimiter
    let budget: RetryBudget
    let clock: any RunClock
    let logger: Logger
    let jitter: @Sendable () -> Double
    /// Set when the run stops: a call that would retry ends instead (``stopRetrying()``).
    private let retriesStopped = Mutex(false)

    /// - Parameters:
    ///   - limiter: shared by every request of the run.
    ///   - budget: shared by every request of the run.
    ///   - jitter: draws the backoff fraction in `0...1`; tests make it fixed.
    public init(
        configuration: PartnerCenterConfiguration, transport: any HTTPTransport, tokens: any TokenProvider,
        limiter: AdaptiveRateLimiter, budget: RetryBudget = RetryBudget(), clock: any RunClock = SystemClock(),
        logger: Logger, jitter: @escaping @Sendable () -> Double = { Double.random(in: 0...1) }
    ) {
        self.configuration = configuration
        self.transport = transport
        self.tokens = tokens
        self.limiter = limiter
        self.budget = budget
        self.clock = clock
        self.logger = logger
        self.jitter = jitter
    }

    /// From now on, a call that would be retried ends with ``PartnerCenterError/Kind/cancelled``
    /// instead ("not sent: the run is stopping"): a stopped run starts no retry (a write in doubt
    /// stays in the journal, read back by the next run).
    public func stopRetrying() {
        retriesStopped.withLock { $0 = true }
    }

    var mayRetry: Bool { !retriesStopped.withLock { $0 } }

    /// `GET /v1/customers/{id}/profiles/billing`.
    public func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError)
        -> BillingProfile
    {
        let response = try await execute(
            method: "GET", path: "/v1/customers/\(customerId)/profiles/billing", correlationId: correlationId)
        return try decodeProfile(response, correlationId: correlationId)
    }

    /// `PUT /v1/customers/{id}/profiles/billing` with the whole profile, its ETag where
    /// `etagPlacement` says (`If-Match`, the body's `attributes.etag`, or both).
    /// - Returns: the profile as stored, with its new ETag; `nil` when the 2xx answer has no body,
    ///   or one the tool cannot read (the caller reads the profile back to see what was stored).
    /// - Throws: ``PartnerCenterError``; ``PartnerCenterError/isConflict`` when the ETag is stale,
    ///   `.transport(ambiguous: true)` when the write may have landed without an answer.
    public func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        let placement = configuration.etagPlacement
        guard let etag = profile.etag, !etag.isEmpty else {
            // The one check at this boundary: a PUT without a precondition would overwrite whatever
            // another writer did, so it is never sent.
            throw PartnerCenterError(
                kind: .invalidResponse,
                detail: "the profile has no ETag (attributes.etag); a write without one "
                    + "would overwrite any concurrent change, so none was sent",
                correlationId: correlationId)
        }
        let response: HTTPResponse
        do {
            response = try await execute(
                method: "PUT", path: "/v1/customers/\(customerId)/profiles/billing",
                body: profile.placingETag(placement).body,
                ifMatch: configuration.etagPlacement.inHeader ? profile.etag : nil, correlationId: correlationId,
                retryAmbiguous: false)
        } catch  where error.kind == .invalidResponse {
            return nil
        }
        var stored = try? BillingProfile(json: response.body)
        stored?.httpStatus = response.status
        return stored
    }

    /// `GET /v1/countryvalidationrules/{iso2}`. Outside the limiter's opening window: a run asks
    /// once per country, and its first rows wait for the answers (up to one call per country seen
    /// in them, beside the rows' own calls).
    public func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    {
        let response = try await execute(
            method: "GET", path: "/v1/countryvalidationrules/\(country)", correlationId: correlationId,
            inOpeningWindow: false)
        guard let rules = CountryValidationRules(json: response.body) else {
            throw invalid(response, correlationId: correlationId)
        }
        return rules
    }

    /// `POST /v1/validations/address`.
    public func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
    {
        var body = JSONObject()
        for field in [AddressField.addressLine1, .addressLine2, .city, .state, .postalCode, .country] {
            if let value = address[field] { body[field.rawValue] = .string(value) }
        }
        let response = try await execute(
            method: "POST", path: "/v1/validations/address", body: JSONValue.object(body).serialized,
            correlationId: correlationId)
        guard var result = AddressValidationResult(json: response.body) else {
            throw invalid(response, correlationId: correlationId)
        }
        result.validationMessage = result.validationMessage.map { Redactor(secrets: configuration.secrets)($0) }
        return result
    }

    private func decodeProfile(_ response: HTTPResponse, correlationId: String) throws(PartnerCenterError)
        -> BillingProfile
    {
        guard var profile = try? BillingProfile(json: response.body) else {
            throw invalid(response, correlationId: correlationId)
        }
        profile.httpStatus = response.status
        return profile
    }

    /// An answer whose body is not what the call expects (`expected`, when it says what that is).
    func invalid(_ response: HTTPResponse, correlationId: String, expected: String? = nil) -> PartnerCenterError {
        PartnerCenterError(
            kind: .invalidResponse, status: response.status,
            detail: "not the JSON object expected" + (expected.map { " (\($0))" } ?? ""),
            requestId: response.header("MS-RequestId"), correlationId: correlationId)
    }
}
