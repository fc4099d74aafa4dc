import AddressRules
import PartnerCenter

/// The preflight call, made while the first rows are read instead of in front of them: what a
/// row learns or writes waits for its answer.
///
/// Reads go out at once; their answers are held until the preflight is answered
/// (``GatedProfileService``), each in its call's slot (``BoundedProfileService``), so at most
/// `--concurrency` profiles are read before it is. Its failure ends those calls as cancelled,
/// which stops the run before their slots are handed on: no row waiting for its turn starts. A
/// write's intent is journaled, and so the write sent, only after it passed
/// (``RowProcessor/journaledWrite(_:_:_:logger:)``). So when it fails (broken credentials, an
/// outage), no row was written or recorded: the rows in flight end as cancelled, and the run ends
/// as if it had not started.
struct PreflightGate: Sendable {
    private let answer: Task<String?, Never>

    /// Starts `preflight`, which returns what to tell the operator when it failed.
    init(_ preflight: @escaping @Sendable () async -> String?) {
        answer = Task { await preflight() }
    }

    /// Waits for the preflight; why it failed, or `nil` when Partner Center answered.
    var problem: String? {
        get async { await answer.value }
    }

    /// Waits for the preflight.
    /// - Throws: ``PreflightFailed`` when it failed.
    func passed() async throws(PreflightFailed) {
        if let problem = await problem { throw PreflightFailed(problem: problem) }
    }

    /// Stops the preflight call when the run ends without waiting for it.
    func cancel() {
        answer.cancel()
    }

    /// Waits for the preflight; the error a row's call ends with when it failed.
    func check() async throws(PartnerCenterError) {
        if let problem = await problem {
            throw PartnerCenterError(kind: .cancelled, detail: "the preflight call failed: \(problem)")
        }
    }
}

/// The preflight call failed once rows had started (some may have been read): nothing was
/// written or recorded.
struct PreflightFailed: Error {
    let problem: String
}

/// A ``ProfileService`` whose answers wait for the preflight (``PreflightGate``): a call is sent
/// at once and answered after it. A write is already held back before its intent is journaled
/// (``RowProcessor/journaledWrite(_:_:_:logger:)``), so it passes straight through.
struct GatedProfileService: ProfileService {
    let base: any ProfileService
    let gate: PreflightGate

    func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer {
        try await afterGate { () async throws(PartnerCenterError) in
            try await base.customer(id: id, correlationId: correlationId)
        }
    }

    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        try await afterGate { () async throws(PartnerCenterError) in
            try await base.customerPage(after: continuation, size: size, correlationId: correlationId)
        }
    }

    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        try await afterGate { () async throws(PartnerCenterError) in
            try await base.billingProfile(customerId: customerId, correlationId: correlationId)
        }
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        try await base.updateBillingProfile(customerId: customerId, profile: profile, correlationId: correlationId)
    }

    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    {
        try await afterGate { () async throws(PartnerCenterError) in
            try await base.countryValidationRules(country, correlationId: correlationId)
        }
    }

    func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
    {
        try await afterGate { () async throws(PartnerCenterError) in
            try await base.validateAddress(address, correlationId: correlationId)
        }
    }

    /// Makes `call` at once; its answer (or failure) once the preflight passed.
    private func afterGate<T>(_ call: () async throws(PartnerCenterError) -> T) async throws(PartnerCenterError) -> T {
        let answer: Result<T, PartnerCenterError>
        do throws(PartnerCenterError) {
            answer = .success(try await call())
        } catch {
            answer = .failure(error)
        }
        try await gate.check()
        return try answer.get()
    }
}
