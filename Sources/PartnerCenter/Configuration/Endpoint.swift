import Foundation

/// Checks a Partner Center or authority URL: `https://` only, except for loopback hosts
/// (`localhost`, `127.0.0.0/8`, `::1`), where the simulator listens.
public enum Endpoint {
    /// The URL without a trailing slash.
    /// - Throws: ``ConfigurationError`` for a URL that is not https on a non-loopback host.
    public static func validated(_ text: String, option: String) throws(ConfigurationError) -> String {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty
        else {
            throw ConfigurationError(
                "\(option) '\(text)' is not a URL; give one such as https://api.partnercenter.microsoft.com.")
        }
        guard scheme == "https" || (scheme == "http" && isLoopback(host)) else {
            throw ConfigurationError(
                "\(option) '\(text)' must use https:// (plain http is allowed only for loopback hosts such as 127.0.0.1)."
            )
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// Whether `host` is this machine.
    public static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".")
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
