import AddressRules
import PartnerCenter
import Synchronization

/// At most `limit` calls to Partner Center at once (`--concurrency`); the others wait for a slot,
/// first come, first served.
///
/// The run keeps more rows under way than it has slots (``RunConfiguration/rowsUnderWay``), so a
/// row between two of its calls (planning, journaling its intent, waiting for its country's rules)
/// leaves its slot to another row's call instead of idle. A row starts when a slot is free for its
/// first call (``start(unless:_:)``), which hands the row a ``SlotTicket``: the row passes it to its
/// first call (``BoundedProfileService/holding(_:)``). A row still waiting for a slot when the run
/// stops, or is cancelled, has not started.
final class RequestSlots: Sendable {
    private struct State {
        var free: Int
        var waiting: [(id: Int, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextId = 0
    }

    private let state: Mutex<State>

    /// - Parameter limit: calls at once; at least 1.
    init(_ limit: Int) {
        state = Mutex(State(free: max(1, limit)))
    }

    /// Runs `row` once a slot is free for its first call, handing it the slot's ticket, unless
    /// `stopped()` says the run stopped while the row waited for it.
    /// - Returns: `nil` when the row did not start: the run stopped, or the task was cancelled,
    ///   while it waited.
    func start<T>(unless stopped: () -> Bool, _ row: (SlotTicket) async -> T) async -> T? {
        if !takeFree() {
            guard await acquire() else { return nil }
            guard !stopped() else {
                release()
                return nil
            }
        }
        let ticket = SlotTicket()
        let result = await row(ticket)
        // A row that made no call leaves its slot to the next.
        if ticket.take() { release() }
        return result
    }

    /// Runs `call` in a slot: the one `ticket` holds, if still unused, or the next one free.
    /// - Throws: `call`'s error, or `.cancelled` when the task is cancelled while it waits.
    func withSlot<T>(
        _ ticket: SlotTicket? = nil, correlationId: String, _ call: () async throws(PartnerCenterError) -> T
    )
        async throws(PartnerCenterError) -> T
    {
        if ticket?.take() != true {
            guard await acquire() else { throw PartnerCenterError(kind: .cancelled, correlationId: correlationId) }
        }
        defer { release() }
        return try await call()
    }

    /// Calls waiting for a slot now.
    var waiting: Int { state.withLock { $0.waiting.count } }

    /// Takes a slot if one is free now.
    private func takeFree() -> Bool {
        state.withLock { state in
            guard state.free > 0 else { return false }
            state.free -= 1
            return true
        }
    }

    /// Waits for a slot; `false` when the task was cancelled first (no slot is then held).
    private func acquire() async -> Bool {
        let id = state.withLock { state in
            defer { state.nextId += 1 }
            return state.nextId
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now: Bool? = state.withLock { state in
                    if Task.isCancelled { return false }
                    if state.free > 0 {
                        state.free -= 1
                        return true
                    }
                    state.waiting.append((id, continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiting.firstIndex { $0.id == id }.map { state.waiting.remove(at: $0).continuation }
            }
            waiter?.resume(returning: false)
        }
    }

    /// Hands the slot to the first waiter, or frees it.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst().continuation
        }
        next?.resume(returning: true)
    }
}

/// The slot a row was started in (``RequestSlots/start(unless:_:)``), taken by its first call; the
/// row's later calls wait for a slot like any other.
final class SlotTicket: Sendable {
    private let unused = Mutex(true)

    /// Whether the slot was still unused (it is now the caller's).
    func take() -> Bool {
        unused.withLock { unused in
            defer { unused = false }
            return unused
        }
    }
}

/// A ``ProfileService`` whose calls take one of the run's ``RequestSlots`` each, so that no more
/// than `--concurrency` are in flight whatever the number of rows under way. The country rules
/// pass straight through: one call per country per run, made while rows wait for it, over the
/// connections the pool keeps beside the rows'.
///
/// A call whose failure stops the run (``StopReason/init(_:)``) stops it before its slot is
/// handed on, so that no row starts in its place.
struct BoundedProfileService: ProfileService {
    let base: any ProfileService
    let slots: RequestSlots
    let stop: StopSignal
    /// The slot of the row these calls are for, taken by the first (``holding(_:)``).
    private var ticket: SlotTicket?

    init(base: any ProfileService, slots: RequestSlots, stop: StopSignal) {
        self.base = base
        self.slots = slots
        self.stop = stop
    }

    /// The service of one row started in `ticket`'s slot: its first call takes that slot.
    func holding(_ ticket: SlotTicket) -> BoundedProfileService {
        var service = self
        service.ticket = ticket
        return service
    }

    private func inSlot<T>(correlationId: String, _ call: () async throws(PartnerCenterError) -> T)
        async throws(PartnerCenterError) -> T
    {
        try await slots.withSlot(ticket, correlationId: correlationId) { () async throws(PartnerCenterError) in
            do throws(PartnerCenterError) {
                return try await call()
            } catch {
                if let why = StopReason(error) { stop.stop(why) }
                throw error
            }
        }
    }

    func customer(id: String, correlationId: String) async throws(PartnerCenterError) -> Customer {
        try await inSlot(correlationId: correlationId) { () async throws(PartnerCenterError) in
            try await base.customer(id: id, correlationId: correlationId)
        }
    }

    func customerPage(after continuation: CustomerPage.Continuation?, size: Int, correlationId: String)
        async throws(PartnerCenterError) -> CustomerPage
    {
        try await inSlot(correlationId: correlationId) { () async throws(PartnerCenterError) in
            try await base.customerPage(after: continuation, size: size, correlationId: correlationId)
        }
    }

    func billingProfile(customerId: String, correlationId: String) async throws(PartnerCenterError) -> BillingProfile {
        try await inSlot(correlationId: correlationId) { () async throws(PartnerCenterError) in
            try await base.billingProfile(customerId: customerId, correlationId: correlationId)
        }
    }

    func updateBillingProfile(customerId: String, profile: BillingProfile, correlationId: String)
        async throws(PartnerCenterError) -> BillingProfile?
    {
        try await inSlot(correlationId: correlationId) { () async throws(PartnerCenterError) in
            try await base.updateBillingProfile(customerId: customerId, profile: profile, correlationId: correlationId)
        }
    }

    func countryValidationRules(_ country: String, correlationId: String) async throws(PartnerCenterError)
        -> CountryValidationRules
    {
        try await base.countryValidationRules(country, correlationId: correlationId)
    }

    func validateAddress(_ address: AddressFields, correlationId: String) async throws(PartnerCenterError)
        -> AddressValidationResult
    {
        try await inSlot(correlationId: correlationId) { () async throws(PartnerCenterError) in
            try await base.validateAddress(address, correlationId: correlationId)
        }
    }
}
