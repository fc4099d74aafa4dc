import JSONDocument

/// Everything the simulator can be told: where it listens, whom it serves, and what goes wrong.
/// Deterministic for a given `seed`: the same customers, ETags and fault decisions.
public struct SimulatorConfiguration: Sendable {
    /// Faults, as fractions of requests (0 to 1).
    public struct Faults: Sendable, Equatable {
        /// Mean added latency per request. Default none.
        public var latency: Duration = .zero
        /// Latency varies uniformly by up to this much either side of the mean. Default none.
        public var latencyJitter: Duration = .zero
        /// The routes these faults (latency, 5xx, 429, drops) apply to, by name
        /// (`GET /v1/customers/{id}/profiles/billing`); `nil` for every route. Default `nil`.
        public var routes: Set<String>?
        /// Requests answered 500, 502, 503 or 504 (PartnerFD body). Default 0.
        public var serverErrorRate: Double = 0
        /// Requests answered 429 with `Retry-After`, whatever the quota. Default 0.
        public var throttleRate: Double = 0
        /// Requests whose connection drops before any answer (nothing happens). Default 0.
        public var dropRate: Double = 0
        /// PUTs that are applied, and then the connection drops before the answer. Default 0.
        public var dropAfterWriteRate: Double = 0
        /// `Retry-After` seconds on the throttled answers of `throttleRate`. Default 1.
        public var retryAfterSeconds: Int = 1

        public init() {}
    }

    /// The address to bind. Default 127.0.0.1 (loopback only).
    public var host = "127.0.0.1"
    /// The port; 0 picks a free one. Default 0.
    public var port = 0
    /// Drives customer data, ETags and fault decisions. Default 1.
    public var seed: UInt64 = 1
    /// Customers to generate when no seed customers are given. Default 100.
    public var generatedCustomers = 100
    /// Customers to serve instead of generated ones.
    public var seedCustomers: [SeedCustomer]?
    /// A saved state to start from instead: its customers with their ETags as saved, and ETags
    /// continuing after its counter. Takes precedence over `seedCustomers`.
    public var snapshot: SimulatorSnapshot?
    public var faults = Faults()
    /// Requests per minute allowed for the whole partner (token bucket), answered 429 with
    /// `Retry-After` beyond it; `nil` for no quota. Default `nil`.
    public var quotaPerMinute: Int?
    /// Requests the quota's bucket holds when full: the burst it lets through at once; `nil` for
    /// one second of quota. Default `nil`.
    public var quotaBurst: Int?
    /// How the `Retry-After` of a quota 429 rounds the wait until the bucket next holds a request.
    /// Default ``RetryAfterRounding/up``.
    public var retryAfterRounding = RetryAfterRounding.up
    /// Lifetime of the tokens the token endpoint issues. Default 3600 s.
    public var tokenLifetime: Duration = .seconds(3600)
    /// The client secret the token endpoint accepts (any client ID). Default `sandbox-secret`.
    public var clientSecret = "sandbox-secret"
    /// The refresh token the App+User grant accepts. Default `sandbox-refresh-token`.
    public var refreshToken = "sandbox-refresh-token"
    /// Another writer's change, by customer: applied right after the customer's first profile read
    /// has been answered, so that the reader's ETag is stale when it writes (address fields; `null`
    /// removes one).
    public var editsAfterFirstRead: [String: JSONObject] = [:]
    /// A hostile service: its 5xx bodies echo the request's `Authorization` header and the token
    /// endpoint's refusals echo the form it was sent (client secret and refresh token included).
    /// Default `false`.
    public var echoSecrets = false
    /// Customers whose profile is answered without `attributes.etag` (a hostile or broken
    /// service). Default none.
    public var profilesWithoutETag: Set<String> = []
    /// Customers the partner may not manage: answered 403 / 20002 (no commerce relationship).
    public var forbiddenCustomers: Set<String> = []
    /// Bearer tokens accepted without the token endpoint (like a ready `PARTNER_CENTER_ACCESS_TOKEN`).
    public var staticTokens: Set<String> = ["sandbox-token"]

    /// Partner Center's country rules as the simulator serves and enforces them. Default: the
    /// simulator's own data (`Rules/partner-center-country-rules.json`).
    public var countryRules: SimulatorCountryRules = .builtIn

    // MARK: Fidelity modes: the ways Partner Center may behave that the documents leave open

    /// Every JSON answer (success and error; not the `/_sandbox` routes) starts with the UTF-8
    /// byte-order mark EF BB BF, as some .NET services write it. Default `false`.
    public var bom = false
    /// The answer to a PUT whose enforced ETag is stale. Default ``ConflictStyle/preconditionFailed`` (412).
    public var conflictStyle = ConflictStyle.preconditionFailed
    /// Which ETag a PUT must carry to be stored. Default ``ETagSource/both``.
    public var etagIn = ETagSource.both
    /// A merging service: a PUT's members absent from it (at the top level and in `defaultAddress`)
    /// keep their stored values, members sent as `null` are removed, others replace. When `false`,
    /// the PUT's document replaces the stored one. Either way a `null` member is never stored or
    /// returned: Partner Center leaves null fields out. Default `false`.
    public var mergePuts = false
    /// A standardizing service: a PUT's `city`, `state` and `postalCode` are stored (and so
    /// answered and read back) upper-cased, with runs of spaces collapsed to one. They are
    /// standardized before the country rules check them. Default `false`.
    public var normalizeStoredValues = false
    /// The `status` every `POST /v1/validations/address` answers, with the suggestions and message
    /// that status comes with; `nil` for the simulator's own judgement (`Verified`, `StreetPartial`
    /// for a street without a house number, `None` for what the country rules refuse). Default `nil`.
    public var addressValidationStatus: AddressValidationStatus?
    /// A successful PUT answers 200 with an empty body instead of the stored profile, as some
    /// services do. Default `false`.
    public var emptyPutAnswer = false
    /// How `GET /v1/customers` points to its next page. Default ``CustomerPaging/relativeLink``.
    public var customerPaging = CustomerPaging.relativeLink
    /// `GET /v1/customers/{id}` answers without the customer's `billingProfile` (the documents show
    /// it; a service may leave it out, as the list's items do). Default `false`.
    public var customerWithoutBillingProfile = false
    /// The largest page `GET /v1/customers` answers, whatever `size` asks (Partner Center's is
    /// 500). Default 500.
    public var customerPageLimit = 500

    public init() {}
}
