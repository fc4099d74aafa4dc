import AddressRules
import Foundation
import JSONDocument
import PartnerCenter
import Synchronization

@testable import Migration

/// A Partner Center for whole runs: one billing profile per customer, calls counted per customer,
/// the most calls in flight at once recorded, and chosen calls failed, held or ordered.
///
/// Tests wait for evidence with ``wait(timeout:until:)``: it returns as soon as what the fake saw
/// satisfies the condition (every change of state is checked), never after a guessed delay.
final class FakePartnerCenter: ServesNoRules {
    /// What the fake has seen, at one instant.
    struct Calls: Sendable {
        /// Profile reads per customer (started).
        var gets: [String: Int] = [:]
        /// Profile writes per customer (started).
        var puts: [String: Int] = [:]
        /// Customers whose read has answered (or failed), in the order they did.
        var answeredGets: [String] = []
        /// For each customer whose read has answered, how many reads had started by then.
        var readsStartedWhenAnswered: [String: Int] = [:]
        /// Profile reads and writes under way now, and the most there ever were at once.
        var inFlight = 0
        var maxInFlight = 0
        /// Customers whose reads wait until ``release(_:)``.
        var held: Set<String> = []
        /// Country rules asked for (the preflight's among them).
        var rulesAsked = 0
        /// Whether rules requests wait until ``releaseRules()``.
        var rulesHeld = false
        /// Countries whose rules requests wait until ``releaseRules()``.
        var rulesHeldFor: Set<String> = []

        var totalGets: Int { gets.values.reduce(0, +) }
        var totalPuts: Int { puts.values.reduce(0, +) }
    }

    /// How a write goes.
    enum PutAnswer: Sendable {
        case accept
        /// Stored, but the answer is lost (a dropped connection): ambiguous.
        case landsWithoutAnswer
        /// Lost before it reached Partner Center, though the client cannot know: ambiguous too.
        case lostWithoutAnswer
        case fail(PartnerCenterError)
    }

    private struct Waiter {
        let predicate: @Sendable (Calls) -> Bool
        let continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var profiles: [String: JSONObject] = [:]
        var versions: [String: Int] = [:]
        var calls = Calls()
        /// Per customer, how its next reads answer: `nil` reads normally.
        var getScript: [String: [PartnerCenterError?]] = [:]
        var putScript: [String: [PutAnswer]] = [:]
        var readDelay: [String: Duration] = [:]
        /// A read of the key answers only once the value's read has answered.
        var answersAfter: [String: String] = [:]
        /// The first `count` reads wait until `count` calls are in flight.
        var barrier = 0
        /// How a rules request answers: 404 (no rules served) unless ``holdRules(answering:)`` says.
        var rulesAnswer = PartnerCenterError(kind: .http, status: 404)
        var waiters: [UInt64: Waiter] = [:]
        var abandoned: Set<UInt64> = []
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())

    /// The address every customer starts with: valid in the US.
    static let redmond = JSONObject([
        .init(key: "addressLine1", value: .string("1 Microsoft Way")), .init(key: "city", value: .string("Redmond")),
        .init(key: "state", value: .string("WA")), .init(key: "postalCode", value: .string("98052")),
        .init(key: "country", value: .string("US")),
    ])

    /// A fake that knows `customers`, each with a profile at ``redmond`` and ETag `v0`.
    init(customers: [String]) {
        state.withLock { state in
            for customer in customers {
                var profile = JSONObject()
                profile["defaultAddress"] = .object(Self.redmond)
                profile["attributes"] = .object(JSONObject([.init(key: "etag", value: .string("v0"))]))
                profile["keepMe"] = .number("1.50")
                state.profiles[customer] = profile
                state.versions[customer] = 0
            }
        }
    }

    // MARK: - Scripting

    /// The next reads of `customer` fail (or, for `nil`, answer) in this order; then they answer.
    func scriptReads(_ customer: String, _ answers: [PartnerCenterError?]) {
        update { $0.getScript[customer, default: []] += answers }
    }

    /// The next writes of `customer` go this way, in order; then they are accepted.
    func scriptWrites(_ customer: String, _ answers: [PutAnswer]) {
        update { $0.putScript[customer, default: []] += answers }
    }

    /// Every read of `customer` takes `delay`.
    func delayReads(_ customer: String, by delay: Duration) {
        update { $0.readDelay[customer] = delay }
    }

    /// A read of `customer` answers only once a read of `other` has answered.
    func answer(_ customer: String, after other: String) {
        update { $0.answersAfter[customer] = other }
    }

    /// The first `count` reads wait (at most 5 s) until `count` calls are in flight at once.
    func holdFirstReads(until count: Int) {
        update { $0.barrier = count }
    }

    /// Reads of `customers` wait until they are released.
    func hold(_ customers: some Sequence<String>) {
        update { $0.calls.held.formUnion(customers) }
    }

    func releaseAll() {
        update { $0.calls.held = [] }
    }

    /// Rules requests (the preflight's first) wait until ``releaseRules()``, then fail with
    /// `error`, or with 404 (no rules served, which lets the run go on).
    func holdRules(answering error: PartnerCenterError? = nil) {
        update { state in
            state.calls.rulesHeld = true
            if let error { state.rulesAnswer = error }
        }
    }

    /// Rules requests for `country` wait until ``releaseRules()``, then answer as the others do.
    func holdRules(of country: String) {
        update { _ = $0.calls.rulesHeldFor.insert(country) }
    }

    func releaseRules() {
        update { state in
            state.calls.rulesHeld = false
            state.calls.rulesHeldFor = []
        }
    }

    /// Another writer sets `field` of `customer`'s address; the ETag changes.
    func edit(_ customer: String, _ field: String, _ value: String) {
        update { state in
            guard var profile = state.profiles[customer] else { return }
            var address = profile["defaultAddress"]?.objectValue ?? JSONObject()
            address[field] = .string(value)
            profile["defaultAddress"] = .object(address)
            Self.bump(&state, customer, &profile)
        }
    }

    // MARK: - Observing

    var calls: Calls { state.withLock { $0.calls } }

    func address(_ customer: String) -> AddressFields {
        state.withLock { BillingProfile(document: $0.profiles[customer] ?? JSONObject()).address }
    }

    /// Waits until what the fake saw satisfies `predicate`; `false` when `timeout` passed first.
    @discardableResult
    func wait(timeout: Duration = .seconds(10), until predicate: @escaping @Sendable (Calls) -> Bool) async -> Bool {
        let id = update { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    let now: Bool? = self.update { state in
                        if state.abandoned.remove(id) != nil { return false }
                        if predicate(state.calls) { return true }
                        state.waiters[id] = Waiter(predicate: predicate, continuation: continuation)
                        return nil
                    }
                    if let now { continuation.resume(returning: now) }
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            let left: Waiter? = update { state in
                if let waiter = state.waiters.removeValue(forKey: id) { return waiter }
                state.abandoned.insert(id)
                return nil
            }
            left?.continuation.resume(returning: false)
            return first
        }
    }

    // MARK: - ProfileService

    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    {
        update { $0.calls.rulesAsked += 1 }
        await wait(timeout: .seconds(30)) { !$0.rulesHeld && !$0.rulesHeldFor.contains(country) }
        throw state.withLock { $0.rulesAnswer }
    }

    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        let (barrier, delay, after) = update { state in
            state.calls.gets[customerId, default: 0] += 1
            Self.enter(&state)
            let barrier = state.calls.totalGets <= state.barrier ? state.barrier : nil
            return (barrier, state.readDelay[customerId], state.answersAfter[customerId])
        }
        if let barrier { await wait(timeout: .seconds(5)) { $0.inFlight >= barrier } }
        await wait(timeout: .seconds(30)) { !$0.held.contains(customerId) }
        if let after { await wait { $0.answeredGets.contains(after) } }
        if let delay { try? await Task.sleep(for: delay) }
        let answer: Result<BillingProfile, PartnerCenterError> = update { state in
            state.calls.answeredGets.append(customerId)
            state.calls.readsStartedWhenAnswered[customerId] = state.calls.totalGets
            state.calls.inFlight -= 1
            if var script = state.getScript[customerId], !script.isEmpty {
                let scripted = script.removeFirst()
                state.getScript[customerId] = script
                if let scripted { return .failure(scripted) }
            }
            guard let profile = state.profiles[customerId] else {
                return .failure(PartnerCenterError(kind: .http, status: 404, code: "60003"))
            }
            return .success(BillingProfile(document: profile))
        }
        return try answer.get()
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        update { state in
            state.calls.puts[customerId, default: 0] += 1
            Self.enter(&state)
        }
        await Task.yield()
        let answer: Result<BillingProfile?, PartnerCenterError> = update { state in
            state.calls.inFlight -= 1
            var script = state.putScript[customerId] ?? []
            let scripted = script.isEmpty ? PutAnswer.accept : script.removeFirst()
            state.putScript[customerId] = script
            switch scripted {
            case .fail(let error): return .failure(error)
            case .lostWithoutAnswer:
                return .failure(PartnerCenterError(kind: .transport(ambiguous: true), detail: "connection dropped"))
            case .accept, .landsWithoutAnswer: break
            }
            guard let version = state.versions[customerId] else {
                return .failure(PartnerCenterError(kind: .http, status: 404, code: "60003"))
            }
            guard profile.etag == "v\(version)" else {
                return .failure(PartnerCenterError(kind: .http, status: 412, code: "2055"))
            }
            var stored = profile.document
            Self.bump(&state, customerId, &stored)
            if case .landsWithoutAnswer = scripted {
                return .failure(PartnerCenterError(kind: .transport(ambiguous: true), detail: "connection dropped"))
            }
            return .success(BillingProfile(document: stored))
        }
        return try answer.get()
    }

    // MARK: - State

    /// Changes the state, then wakes every waiter whose condition now holds.
    private func update<T>(_ body: (inout State) -> T) -> T {
        let (value, ready) = state.withLock { state in
            let value = body(&state)
            let calls = state.calls
            let ready = state.waiters.filter { $0.value.predicate(calls) }
            for id in ready.keys { state.waiters[id] = nil }
            return (value, ready.values.map(\.continuation))
        }
        for continuation in ready { continuation.resume(returning: true) }
        return value
    }

    private static func enter(_ state: inout State) {
        state.calls.inFlight += 1
        state.calls.maxInFlight = max(state.calls.maxInFlight, state.calls.inFlight)
    }

    /// Stores `profile` for `customer` with the next ETag.
    private static func bump(_ state: inout State, _ customer: String, _ profile: inout JSONObject) {
        let version = (state.versions[customer] ?? 0) + 1
        state.versions[customer] = version
        profile["attributes"] = .object(JSONObject([.init(key: "etag", value: .string("v\(version)"))]))
        state.profiles[customer] = profile
    }
}

/// A fake Partner Center that serves no country rules and no address validation (both 404), so
/// that rows are judged by the offline rules; a customer is its billing profile, and there is no
/// customer list (404).
protocol ServesNoRules: ProfileService {}

extension ServesNoRules {
    func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer {
        Customer(id: id, billingProfile: try await billingProfile(customerId: id, correlationId: correlationId))
    }

    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        throw PartnerCenterError(kind: .http, status: 404)
    }

    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    {
        throw PartnerCenterError(kind: .http, status: 404)
    }

    func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
    {
        throw PartnerCenterError(kind: .http, status: 404)
    }
}
