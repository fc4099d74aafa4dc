/// Supplies the bearer token for each request.
public protocol TokenProvider: Sendable {
    /// A token valid for at least the next request.
    /// - Throws: ``PartnerCenterError`` of kind `.authentication`.
    func token() async throws(PartnerCenterError) -> String
    /// Partner Center refused `token` (401): forget it, so that the next ``token()`` fetches a new one.
    /// - Returns: whether a fresh token can be had (a fixed token cannot be renewed).
    func invalidate(_ token: String) async -> Bool
    /// How tokens are had, for `doctor`: the grant, the audience and when the current one
    /// expires; never the token itself.
    func describe() async -> String
}

/// A ready token from `PARTNER_CENTER_ACCESS_TOKEN`: used as is, never renewed.
public struct StaticTokenProvider: TokenProvider {
    private let value: String

    public init(token: String) {
        value = token
    }

    public func token() async throws(PartnerCenterError) -> String { value }
    public func invalidate(_ token: String) async -> Bool { false }
    public func describe() async -> String {
        "a ready access token (PARTNER_CENTER_ACCESS_TOKEN); its audience and expiry are the issuer's, not renewed"
    }
}
