/// Partner Center's clouds: the API endpoint and the Entra authority of each (`--cloud`).
public enum PartnerCenterCloud: String, Sendable, CaseIterable {
    case global, usgov, china

    /// The REST API's base URL.
    public var endpoint: String {
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
