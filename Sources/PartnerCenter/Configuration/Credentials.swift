import Foundation

/// Who the tool signs in as, read from the environment (or an env file): a ready token, or an
/// app's client credentials, with a refresh token for App+User. Secrets stay in this value and
/// the token provider; nothing prints them (`description` names only the kind).
public enum Credentials: Sendable, CustomStringConvertible {
    case accessToken(String)
    case clientCredentials(tenant: String, clientId: String, secret: String)
    case appPlusUser(tenant: String, clientId: String, secret: String, refreshToken: String)

    /// The variables, as SPEC §5 names them.
    public enum Variable {
        public static let accessToken = "PARTNER_CENTER_ACCESS_TOKEN"
        public static let tenantId = "PARTNER_CENTER_TENANT_ID"
        public static let clientId = "PARTNER_CENTER_CLIENT_ID"
        public static let clientSecret = "PARTNER_CENTER_CLIENT_SECRET"
        public static let refreshToken = "PARTNER_CENTER_REFRESH_TOKEN"
    }

    /// Reads credentials from `environment`.
    /// - Throws: ``ConfigurationError`` naming what is missing.
    public static func from(environment: [String: String]) throws(ConfigurationError) -> Credentials {
        func value(_ name: String) -> String? {
            environment[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
                $0.isEmpty ? nil : $0
            }
        }
        if let token = value(Variable.accessToken) {
            guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\"") }) else {
                throw ConfigurationError(
                    "\(Variable.accessToken) is not a bearer token: it holds characters an HTTP header cannot carry "
                        + "(a line break, a space, a quote or non-ASCII text). Set it to the access_token value alone "
                        + "(not the JSON answer around it).")
            }
            return .accessToken(token)
        }
        let app = [Variable.tenantId, Variable.clientId, Variable.clientSecret]
        let missing = app.filter { value($0) == nil }
        guard missing.count < app.count else {
            throw ConfigurationError(
                "no Partner Center credentials: set \(Variable.accessToken), or \(app.joined(separator: ", ")) "
                    + "(plus \(Variable.refreshToken) for App+User), in the environment or in a file given with "
                    + "--env-file. To try the tool without credentials, use --sandbox.")
        }
        guard missing.isEmpty else {
            throw ConfigurationError("incomplete credentials: \(missing.joined(separator: ", ")) not set.")
        }
        let tenant = value(Variable.tenantId)!
        guard isTenant(tenant) else {
            throw ConfigurationError(
                "\(Variable.tenantId) must be the partner's tenant ID (a GUID) or its domain name (contoso.onmicrosoft.com)."
            )
        }
        let clientId = value(Variable.clientId)!
        let secret = value(Variable.clientSecret)!
        if let refresh = value(Variable.refreshToken) {
            return .appPlusUser(tenant: tenant, clientId: clientId, secret: secret, refreshToken: refresh)
        }
        return .clientCredentials(tenant: tenant, clientId: clientId, secret: secret)
    }

    /// A GUID, or a domain name (letters, digits and hyphens, in dot-separated labels).
    static func isTenant(_ text: String) -> Bool {
        if UUID(uuidString: text) != nil { return true }
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && text.count <= 253
            && labels.allSatisfy { label in
                !label.isEmpty && label.count <= 63 && label.first != "-" && label.last != "-"
                    && label.utf8.allSatisfy {
                        $0 == UInt8(ascii: "-") || (0x30...0x39).contains($0)
                            || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                    }
            }
    }

    /// The secret values these credentials hold, for a ``Redactor``.
    public var secrets: [String] {
        switch self {
        case .accessToken(let token): [token]
        case .clientCredentials(_, _, let secret): [secret]
        case .appPlusUser(_, _, let secret, let refreshToken): [secret, refreshToken]
        }
    }

    public var description: String {
        switch self {
        case .accessToken: "a ready access token"
        case .clientCredentials(let tenant, let clientId, _): "app-only credentials (tenant \(tenant), app \(clientId))"
        case .appPlusUser(let tenant, let clientId, _, _): "App+User credentials (tenant \(tenant), app \(clientId))"
        }
    }
}

/// Reads `KEY=VALUE` lines from a credentials file that only its owner can read.
public enum EnvFile {
    /// The variables in `path`: `KEY=VALUE` per line, an optional `export `, values optionally in
    /// single or double quotes. A line starting with `#` is a comment; in an unquoted value, a `#`
    /// after white space starts a comment too (quote a value that holds ` #`).
    /// - Throws: ``ConfigurationError`` when the file is missing, or readable by its group or others.
    public static func load(_ path: String) throws(ConfigurationError) -> [String: String] {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw ConfigurationError("--env-file \(path): cannot read it (\(String(cString: strerror(errno)))).")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw ConfigurationError(
                "--env-file \(path) can be read by other users (mode \(String(status.st_mode & 0o777, radix: 8))); "
                    + "it holds secrets: run chmod 600 \(path).")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("--env-file \(path): cannot read it as UTF-8 text.")
        }
        var values: [String: String] = [:]
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
                value = String(value.dropFirst().dropLast())
            } else if let comment = value.range(of: #"\s#"#, options: .regularExpression) {
                value = value[..<comment.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            values[key] = value
        }
        return values
    }
}
