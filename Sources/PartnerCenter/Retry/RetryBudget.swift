import Synchronization

/// A per-run allowance of retries, so that a run that only fails stops instead of hammering an
/// outage (after AWS's retry quota): it starts with `capacity` tokens, a retry costs `retryCost`,
/// a success at the first attempt pays back `refund`, and a success after retries pays back
/// `retryCost` (the retry worked). With the defaults (500, 5, 1) a run can make 100 retries in a
/// row with no success between them, while a brownout whose retries succeed never spends it.
public final class RetryBudget: Sendable {
    private struct State {
        var tokens: Int
    }

    private let state: Mutex<State>
    public let capacity: Int
    public let retryCost: Int
    public let refund: Int

    public init(capacity: Int = 500, retryCost: Int = 5, refund: Int = 1) {
        self.capacity = capacity
        self.retryCost = retryCost
        self.refund = refund
        state = Mutex(State(tokens: capacity))
    }

    /// Takes the cost of one retry; `false` when the budget is spent (and takes nothing).
    public func withdrawRetry() -> Bool {
        state.withLock { state in
            guard state.tokens >= retryCost else { return false }
            state.tokens -= retryCost
            return true
        }
    }

    /// Pays back for a success: `retryCost` when it came after a retry, else `refund`.
    public func recordSuccess(afterRetry: Bool = false) {
        let amount = afterRetry ? retryCost : refund
        state.withLock { state in state.tokens = min(capacity, state.tokens + amount) }
    }

    /// Tokens left.
    public var remaining: Int { state.withLock { $0.tokens } }
}
