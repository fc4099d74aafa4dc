/// How the client talks to Partner Center. Every field has a documented default; the CLI builds
/// this from its options, tests build it directly.
public struct PartnerCenterConfiguration: Sendable {
    /// The API base URL, validated by ``Endpoint``. Default: the global cloud's.
    public var endpoint: String
    /// Sent as `MS-PartnerCenter-Application`. Default `billing-migrate`.
    public var applicationName: String = "billing-migrate"
    /// Attempts and backoff. Default: 6 attempts, 0.5 s base, 30 s cap.
    public var retry = RetryPolicy()
    /// One attempt's time limit, connection to last byte. Default 60 s.
    public var requestTimeout: Duration = .seconds(60)
    /// The secrets the run holds (client secret, refresh token, a ready token): masked, with the
    /// token of each request, in any text a response or an error brings. Default none.
    public var secrets: [String] = []
    /// Where a PUT carries the ETag. Default both (`If-Match` and `attributes.etag`).
    public var etagPlacement = ETagPlacement.both

    public init(endpoint: String = PartnerCenterCloud.global.endpoint) {
        self.endpoint = endpoint
    }
}
