/// What a status means to a run: the one policy the retry loop, the row results, the preflight
/// and the row processor all read, so that what is retried, what a resume does again, what stops
/// a run and what is one customer's failure never disagree.
///
/// | status (code) | meaning | retried | a failed row is done again by a resume | the preflight says |
/// |---|---|---|---|---|
/// | 408, 429, 500, 502, 503, 504 | ``Meaning/transient``: the service, not the request | yes | yes | an outage: the run does not start |
/// | 401 (900421: MFA claim missing, or any other) | ``Meaning/accessRefused``: the token or the sign-in | no (one token renewal) | yes, once access is fixed | credentials refused |
/// | 403 other than 20002 | ``Meaning/accessRefused``: the partner's role or consent | no | yes, once access is fixed | credentials refused |
/// | 403 with 20002 | ``Meaning/customerRefused``: no relationship with this customer | no | no | — |
/// | 409, 412, 400 with 2055 | ``Meaning/conflict``: the profile changed since it was read | no (read again) | no | — |
/// | any other 4xx, 501, 505–599 | ``Meaning/final``: the request, not the moment | no | no | — |
extension PartnerCenterError {
    /// What a status says about the call, the run and the row.
    public enum Meaning: Sendable, Equatable {
        /// The service failed for the moment: retried, and a row that failed so is done again.
        case transient
        /// The partner's token, sign-in, role or consent was refused: not one customer's problem;
        /// consecutive refusals stop the run, and the rows are done again once access is fixed.
        case accessRefused
        /// The partner may not manage this one customer (403 with code 20002).
        case customerRefused
        /// An ETag conflict: 412, 409, or 400 with code 2055.
        case conflict
        /// Anything else: the row's final failure.
        case final
    }

    /// The Partner Center code of a 403 that is about one customer only: "no commerce relationship".
    public static let noRelationshipCode = "20002"

    /// What `status` with Partner Center's `code` means.
    public static func meaning(status: Int, code: String?) -> Meaning {
        switch status {
        case 408, 429, 500, 502, 503, 504: .transient
        case 401: .accessRefused
        case 403: code == noRelationshipCode ? .customerRefused : .accessRefused
        case 409, 412: .conflict
        case 400 where code == "2055": .conflict
        default: .final
        }
    }

    /// Whether a status is worth another attempt of the same call.
    public static func isRetryable(status: Int) -> Bool {
        meaning(status: status, code: nil) == .transient
    }

    /// What this error means; `nil` for one without an HTTP status.
    public var meaning: Meaning? {
        guard kind == .http, let status else { return nil }
        return Self.meaning(status: status, code: code)
    }

    /// Whether the partner's access as such was refused (see ``Meaning/accessRefused``).
    public var refusesAccess: Bool { meaning == .accessRefused }

    /// Whether a row that failed with `status` and `code` (no status: no answer) may succeed in
    /// another run: transient failures, and refused access once it is fixed.
    public static func isTransientFailure(status: Int?, code: String?) -> Bool {
        guard let status else { return code == nil }
        return [.transient, .accessRefused].contains(meaning(status: status, code: code))
    }
}
