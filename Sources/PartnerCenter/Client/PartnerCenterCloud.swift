/// Partner Center's clouds: the API endpoint, the token audience and the Entra authority of each (`--cloud`).
public enum PartnerCenterCloud: String, Sendable, CaseIterable {
    case global, usgov, china

    /// The REST API's base URL.
    public var endpoint: String {
        switch self {
        case .global, .usgov: "https://api.partnercenter.microsoft.com"
        case .china: "https://partner.partnercenterapi.microsoftonline.cn"
        }
    }

    /// The audience a token for this cloud's Partner Center API must have (`resource=`): the global
    /// API for the global and US Government clouds (the old `graph.windows.net` is refused with
    /// 900420), and 21Vianet's own endpoint for China, as Microsoft's published clients and the
    /// Azure CSP tooling request it.
    public var resource: String {
        switch self {
        case .global, .usgov: "https://api.partnercenter.microsoft.com"
        case .china: "https://partner.partnercenterapi.microsoftonline.cn"
        }
    }

    /// The login authority tokens come from.
    public var authority: String {
        switch self {
        case .global: "https://login.microsoftonline.com"
        case .usgov: "https://login.microsoftonline.us"
        case .china: "https://login.chinacloudapi.cn"
        }
    }
}
